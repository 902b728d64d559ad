"""Home-page sections: shown in their order inside their window (evaluated at exact instants
in Asia/Shanghai), the cached page switching banners at the boundary, the previous content as
the fallback, and a staff-only preview that is never cached."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from backend.merchandising import services
from backend.merchandising.models import HomeSection, HomeSectionKind
from tests.merchandising.conftest import make_manager, shanghai

pytestmark = pytest.mark.django_db


def banner(shop, title, *, starts_at=None, ends_at=None, published=True, sort_order=0, link=""):
    return services.save_home_section(
        section=None,
        data={
            "channel": shop.channel,
            "kind": HomeSectionKind.BANNER,
            "title": title,
            "link_url": link,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "is_published": published,
            "sort_order": sort_order,
        },
    )


def test_sections_replace_the_default_banners_in_the_order_set(client, shop, rice):
    banner(shop, "年货节横幅", sort_order=2)
    services.save_home_section(
        section=None,
        data={
            "channel": shop.channel,
            "kind": HomeSectionKind.PRODUCT_CAROUSEL,
            "title": "主播推荐",
            "products": [rice],
            "is_published": True,
            "sort_order": 1,
        },
    )
    html = client.get("/").content.decode()
    assert html.index("主播推荐") < html.index("年货节横幅")
    assert "东王集大米" in html
    assert 'class="banner-strip"' not in html  # the default collection strip gave way


def test_without_sections_the_home_page_keeps_its_content(client, shop, rice):
    banner(shop, "未发布的横幅", published=False)
    html = client.get("/").content.decode()
    assert "未发布的横幅" not in html
    assert "热销好物" in html and "东王集大米" in html


def test_cached_home_page_switches_banners_at_the_exact_boundary(client, shop, rice, clock):
    start = shanghai(2027, 1, 20, 0, 0)
    end = shanghai(2027, 1, 21, 0, 0)
    banner(shop, "腊八节横幅", starts_at=start, ends_at=end)
    clock.set(start - timedelta(microseconds=1))
    assert "腊八节横幅" not in client.get("/").content.decode()
    assert "腊八节横幅" not in client.get("/").content.decode()  # from the page cache
    clock.set(start)
    assert "腊八节横幅" in client.get("/").content.decode()
    clock.set(end - timedelta(microseconds=1))
    assert "腊八节横幅" in client.get("/").content.decode()
    clock.set(end)
    assert "腊八节横幅" not in client.get("/").content.decode()


def test_staff_preview_shows_unpublished_and_future_sections_and_is_never_cached(
    client, shop, rice, django_assert_max_num_queries
):
    start = shanghai(2030, 2, 1, 8, 0)
    banner(shop, "元宵节预告", starts_at=start, published=False)
    manager = make_manager()
    client.force_login(manager)
    response = client.get("/", {"preview_at": "2030-02-01T08:00:00+08:00"})
    assert response.status_code == 200
    assert "元宵节预告" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # A minute earlier the section has not started.
    earlier = client.get("/", {"preview_at": "2030-02-01T07:59:00"}).content.decode()
    assert "元宵节预告" not in earlier
    # Nothing of the preview was kept for anyone else.
    client.logout()
    assert "元宵节预告" not in client.get("/").content.decode()
    client.cookies.clear()
    assert "元宵节预告" not in client.get("/").content.decode()


def test_preview_link_of_one_section_opens_the_page_at_its_start(client, shop, rice):
    section = banner(shop, "端午节横幅", starts_at=shanghai(2031, 6, 1), published=False)
    client.force_login(make_manager())
    html = client.get("/", {"preview_section": section.pk}).content.decode()
    assert "端午节横幅" in html


def test_preview_is_for_merchandising_staff_only(client, shop, rice):
    banner(shop, "未发布的横幅", published=False)
    assert (
        "未发布的横幅" not in client.get("/", {"preview_at": "2030-01-01T00:00"}).content.decode()
    )
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert (
        "未发布的横幅" not in client.get("/", {"preview_at": "2030-01-01T00:00"}).content.decode()
    )


def test_preview_leaves_the_anonymous_page_cache_alone(client, shop, rice):
    banner(shop, "正式横幅")
    first = client.get("/").content
    banner(shop, "草稿横幅", published=False)
    staff = client.__class__()
    staff.force_login(make_manager())
    assert "草稿横幅" in staff.get("/", {"preview_at": "2030-01-01T00:00"}).content.decode()
    anonymous = client.get("/").content.decode()
    assert "草稿横幅" not in anonymous and "正式横幅" in anonymous
    assert first  # the anonymous page was cached before the preview


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "http://example.com/",
        "//evil.example/",
        "data:text/html,hi",
        "/path with space",
        "https:///nohost",
        " javascript:alert(1)",
    ],
)
def test_links_other_than_site_paths_and_https_are_refused_and_nothing_is_written(shop, link):
    with pytest.raises(Exception) as raised:
        banner(shop, "坏链接", link=link)
    assert raised.value.error_dict["link_url"][0].code == "INVALID_LINK"
    assert not HomeSection.objects.exists()


@pytest.mark.parametrize("link", ["/campaigns/nianhuo/", "https://live.douyin.com/123", ""])
def test_site_paths_and_https_links_are_accepted(shop, link):
    assert banner(shop, "好链接", link=link).link_url == link


def test_sections_of_another_channel_are_not_shown(client, shop, rice):
    from tests.factories import ChannelFactory

    other = ChannelFactory(slug="other", name="其他")
    services.save_home_section(
        section=None,
        data={"channel": other, "kind": "banner", "title": "别处横幅", "is_published": True},
    )
    assert "别处横幅" not in client.get("/").content.decode()


assert settings.TIME_ZONE == "Asia/Shanghai"
