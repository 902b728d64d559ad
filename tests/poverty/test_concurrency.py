"""Money changing hands at once: two payments of the same order write its ledger once; refunds
of the same line racing each other never reverse more units than were sold. Real PostgreSQL,
real threads with their own connections (the pattern of tests/checkout/test_concurrency.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.order.models import Order
from backend.order.services import grant_refund
from backend.payment.services import mark_order_paid
from backend.poverty.ledger import reconciliation_problems
from backend.poverty.models import BenefitEntry, EntryKind, ZoneSale
from tests.checkout.test_concurrency import run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def attempt(call):
    def run():
        try:
            call()
        except ValidationError as error:
            return error.error_list[0].code if not hasattr(error, "error_dict") else "refused"
        return "ok"

    return run


def test_two_payments_at_once_write_the_ledger_once(zone):
    zone.certify(zone.rice)
    order = zone.unpaid_order([(zone.rice_variant, 2)])
    results = run_in_parallel(
        [attempt(lambda: mark_order_paid(Order.objects.get(pk=order.pk), user=zone.staff))] * 2
    )
    assert sorted(results) == ["ALREADY_PAID", "ok"]
    assert ZoneSale.objects.filter(order=order, kind=EntryKind.SALE).count() == 1
    assert reconciliation_problems() == []


def test_racing_refunds_of_one_line_reverse_at_most_what_was_sold(zone):
    zone.certify(zone.rice)
    order = zone.paid_order([(zone.rice_variant, 3)])
    line = order.lines.get()

    def refund_one():
        grant_refund(Order.objects.get(pk=order.pk), user=zone.staff, lines=[(line, 1, "")])

    results = run_in_parallel([attempt(refund_one)] * 4)
    assert sorted(results) == ["INVALID_QUANTITY", "ok", "ok", "ok"]
    reversals = ZoneSale.objects.filter(kind=EntryKind.REFUND)
    assert sum(r.quantity for r in reversals) == -3
    assert sum(BenefitEntry.objects.values_list("amount", flat=True)) == Decimal("0.00")
    assert reconciliation_problems() == []
