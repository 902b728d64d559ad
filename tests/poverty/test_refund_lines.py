"""Refunds that name order lines (Saleor: orderGrantRefundCreate with `lines`,
OrderGrantedRefundLine): the amount defaults to the lines' paid amount, quantities are checked
against what is left of each line, and the poverty ledger reverses exactly those units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.poverty.models import EntryKind, ZoneSale
from tests.conftest import GraphQLClient
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

MUTATION = """
mutation Grant($id: ID!, $input: OrderGrantRefundCreateInput!) {
  orderGrantRefundCreate(id: $id, input: $input) {
    grantedRefund { amount { amount } lines { quantity reason amount { amount } orderLine { id } } }
    errors { field code }
  }
}
"""


def test_granting_a_refund_for_named_lines_through_the_api(zone, client):
    zone.certify(zone.rice)
    order = zone.paid_order([(zone.rice_variant, 3), (zone.noodles_variant, 2)])
    rice_line = order.lines.get(variant=zone.rice_variant)
    api = GraphQLClient(client, create_access_token(staff_with(Permission.MANAGE_ORDERS)))
    line_id = to_global_id("OrderLine", str(rice_line.pk))
    body = api.query(
        MUTATION,
        {
            "id": to_global_id("Order", str(order.pk)),
            "input": {"lines": [{"id": line_id, "quantity": 2, "reason": "破损"}]},
        },
    )["orderGrantRefundCreate"]
    assert body["errors"] == []
    granted = body["grantedRefund"]
    assert granted["amount"]["amount"] == 60.0
    assert granted["lines"] == [
        {"quantity": 2, "reason": "破损", "amount": {"amount": 60.0}, "orderLine": {"id": line_id}}
    ]
    reversal = ZoneSale.objects.get(kind=EntryKind.REFUND)
    assert (reversal.quantity, reversal.amount) == (-2, Decimal("-60.00"))
    # One unit left on the line: two more are refused, with the line named, and nothing written.
    refused = api.query(
        MUTATION,
        {
            "id": to_global_id("Order", str(order.pk)),
            "input": {"lines": [{"id": line_id, "quantity": 2}]},
        },
    )["orderGrantRefundCreate"]
    assert refused["errors"][0]["code"] == "INVALID_QUANTITY"
    assert order.granted_refunds.count() == 1


def test_an_amount_below_the_named_lines_is_refused(zone, client):
    zone.certify(zone.rice)
    order = zone.paid_order([(zone.rice_variant, 1)])
    api = GraphQLClient(client, create_access_token(staff_with(Permission.MANAGE_ORDERS)))
    body = api.query(
        MUTATION,
        {
            "id": to_global_id("Order", str(order.pk)),
            "input": {
                "amount": "10.00",
                "lines": [
                    {"id": to_global_id("OrderLine", str(order.lines.get().pk)), "quantity": 1}
                ],
            },
        },
    )["orderGrantRefundCreate"]
    assert body["errors"] == [{"field": "amount", "code": "INVALID"}]
    assert not ZoneSale.objects.filter(kind=EntryKind.REFUND).exists()


def test_an_order_discount_lowers_the_zone_sale_and_the_line_refunds(zone):
    """满99减10 over rice 3 × 30.00 and noodles 2 × 12.80 (115.60): the shopper paid 105.60.
    The zone's sales count what was paid for each line, and refunding every line gives back
    105.60, the discount's shares never refunded (backend.order.paid)."""
    from backend.discount.models import DiscountFunding, OrderDiscount, OrderLineDiscount
    from backend.discount.pricing import allocate
    from backend.order.models import OrderLine
    from backend.order.paid import paid_total_expression, paid_totals
    from backend.order.services import grant_refund
    from backend.payment.services import mark_order_paid

    zone.certify(zone.rice)
    zone.certify(zone.noodles)
    order = zone.unpaid_order([(zone.rice_variant, 3), (zone.noodles_variant, 2)])
    lines = list(order.lines.order_by("sort_order"))
    discount = OrderDiscount.objects.create(
        order=order,
        type="promotion",
        name="满99减10",
        amount=Decimal("10.00"),
        funded_by=DiscountFunding.PLATFORM,
    )
    shares = allocate(Decimal("10.00"), [line.total_price_gross_amount for line in lines])
    for line, share in zip(lines, shares, strict=True):
        OrderLineDiscount.objects.create(
            line=line,
            order_discount=discount,
            type="promotion",
            name="满99减10",
            amount=share,
            funded_by=DiscountFunding.PLATFORM,
        )
    order.total_gross_amount = order.total_net_amount = Decimal("105.60")
    order.save()
    mark_order_paid(order, user=zone.staff)
    order.refresh_from_db()
    paid = paid_totals(lines)
    assert sum(paid.values()) == Decimal("105.60")
    assert paid[lines[0].pk] == Decimal("90.00") - shares[0]
    # The same figure in SQL, as the county dashboard sums it.
    in_sql = dict(
        OrderLine.objects.filter(order=order)
        .annotate(paid=paid_total_expression())
        .values_list("pk", "paid")
    )
    assert in_sql == paid
    sales = {s.order_line_id: s.amount for s in ZoneSale.objects.filter(kind=EntryKind.SALE)}
    assert sales == paid
    granted = grant_refund(
        order, user=zone.staff, lines=[(line, line.quantity, "整单退") for line in lines]
    )
    assert granted.amount_value == Decimal("105.60")
    reversed_amounts = {
        s.order_line_id: -s.amount for s in ZoneSale.objects.filter(kind=EntryKind.REFUND)
    }
    assert reversed_amounts == paid
