"""flashSaleCreate / Update / Delete, and the public flashSales(channel) list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.discount.models import SpecialPrice, SpecialPriceKind
from tests.discount_api.conftest import gid
from tests.factories import ChannelFactory

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: FlashSaleCreateInput!) {
  flashSaleCreate(input: $input) {
    flashSale { id name price { amount } undiscountedPrice { amount } quantityLimit
      quantitySold remainingQuantity perCustomerLimit fundedBy isRunning
      channel { slug } variant { id } }
    errors { field message code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: FlashSaleInput!) {
  flashSaleUpdate(id: $id, input: $input) {
    flashSale { id remainingQuantity price { amount } }
    errors { field message code }
  }
}
"""
DELETE = "mutation($id: ID!) { flashSaleDelete(id: $id) { flashSale { id } errors { code } } }"
LIST = """
query($channel: String!) {
  flashSales(channel: $channel) { name price { amount } undiscountedPrice { amount }
    remainingQuantity perCustomerLimit isRunning startsAt endsAt
    variant { id product { name } } }
}
"""


def _input(sale_channel, variant, window, **overrides):
    data = {
        "name": "东王集大米限时秒杀",
        "channel": gid("Channel", sale_channel.pk),
        "variant": gid("ProductVariant", variant.pk),
        "price": "39.90",
        "startsAt": window[0].isoformat(),
        "endsAt": window[1].isoformat(),
        "quantityLimit": 100,
        "perCustomerLimit": 2,
        "fundedBy": "BRAND",
    }
    data.update(overrides)
    return data


def test_brand_manager_creates_flash_sale(manager_gql, channel, rice, window):
    _product, variants = rice
    result = manager_gql.query(CREATE, {"input": _input(channel, variants[0], window)})[
        "flashSaleCreate"
    ]
    assert result["errors"] == []
    sale = result["flashSale"]
    assert sale["price"] == {"amount": 39.9}
    assert sale["undiscountedPrice"] == {"amount": 59.9}
    assert (sale["quantityLimit"], sale["quantitySold"], sale["remainingQuantity"]) == (100, 0, 100)
    assert sale["perCustomerLimit"] == 2
    assert sale["isRunning"] is True
    assert SpecialPrice.objects.get().kind == SpecialPriceKind.FLASH_SALE


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"price": "59.90"}, "price", "PRICE_NOT_BELOW_LIST_PRICE"),
        ({"price": "80"}, "price", "PRICE_NOT_BELOW_LIST_PRICE"),
        ({"price": "0"}, "price", "INVALID_PRICE"),
        ({"price": "-1"}, "price", "INVALID_PRICE"),
        ({"quantityLimit": 0}, "quantityLimit", "INVALID"),
        ({"perCustomerLimit": -2}, "perCustomerLimit", "INVALID"),
        ({"channel": gid("Channel", 99999)}, "channel", "NOT_FOUND"),
    ],
    ids=["at-list-price", "above-list-price", "zero", "negative", "zero-stock", "cap", "channel"],
)
def test_invalid_flash_sale_is_refused_and_nothing_is_written(
    manager_gql, channel, rice, window, overrides, field, code
):
    _product, variants = rice
    result = manager_gql.query(
        CREATE, {"input": _input(channel, variants[0], window, **overrides)}
    )["flashSaleCreate"]
    assert result["flashSale"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in result["errors"]]
    assert SpecialPrice.objects.count() == 0


def test_flash_sale_ending_before_start_is_refused(manager_gql, channel, rice, window):
    _product, variants = rice
    data = _input(channel, variants[0], window, endsAt=window[0].isoformat())
    result = manager_gql.query(CREATE, {"input": data})["flashSaleCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("endsAt", "INVALID_WINDOW")]
    assert SpecialPrice.objects.count() == 0


def test_variant_not_listed_in_channel_is_refused(manager_gql, rice, window):
    _product, variants = rice
    other = ChannelFactory(slug="tourism", name="文旅馆")
    result = manager_gql.query(CREATE, {"input": _input(other, variants[0], window)})[
        "flashSaleCreate"
    ]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("variant", "VARIANT_NOT_LISTED")
    ]


