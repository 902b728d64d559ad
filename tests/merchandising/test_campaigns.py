"""Campaign pages: before the start ("coming on …"), while running (products with their
discounted prices, promotions in words, the end shown as text), after the end (a 200 with a
clear message), never-published campaigns are 404; the campaigns list."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.catalog.models import Collection, CollectionProduct
from backend.discount.models import Promotion, PromotionRule, PromotionType, RewardType
from backend.merchandising import services
from backend.merchandising.models import Campaign
from tests.merchandising.conftest import shanghai

pytestmark = pytest.mark.django_db

START = shanghai(2027, 1, 20, 0, 0)
END = shanghai(2027, 3, 21, 0, 0)


@pytest.fixture
def campaign(shop, rice):
    collection = Collection.objects.create(name="年货节商品", slug="nianhuo-products")
    CollectionProduct.objects.create(collection=collection, product=rice)
    order_promotion = Promotion.objects.create(
        name="年货节满减", type=PromotionType.ORDER, start_date=START, end_date=END
    )
    rule = PromotionRule.objects.create(
        promotion=order_promotion,
        min_subtotal_amount=Decimal("99"),
        reward_value_type="fixed",
        reward_value=Decimal("10"),
        reward_type=RewardType.SUBTOTAL_DISCOUNT,
    )
    rule.channels.add(shop.channel)
    catalogue = Promotion.objects.create(
        name="年货节特惠", type=PromotionType.CATALOGUE, start_date=START, end_date=END
    )
    catalogue_rule = PromotionRule.objects.create(
        promotion=catalogue, reward_value_type="percentage", reward_value=Decimal("10")
    )
    catalogue_rule.channels.add(shop.channel)
    catalogue_rule.collections.add(collection)
    return services.save_campaign(
        campaign=None,
        data={
            "name": "年货节",
            "slug": "nianhuo",
            "headline": "灌云好物过大年",
            "channel": shop.channel,
            "starts_at": START,
            "ends_at": END,
            "collection": collection,
            "promotions": [order_promotion, catalogue],
        },
    )


def test_before_the_start_the_page_says_when_it_comes(client, campaign, clock):
    clock.set(START - timedelta(seconds=1))
    response = client.get("/campaigns/nianhuo/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "活动将于 2027年1月20日 00:00（北京时间）开始" in html
    assert "东王集大米" not in html


def test_running_campaign_lists_its_products_prices_and_offers_in_words(client, campaign, clock):
    clock.set(START)
    html = client.get("/campaigns/nianhuo/").content.decode()
    assert "东王集大米" in html
    assert "满99减10" in html
    assert "活动商品9折" in html
    assert "活动截止：2027年3月21日 00:00（北京时间）" in html
    # The card's price is the pricing engine's: 10% off the 12.80 list price.
    assert "¥11.52" in html


def test_after_the_end_the_page_says_it_ended(client, campaign, clock):
    clock.set(END)
    response = client.get("/campaigns/nianhuo/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "活动已于 2027年3月21日 00:00 结束" in html
    assert "东王集大米" not in html and "满99减10" not in html


def test_a_never_published_campaign_is_not_found(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(is_published=False)
    assert client.get("/campaigns/nianhuo/").status_code == 404
    assert client.get("/campaigns/no-such-campaign/").status_code == 404


def test_campaign_list_groups_running_upcoming_and_ended(client, shop, campaign, clock):
    services.save_campaign(
        campaign=None,
        data={
            "name": "丰收节",
            "channel": shop.channel,
            "starts_at": shanghai(2027, 9, 23),
            "ends_at": shanghai(2027, 10, 7),
        },
    )
    clock.set(START + timedelta(days=1))
    html = client.get("/campaigns/").content.decode()
    html = html[html.index("<main") :]
    assert (
        html.index("正在进行")
        < html.index("年货节")
        < html.index("即将开始")
        < html.index("丰收节")
    )


def test_campaign_that_ends_before_it_starts_is_refused_and_nothing_written(shop):
    with pytest.raises(ValidationError) as raised:
        services.save_campaign(
            campaign=None,
            data={"name": "错期活动", "channel": shop.channel, "starts_at": END, "ends_at": START},
        )
    assert raised.value.error_dict["ends_at"][0].code == "INVALID_DATES"
    assert not Campaign.objects.exists()


def test_managers_preview_an_unpublished_campaign_at_its_start(client, campaign, clock):
    from tests.merchandising.conftest import make_manager

    Campaign.objects.filter(pk=campaign.pk).update(is_published=False)
    clock.set(START - timedelta(days=3))
    client.force_login(make_manager())
    html = client.get("/campaigns/nianhuo/", {"preview_at": "2027-01-20T00:00:00+08:00"})
    assert "东王集大米" in html.content.decode() and "满99减10" in html.content.decode()
    client.logout()
    assert client.get("/campaigns/nianhuo/").status_code == 404


def test_sitemap_lists_published_campaigns_and_the_live_page(client, campaign):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/campaigns/nianhuo/" in xml and "/live/" in xml
    Campaign.objects.filter(pk=campaign.pk).update(is_published=False)
    assert "/campaigns/nianhuo/" not in client.get("/sitemap.xml").content.decode()


def test_campaign_products_come_from_a_cached_fragment(client, campaign, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock.set(START)
    with CaptureQueriesContext(connection) as first:
        client.get("/campaigns/nianhuo/")
    with CaptureQueriesContext(connection) as second:
        html = client.get("/campaigns/nianhuo/").content.decode()
    assert "东王集大米" in html and "¥11.52" in html
    assert len(second.captured_queries) < len(first.captured_queries)
    assert not any("catalog_product" in q["sql"] for q in second.captured_queries)
