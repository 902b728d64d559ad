"""A refund that names order lines (a granted refund's OrderGrantedRefundLine rows, recorded by
the payment app in the refund request's metadata) is charged to those lines only: the other
vendor of the order gives nothing back; a refund that names none is shared pro rata."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.payment.models import TransactionEvent, TransactionEventType, TransactionItem
from backend.settlement.collection import refund_shares
from tests.factories import OrderFactory, OrderLineFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _refund(item, reference: str, amount: str, lines=None):
    metadata = {"lines": lines} if lines else {}
    TransactionEvent.objects.create(
        transaction=item,
        type=TransactionEventType.REFUND_REQUEST,
        amount_value=Decimal(amount),
        psp_reference=reference,
        metadata=metadata,
    )
    TransactionEvent.objects.create(
        transaction=item,
        type=TransactionEventType.REFUND_SUCCESS,
        amount_value=Decimal(amount),
        psp_reference=reference,
    )


def test_a_named_refund_falls_on_its_line_and_an_unnamed_one_is_shared():
    a, b = VendorFactory(), VendorFactory()
    order = OrderFactory()
    line_a = OrderLineFactory(order=order, vendor=a, unit_price_gross_amount=Decimal("30.00"))
    line_b = OrderLineFactory(order=order, vendor=b, unit_price_gross_amount=Decimal("30.00"))
    item = TransactionItem.objects.create(order=order, currency="CNY", gateway="dummy")
    _refund(item, "r1", "30.00", [{"line": str(line_b.pk), "quantity": 1, "amount": "30.00"}])
    assert refund_shares(a) == []
    (share,) = refund_shares(b)
    assert (share.order_line, share.amount) == (line_b, Decimal("30.00"))
    _refund(item, "r2", "10.00")  # names no line: shared over what is left (line A only)
    (share_a,) = refund_shares(a)
    assert (share_a.order_line, share_a.amount) == (line_a, Decimal("10.00"))
