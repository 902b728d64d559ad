"""The merchandising pages of the dashboard: only for MANAGE_MERCHANDISING; preview links;
"refresh now" on rule collections; bad links and overlapping live prices shown on the form
with nothing written; live prices saved inline become special prices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.catalog.models import Collection, CollectionProduct
from backend.discount.models import SpecialPrice
from backend.merchandising import services
from backend.merchandising.models import HomeSection, LivestreamEvent
from tests.factories import UserFactory
from tests.merchandising.conftest import make_manager

pytestmark = pytest.mark.django_db

PAGES = ("homesection", "campaign", "livestreamevent", "rulecollection")


@pytest.mark.parametrize("model", PAGES)
def test_merchandising_pages_open_for_managers_only(client, shop, model):
    url = reverse(f"admin:merchandising_{model}_changelist")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(make_manager())
    assert client.get(url).status_code == 200


def test_section_list_has_a_preview_link_per_section(client, shop):
    section = services.save_home_section(
        section=None, data={"channel": shop.channel, "kind": "banner", "title": "横幅"}
    )
    client.force_login(make_manager())
    html = client.get(reverse("admin:merchandising_homesection_changelist")).content.decode()
    assert f'href="/?preview_section={section.pk}"' in html


def _section_form(shop, **fields):
    return {
        "channel": shop.channel.pk,
        "kind": "banner",
        "title": "横幅",
        "subtitle": "",
        "link_url": "/campaigns/",
        "sort_order": 0,
        "is_published": "on",
        "section_products-TOTAL_FORMS": 0,
        "section_products-INITIAL_FORMS": 0,
        **fields,
    }


def test_a_javascript_link_is_refused_on_the_form(client, shop):
    client.force_login(make_manager())
    url = reverse("admin:merchandising_homesection_add")
    response = client.post(url, _section_form(shop, link_url="javascript:alert(1)"))
    assert response.status_code == 200  # the form again, with the error
    assert "链接只能是本站路径" in response.content.decode()
    assert not HomeSection.objects.exists()
    assert client.post(url, _section_form(shop)).status_code == 302
    assert HomeSection.objects.get().link_url == "/campaigns/"


def test_refresh_now_action_refreshes_rule_collections(client, shop, rice):
    collection = Collection.objects.create(
        name="地理标志产品",
        slug="gi",
        kind="rule",
        rule={"conditions": [{"kind": "geographical_indication"}]},
    )
    client.force_login(make_manager())
    response = client.post(
        reverse("admin:merchandising_rulecollection_changelist"),
        {"action": "refresh_now", "_selected_action": [collection.pk]},
        follow=True,
    )
    assert "已刷新 1 个规则专题：新增 1 件" in response.content.decode()
    assert CollectionProduct.objects.filter(collection=collection, product=rice).exists()
    collection.refresh_from_db()
    assert collection.rule_refreshed_at is not None


def _event_form(shop, rice, price="9.90"):
    start = timezone.localtime(timezone.now() + timedelta(days=1))
    end = start + timedelta(hours=2)
    small = rice.variants.order_by("pk").first()
    return (
        {
            "title": "新米直播",
            "host_name": "小王",
            "platform": "douyin",
            "stream_url": "https://live.douyin.com/1",
            "channel": shop.channel.pk,
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "ends_at_0": end.strftime("%Y-%m-%d"),
            "ends_at_1": end.strftime("%H:%M:%S"),
            "is_published": "on",
            "funded_by": "vendor",
            "event_products-TOTAL_FORMS": 1,
            "event_products-INITIAL_FORMS": 0,
            "event_products-0-product": rice.pk,
            "event_products-0-sort_order": 0,
            "prices-TOTAL_FORMS": 1,
            "prices-INITIAL_FORMS": 0,
            "prices-0-variant": small.pk,
            "prices-0-price_amount": price,
        },
        small,
        start,
    )


def test_live_prices_saved_inline_become_special_prices(client, shop, rice):
    client.force_login(make_manager())
    form, small, _start = _event_form(shop, rice)
    response = client.post(reverse("admin:merchandising_livestreamevent_add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = LivestreamEvent.objects.get()
    special = SpecialPrice.objects.get(source_key=f"livestream:{event.pk}")
    assert special.variant == small and special.price_amount == Decimal("9.90")


def test_an_overlapping_live_price_is_refused_on_the_form(client, shop, rice):
    client.force_login(make_manager())
    form, small, start = _event_form(shop, rice)
    SpecialPrice.objects.create(
        name="秒杀",
        channel=shop.channel,
        variant=small,
        price_amount=Decimal("5"),
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(hours=1),
    )
    response = client.post(reverse("admin:merchandising_livestreamevent_add"), form)
    assert response.status_code == 200
    assert "时段不能重叠" in response.content.decode()
    assert not LivestreamEvent.objects.exists()
