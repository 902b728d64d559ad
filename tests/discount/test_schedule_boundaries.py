"""Promotions start and end at their exact instants, evaluated in Asia/Shanghai: the price
changes between 23:59:59.999999 and 00:00:00 — in the pricing functions, on the storefront's
cached product page and list, and in cached GraphQL responses (their keys carry the schedule
epoch, so no row has to change at that instant)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.catalog.models import ProductVariantChannelListing
from backend.catalog.schedule import schedule_epoch
from backend.discount.models import SpecialPriceKind
from backend.discount.pricing import variant_pricing
from backend.discount.rules import catalogue_rules
from tests.discount.conftest import D, flash_sale, listed_variant, promotion

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2027, 1, 1, 0, 0, 0, tzinfo=SHANGHAI)
END = dt.datetime(2027, 1, 8, 0, 0, 0, tzinfo=SHANGHAI)
TICK = dt.timedelta(microseconds=1)

PRODUCT = """
query($slug: String!) { product(slug: $slug, channel: "guanyun") {
  pricing { onSale priceRange { start { gross { amount } } } }
  variants { pricing { price { gross { amount } } priceUndiscounted { gross { amount } } } }
} }"""


@pytest.fixture
def rice(channel, warehouse):
    variant = listed_variant(channel, warehouse, D("39.90"), name="东王集大米")
    promotion(channel, variants=[variant], value=D("20"), start=START, end=END, name="年货节")
    return variant


@pytest.fixture
def clock(monkeypatch):
    """Set what `timezone.now()` returns everywhere (services, views, caches)."""

    class Clock:
        def set(self, instant: dt.datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: instant.astimezone(dt.UTC))

    return Clock()


def price_at(rice, instant) -> Decimal:
    listing = ProductVariantChannelListing.objects.get(variant=rice)
    pricing = variant_pricing(
        listing, Decimal("0.09"), rules=catalogue_rules(listing.channel_id), at=instant
    )
    assert pricing is not None
    return pricing.price.gross.amount


def test_a_promotion_applies_from_its_start_instant_until_just_before_its_end(rice):
    assert price_at(rice, START - TICK) == D("39.90")
    assert price_at(rice, START) == D("31.92")
    assert price_at(rice, END - TICK) == D("31.92")
    assert price_at(rice, END) == D("39.90")


def test_the_schedule_epoch_moves_at_each_boundary_instant(rice):
    before = schedule_epoch(START - TICK)
    assert schedule_epoch(START) == before + 1
    assert schedule_epoch(END - TICK) == before + 1
    assert schedule_epoch(END) == before + 2


def test_a_livestream_price_applies_only_inside_its_window(channel, warehouse):
    variant = listed_variant(channel, warehouse, D("39.90"))
    flash_sale(
        channel,
        variant,
        price=D("29.90"),
        start=START,
        end=END,
        kind=SpecialPriceKind.LIVESTREAM,
    )
    assert price_at(variant, START - TICK) == D("39.90")
    assert price_at(variant, START) == D("29.90")
    assert price_at(variant, END) == D("39.90")


def test_the_cached_product_page_changes_price_at_the_exact_instant(client, rice, clock):
    url = reverse("storefront:product", args=[rice.product.slug])
    clock.set(START - TICK)
    page = client.get(url).content.decode()
    assert "39.90" in page and "31.92" not in page
    clock.set(START - TICK)
    assert "31.92" not in client.get(url).content.decode()  # from the cache, still before
    clock.set(START)
    page = client.get(url).content.decode()
    assert "31.92" in page
    clock.set(END)
    page = client.get(url).content.decode()
    assert "31.92" not in page


def test_the_storefront_list_changes_price_at_the_exact_instant(client, rice, clock):
    url = reverse("storefront:products")
    clock.set(START - TICK)
    assert "31.92" not in client.get(url).content.decode()
    clock.set(START)
    assert "31.92" in client.get(url).content.decode()


def test_cached_graphql_responses_change_price_at_the_exact_instant(gql, rice, clock, settings):
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 300
    slug = rice.product.slug

    def shown():
        data = gql.query(PRODUCT, {"slug": slug})["product"]
        return (
            data["pricing"]["priceRange"]["start"]["gross"]["amount"],
            data["variants"][0]["pricing"]["priceUndiscounted"]["gross"]["amount"],
        )

    clock.set(START - TICK)
    assert shown() == (39.9, 39.9)
    assert shown() == (39.9, 39.9)
    clock.set(START)
    assert shown() == (31.92, 39.9)
    clock.set(END)
    assert shown() == (39.9, 39.9)


def test_the_whole_page_cache_of_first_visits_changes_price_at_the_exact_instant(
    client, rice, clock
):
    from backend.brand.models import PublicBrand

    PublicBrand.objects.create(
        name="伊山伊水",
        slug="yishan-yishui",
        county_name="灌云县",
        channel=rice.product.channel_listings.get().channel,
    )
    url = reverse("storefront:home")
    clock.set(START - TICK)
    first = client.get(url).content.decode()
    assert "39.90" in first and "31.92" not in first
    assert client.get(url).content.decode() == first  # served whole from the cache
    clock.set(START)
    assert "31.92" in client.get(url).content.decode()