def test_overlapping_flash_sales_of_one_variant_are_refused(manager_gql, channel, rice, window):
    _product, variants = rice
    manager_gql.query(CREATE, {"input": _input(channel, variants[0], window)})
    shifted = (window[1] - timedelta(hours=1), window[1] + timedelta(days=1))
    clash = manager_gql.query(CREATE, {"input": _input(channel, variants[0], shifted)})[
        "flashSaleCreate"
    ]
    assert [(e["field"], e["code"]) for e in clash["errors"]] == [
        ("startsAt", "OVERLAPPING_WINDOW")
    ]
    # The other variant, or the window right after, is fine.
    other_variant = manager_gql.query(
        CREATE, {"input": _input(channel, variants[1], shifted, price="79")}
    )["flashSaleCreate"]
    assert other_variant["errors"] == []
    after = (window[1], window[1] + timedelta(days=1))
    next_one = manager_gql.query(CREATE, {"input": _input(channel, variants[0], after)})[
        "flashSaleCreate"
    ]
    assert next_one["errors"] == []
    assert SpecialPrice.objects.count() == 3


def test_update_cannot_cut_stock_below_what_was_sold(manager_gql, channel, rice, window):
    _product, variants = rice
    sale_id = manager_gql.query(CREATE, {"input": _input(channel, variants[0], window)})[
        "flashSaleCreate"
    ]["flashSale"]["id"]
    SpecialPrice.objects.update(quantity_sold=30)
    bad = manager_gql.query(UPDATE, {"id": sale_id, "input": {"quantityLimit": 20}})
    assert [e["field"] for e in bad["flashSaleUpdate"]["errors"]] == ["quantityLimit"]
    good = manager_gql.query(UPDATE, {"id": sale_id, "input": {"quantityLimit": 50}})
    assert good["flashSaleUpdate"]["flashSale"]["remainingQuantity"] == 20
    # Sold units are on orders: the sale is deactivated, not deleted.
    refused = manager_gql.query(DELETE, {"id": sale_id})["flashSaleDelete"]
    assert [e["code"] for e in refused["errors"]] == ["INVALID"]
    assert SpecialPrice.objects.count() == 1


def test_unsold_flash_sale_is_deleted(manager_gql, channel, rice, window):
    _product, variants = rice
    sale_id = manager_gql.query(CREATE, {"input": _input(channel, variants[0], window)})[
        "flashSaleCreate"
    ]["flashSale"]["id"]
    assert manager_gql.query(DELETE, {"id": sale_id})["flashSaleDelete"]["errors"] == []
    assert SpecialPrice.objects.count() == 0


def test_anyone_sees_running_and_upcoming_flash_sales_but_not_ended_ones(
    gql, manager_gql, channel, rice, now
):
    _product, variants = rice
    running = (now - timedelta(hours=1), now + timedelta(hours=2))
    upcoming = (now + timedelta(days=1), now + timedelta(days=1, hours=2))
    ended = (now - timedelta(days=2), now - timedelta(days=1))
    for window, variant in ((running, variants[0]), (upcoming, variants[1])):
        manager_gql.query(CREATE, {"input": _input(channel, variant, window, price="40")})
    SpecialPrice.objects.create(
        name="已结束",
        channel=channel,
        variant=variants[0],
        price_amount=30,
        starts_at=ended[0],
        ends_at=ended[1],
    )
    sales = gql.query(LIST, {"channel": channel.slug})["flashSales"]
    assert [(s["isRunning"], s["remainingQuantity"]) for s in sales] == [(True, 100), (False, 100)]
    assert sales[0]["undiscountedPrice"] == {"amount": 59.9}
    assert sales[1]["undiscountedPrice"] == {"amount": 99.0}
    assert sales[0]["variant"]["product"]["name"] == "东王集大米"


def test_flash_sales_of_unknown_channel_is_not_found(gql, db):
    response = gql.post(LIST, {"channel": "nowhere"})
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "NOT_FOUND"
