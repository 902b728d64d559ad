"""The orders list costs the same number of SQL statements for one order as for thirty."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.order import services
from backend.payment.models import TransactionItem
from tests.factories import StockFactory, UserFactory, order_with_lines

pytestmark = pytest.mark.django_db

FULL_ORDERS = """
query($first: Int) {
  orders(first: $first) {
    totalCount
    edges { node {
      id number status chargeStatus isPaid created updatedAt userEmail
      channel { slug }
      user { email }
      shippingAddress { fullName cityArea }
      billingAddress { fullName }
      lines {
        productName productSku quantity quantityFulfilled
        unitPrice { gross { amount } }
        variant { sku }
        thumbnail { url }
      }
      events { type message user { email } }
      fulfillments { fulfillmentOrder lines { quantity orderLine { productSku } } }
      grantedRefunds { amount { amount } createdBy { email } }
      transactions { chargedAmount { amount } }
      total { gross { amount } }
      totalGrantedRefund { amount }
    } }
  }
}
"""


@pytest.fixture
def thirty_orders(channel, stocked_variants, manager):
    first, second = stocked_variants
    for variant in stocked_variants:
        StockFactory(product_variant=variant, quantity=1000).warehouse.channels.add(channel)
    for index in range(30):
        order = order_with_lines(
            channel=channel, lines=[(first, 1), (second, 1)], user=UserFactory()
        )
        services.add_note(order, f"备注{index}", user=manager)
        services.fulfill_order(order, [(order.lines.order_by("sort_order")[0], 1)], user=manager)
        services.grant_refund(order, Decimal("1.00"), user=manager)
        TransactionItem.objects.create(
            gateway="dummy", order=order, charged_value=order.total_gross_amount
        )


def _statements(manager_gql, first: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = manager_gql.query(FULL_ORDERS, {"first": first})
    edges = data["orders"]["edges"]
    assert len(edges) == first
    assert all(len(edge["node"]["lines"]) == 2 for edge in edges)
    assert all(edge["node"]["fulfillments"][0]["lines"] for edge in edges)
    return len(captured.captured_queries)


def test_orders_statement_count_is_the_same_for_1_and_30(manager_gql, thirty_orders):
    one = _statements(manager_gql, 1)
    thirty = _statements(manager_gql, 30)
    print(f"statements for first=1: {one}, first=30: {thirty}")
    assert one == thirty
    assert thirty < 30
