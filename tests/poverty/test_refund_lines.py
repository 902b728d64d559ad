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
