"""The `orders` query for a vendor's staff: only orders holding their vendor's lines, only
those lines (and parcels and fulfilments), the shopper's data masked, another vendor's order
not found, and a statement count that does not grow with the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db

ORDERS = """
query($first: Int, $filter: OrderFilterInput) {
  orders(first: $first, filter: $filter) {
    totalCount
    edges { node {
      id number userEmail userPhone
      user { email }
      shippingAddress { fullName phone streetAddress1 cityArea }
      lines { productName productSku quantity variant { sku } }
      shipments { code }
      transactions { chargedAmount { amount } }
      fulfillments { lines { orderLine { productSku } } }
    } }
  }
}
"""

ORDER = """
query($id: ID!) { order(id: $id) { id number userPhone lines { productSku } } }
"""


def api(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user))


def test_vendor_staff_see_only_orders_and_lines_of_their_vendor(client, world):
    mixed = world.parcel(world.a, extra_lines=[(world.b.variant, 1)]).order
    world.parcel(world.b)  # B only: not A's business
    data = api(client, world.a_staff).query(ORDERS, {"first": 10})["orders"]
    assert data["totalCount"] == 1
    (node,) = [edge["node"] for edge in data["edges"]]
    assert node["number"] == str(mixed.number)
    assert [line["productSku"] for line in node["lines"]] == [world.a.variant.sku]
    assert node["transactions"] == []
    assert len(node["shipments"]) == 1


def test_shopper_personal_data_is_masked_for_vendor_staff(client, world):
    order = world.parcel(world.a).order
    node = api(client, world.a.owner).query(ORDERS, {"first": 10})["orders"]["edges"][0]["node"]
    assert node["user"] is None
    assert node["userPhone"] != order.user_phone and "*" in node["userPhone"]
    address = node["shippingAddress"]
    assert address["streetAddress1"] != order.shipping_address.street_address
    assert address["fullName"] != order.shipping_address.full_name
    assert order.shipping_address.phone not in address["phone"]


def test_vendor_cannot_search_orders_by_the_shoppers_phone(client, world):
    order = world.parcel(world.a).order
    gql = api(client, world.a.owner)
    by_phone = gql.query(ORDERS, {"first": 10, "filter": {"search": "13900001111"}})
    assert by_phone["orders"]["totalCount"] == 0
    by_customer = gql.query(ORDERS, {"first": 10, "filter": {"customer": "nobody-at-all"}})
    assert by_customer["orders"]["totalCount"] == 1  # the customer filter is ignored
    by_number = gql.query(ORDERS, {"first": 10, "filter": {"search": f"#{order.number}"}})
    assert by_number["orders"]["totalCount"] == 1


def test_order_by_id_is_scoped(client, world):
    mine = world.parcel(world.a).order
    theirs = world.parcel(world.b).order
    gql = api(client, world.a.owner)
    found = gql.query(ORDER, {"id": to_global_id("Order", str(mine.pk))})["order"]
    assert found["number"] == str(mine.number) and "*" in found["userPhone"]
    assert found["lines"] == [{"productSku": world.a.variant.sku}]
    assert gql.query(ORDER, {"id": to_global_id("Order", str(theirs.pk))})["order"] is None


def test_users_who_are_neither_staff_nor_vendor_staff_are_refused(client, world):
    world.parcel(world.a)
    body = api(client, world.shopper).post(ORDERS, {"first": 10}).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    assert body["data"]["orders"] is None


def _statements(client, user, first: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = api(client, user).query(ORDERS, {"first": first})
    assert len(data["orders"]["edges"]) == first
    return len(captured.captured_queries)


def test_statement_count_does_not_grow_with_page_size(client, world):
    for _ in range(8):
        world.parcel(world.a, extra_lines=[(world.b.variant, 1)])
    one = _statements(client, world.a.owner, 1)
    eight = _statements(client, world.a.owner, 8)
    print(f"vendor orders statements: first=1 {one}, first=8 {eight}")
    assert one == eight


TOTALS = """
query($first: Int) { orders(first: $first) { edges { node {
  subtotal { gross { amount } } total { gross { amount } net { amount } }
  shippingPrice { gross { amount } } totalCharged { amount } totalBalance { amount }
  lines { totalPrice { gross { amount } } }
} } } }
"""


def test_vendor_staff_see_their_share_of_the_money_not_the_order_total(client, world):
    from decimal import Decimal

    order = world.parcel(world.a, extra_lines=[(world.b.variant, 1)]).order
    own = order.lines.filter(vendor=world.a.vendor)
    own_gross = sum((line.total_price_gross_amount for line in own), Decimal(0))
    assert own_gross < order.total_gross_amount  # B's line is in the order too
    node = api(client, world.a.owner).query(TOTALS, {"first": 10})["orders"]["edges"][0]["node"]
    assert Decimal(str(node["total"]["gross"]["amount"])) == own_gross
    assert Decimal(str(node["subtotal"]["gross"]["amount"])) == own_gross
    assert sum(Decimal(str(x["totalPrice"]["gross"]["amount"])) for x in node["lines"]) == own_gross
    assert node["shippingPrice"]["gross"]["amount"] == 0
    assert node["totalCharged"]["amount"] == 0 and node["totalBalance"]["amount"] == 0
