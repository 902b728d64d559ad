"""Refunds that name no granted lines reverse the ledger too (issue #12: the zone figures can
not be padded by refunding after the sale). `orderRefund(id, amount)` with no lines is shared
over the order's lines pro rata by what is still unrefunded of each, in whole fen — the rule
the vendors' settlement uses (settlement.allocation.allocate_refunds) — and lines named in the
refund request (without a grant) are reversed exactly; never more than the sale recorded.
The reversal is written where the refund becomes effective (the order's charge status is
recomputed), in the same transaction. Payments and refunds go through the real payment
service (pay-at-station cash, refunded at once)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from backend.order.models import Order
from backend.order.services import grant_refund
from backend.payment.services import refund_order
from backend.poverty.ledger import reconciliation_problems
from backend.poverty.models import BenefitEntry, EntryKind, Mechanism, ZoneSale
from backend.poverty.selectors import zone_stats
from tests.checkout.test_concurrency import run_in_parallel

# Rice: 3 × ¥30.00 = ¥90.00, certified with a 10 % sales share (benefit ¥9.00 over three
# households); noodles: 2 × ¥12.80 = ¥25.60, not certified. The order: ¥115.60.


def order_of(zone):
    zone.certify(zone.rice, Mechanism.SALES_SHARE, share_percent=Decimal("10"))
    return zone.paid_order([(zone.rice_variant, 3), (zone.noodles_variant, 2)])


def reversed_totals():
    rows = ZoneSale.objects.filter(kind=EntryKind.REFUND)
    return (
        sum((row.amount for row in rows), Decimal("0.00")),
        sum((row.benefit_amount for row in rows), Decimal("0.00")),
    )


def household_balances():
    totals: dict = {}
    for entry in BenefitEntry.objects.all():
        totals[entry.household_id] = totals.get(entry.household_id, Decimal(0)) + entry.amount
    return totals


def assert_check_command_is_exact(capsys):
    call_command("check_poverty_ledger")
    assert "0 problems" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_partial_refund_without_lines_reverses_the_lines_share_pro_rata(zone, capsys):
    order = order_of(zone)
    refund_order(order, Decimal("23.12"), user=zone.staff)  # 20 % of the order
    reversal = ZoneSale.objects.get(kind=EntryKind.REFUND)
    assert reversal.refund_event is not None and reversal.granted_refund is None
    # ¥23.12 × 90.00 / 115.60 = ¥18.00 on the rice; no units named.
    assert (reversal.quantity, reversal.amount, reversal.benefit_amount) == (
        0,
        Decimal("-18.00"),
        Decimal("-1.80"),
    )
    assert sum(e.amount for e in BenefitEntry.objects.filter(sale=reversal)) == Decimal("-1.80")
    assert reconciliation_problems() == []
    assert_check_command_is_exact(capsys)
    # A recomputation of the charge status writes nothing twice.
    from backend.order.payments import update_charge_status

    update_charge_status(Order.objects.get(pk=order.pk))
    assert ZoneSale.objects.filter(kind=EntryKind.REFUND).count() == 1


@pytest.mark.django_db
def test_a_full_refund_without_lines_gives_back_every_fen(zone, capsys):
    order = order_of(zone)
    refund_order(order, order.total_gross_amount, user=zone.staff)
    assert reversed_totals() == (Decimal("-90.00"), Decimal("-9.00"))
    assert set(household_balances().values()) == {Decimal("0.00")}
    assert zone_stats().households == 0
    assert reconciliation_problems() == []
    assert_check_command_is_exact(capsys)


@pytest.mark.django_db
def test_repeated_partial_refunds_summing_to_the_whole_give_back_exactly(zone, capsys):
    order = order_of(zone)
    for amount in ("33.33", "0.01", "33.33", "48.93"):  # ¥115.60 in all
        refund_order(Order.objects.get(pk=order.pk), Decimal(amount), user=zone.staff)
        assert reconciliation_problems() == []
        amount_back, benefit_back = reversed_totals()
        assert Decimal("-90.00") <= amount_back and Decimal("-9.00") <= benefit_back
    assert reversed_totals() == (Decimal("-90.00"), Decimal("-9.00"))
    assert set(household_balances().values()) == {Decimal("0.00")}
    assert_check_command_is_exact(capsys)


@pytest.mark.django_db
def test_lines_named_in_the_refund_request_are_reversed_exactly(zone, capsys):
    order = order_of(zone)
    rice = order.lines.get(variant=zone.rice_variant)
    refund_order(order, None, user=zone.staff, lines=[(rice, 1)])
    reversal = ZoneSale.objects.get(kind=EntryKind.REFUND)
    assert (reversal.amount, reversal.benefit_amount) == (Decimal("-30.00"), Decimal("-3.00"))
    assert reconciliation_problems() == []
    assert_check_command_is_exact(capsys)


@pytest.mark.django_db
def test_a_granted_refund_sent_later_is_not_reversed_twice_and_the_rest_is_shared(zone, capsys):
    order = order_of(zone)
    rice = order.lines.get(variant=zone.rice_variant)
    granted = grant_refund(order, user=zone.staff, lines=[(rice, 1, "破损")])
    refund_order(Order.objects.get(pk=order.pk), None, user=zone.staff, granted_refund=granted)
    assert reversed_totals() == (Decimal("-30.00"), Decimal("-3.00"))
    # What is left (¥60.00 rice, ¥25.60 noodles) is refunded without lines.
    refund_order(Order.objects.get(pk=order.pk), Decimal("85.60"), user=zone.staff)
    assert reversed_totals() == (Decimal("-90.00"), Decimal("-9.00"))
    assert set(household_balances().values()) == {Decimal("0.00")}
    assert reconciliation_problems() == []
    assert_check_command_is_exact(capsys)


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_reverse_more_than_was_sold(zone):
    order = order_of(zone)

    def refund(amount):
        def run():
            try:
                refund_order(Order.objects.get(pk=order.pk), Decimal(amount), user=zone.staff)
            except ValidationError:
                return "refused"
            return "ok"

        return run

    # Two halves racing: both go through, one after the other under the order's lock.
    assert run_in_parallel([refund("57.80"), refund("57.80")]) == ["ok", "ok"]
    assert reversed_totals() == (Decimal("-90.00"), Decimal("-9.00"))
    # Nothing left: two more racing refunds are both refused and reverse nothing.
    assert run_in_parallel([refund("1.00"), refund("1.00")]) == ["refused", "refused"]
    assert reversed_totals() == (Decimal("-90.00"), Decimal("-9.00"))
    assert set(household_balances().values()) == {Decimal("0.00")}
    assert reconciliation_problems() == []
