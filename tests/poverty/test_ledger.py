"""The benefit ledger: written when an order is paid, per household or village under the
mechanism in force at that moment; reversed, partly or wholly, by granted refunds that name
lines; reconciled exactly with the paid lines; immutable; related purchases excluded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from backend.order.services import grant_refund
from backend.poverty import services
from backend.poverty.ledger import reconciliation_problems
from backend.poverty.models import BenefitEntry, EntryKind, Exclusion, Mechanism, ZoneSale
from backend.poverty.selectors import zone_stats
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def benefits(order):
    rows = BenefitEntry.objects.filter(sale__order=order).order_by("pk")
    return [(row.household.reference_number if row.household else None, row.amount) for row in rows]


def test_purchase_mechanism_pays_households_by_weight_when_the_order_is_paid(zone):
    zone.certify(
        zone.rice,
        Mechanism.PURCHASE,
        households=[("GY-0000", 2), ("GY-0001", 1)],
        price_per_kg=Decimal("3.00"),
        kg_per_unit=Decimal("2.5"),
    )
    order = zone.paid_order([(zone.rice_variant, 3), (zone.noodles_variant, 1)])
    sale = ZoneSale.objects.get(order=order)
    assert (sale.kind, sale.quantity, sale.amount) == (EntryKind.SALE, 3, Decimal("90.00"))
    # 3 units × 2.5 kg × ¥3.00 = ¥22.50, split 2:1 — and nothing for the uncertified noodles.
    assert sale.benefit_amount == Decimal("22.50")
    assert benefits(order) == [("GY-0000", Decimal("15.00")), ("GY-0001", Decimal("7.50"))]
    assert reconciliation_problems() == []


def test_unpaid_orders_write_nothing(zone):
    from tests.factories import order_with_lines

    zone.certify(zone.rice)
    order_with_lines(channel=zone.channel, lines=[(zone.rice_variant, 1)], paid=False)
    assert not ZoneSale.objects.exists()


def test_employment_mechanism_splits_wages_to_the_fen(zone):
    zone.certify(zone.rice, Mechanism.EMPLOYMENT, wage_per_unit=Decimal("1.00"))
    order = zone.paid_order([(zone.rice_variant, 1)])
    # ¥1.00 over three equal weights: the largest remainder gives the extra fen to the first.
    assert benefits(order) == [
        ("GY-0000", Decimal("0.34")),
        ("GY-0001", Decimal("0.33")),
        ("GY-0002", Decimal("0.33")),
    ]


def test_sales_share_to_a_weak_village_collective(zone):
    zone.certify(
        zone.rice,
        Mechanism.SALES_SHARE,
        share_percent=Decimal("5"),
        share_recipient="village",
        village=zone.village,
    )
    order = zone.paid_order([(zone.rice_variant, 2)])
    entry = BenefitEntry.objects.get(sale__order=order)
    assert (entry.household, entry.village, entry.amount) == (None, zone.village, Decimal("3.00"))


def test_sales_share_refused_to_a_village_that_is_not_weak(zone):
    from django.core.exceptions import ValidationError

    from tests.factories import VillageFactory

    with pytest.raises(ValidationError) as error:
        zone.certify(
            zone.rice,
            Mechanism.SALES_SHARE,
            share_recipient="village",
            village=VillageFactory(is_economically_weak=False),
        )
    assert error.value.error_dict["village"][0].code == "NOT_WEAK_VILLAGE"


def test_the_mechanism_in_force_at_payment_applies_not_a_later_one(zone):
    first = zone.certify(zone.rice, Mechanism.EMPLOYMENT, wage_per_unit=Decimal("2.00"))
    order = zone.paid_order([(zone.rice_variant, 1)])
    services.revoke_certification(actor=zone.staff, certification=first, reason="条款变更")
    zone.certify(zone.rice, Mechanism.EMPLOYMENT, wage_per_unit=Decimal("9.00"))
    later = zone.paid_order([(zone.rice_variant, 1)])
    assert ZoneSale.objects.get(order=order).benefit_amount == Decimal("2.00")
    assert ZoneSale.objects.get(order=later).benefit_amount == Decimal("9.00")


def test_partial_refunds_reverse_units_and_a_whole_refund_gives_back_exactly(zone):
    zone.certify(zone.rice, Mechanism.SALES_SHARE, share_percent=Decimal("10"))
    order = zone.paid_order([(zone.rice_variant, 3)])  # ¥90.00, benefit ¥9.00 over 3 households
    line = order.lines.get()
    grant_refund(order, user=zone.staff, lines=[(line, 1, "破损")])
    reversal = ZoneSale.objects.get(kind=EntryKind.REFUND)
    assert (reversal.quantity, reversal.amount, reversal.benefit_amount) == (
        -1,
        Decimal("-30.00"),
        Decimal("-3.00"),
    )
    assert reconciliation_problems() == []
    grant_refund(order, user=zone.staff, lines=[(line, 2, "不要了")])
    totals = {}
    for entry in BenefitEntry.objects.all():
        key = entry.household_id
        totals[key] = totals.get(key, Decimal(0)) + entry.amount
    assert set(totals.values()) == {Decimal("0.00")}
    assert sum(ZoneSale.objects.values_list("amount", flat=True)) == Decimal("0.00")
    assert reconciliation_problems() == []
    assert zone_stats().households == 0


def test_refund_lines_beyond_the_line_are_refused_and_write_nothing(zone):
    from django.core.exceptions import ValidationError

    zone.certify(zone.rice)
    order = zone.paid_order([(zone.rice_variant, 2)])
    line = order.lines.get()
    with pytest.raises(ValidationError) as error:
        grant_refund(order, user=zone.staff, lines=[(line, 3, "")])
    assert error.value.code == "INVALID_QUANTITY"
    assert not order.granted_refunds.exists()
    assert ZoneSale.objects.filter(kind=EntryKind.REFUND).count() == 0


def test_purchases_by_vendor_staff_and_related_accounts_are_marked_and_not_counted(zone):
    zone.certify(zone.rice)
    zone.paid_order([(zone.rice_variant, 10)], user=zone.owner)
    cousin = UserFactory()
    services.flag_related_account(
        actor=zone.staff, user=cousin, vendor=zone.vendor, reason="负责人亲属"
    )
    zone.paid_order([(zone.rice_variant, 10)], user=cousin)
    shopper = zone.paid_order([(zone.rice_variant, 1)], user=UserFactory())
    # A guest order with the owner's number (the account keeps it as +86…) is the staff's too.
    zone.owner.phone = "+8613900000001"
    zone.owner.save()
    zone.paid_order([(zone.rice_variant, 5)], user_phone="139 0000 0001")
    exclusions = sorted(ZoneSale.objects.values_list("excluded", flat=True))
    assert exclusions == [
        "",
        Exclusion.RELATED_ACCOUNT,
        Exclusion.VENDOR_STAFF,
        Exclusion.VENDOR_STAFF,
    ]
    stats = zone_stats()
    assert stats.sales == shopper.total_gross_amount == Decimal("30.00")
    assert reconciliation_problems() == []


def test_the_ledger_cannot_be_edited_even_with_sql(zone):
    zone.certify(zone.rice)
    zone.paid_order([(zone.rice_variant, 1)])
    sale = ZoneSale.objects.get()
    with pytest.raises(TypeError):
        sale.save()
    with pytest.raises(TypeError):
        ZoneSale.objects.update(amount=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE poverty_zonesale SET amount = 1000000")


def test_the_check_command_reports_a_paid_line_missing_from_the_ledger(zone, capsys):
    zone.certify(zone.rice)
    order = zone.paid_order([(zone.rice_variant, 1)])
    call_command("check_poverty_ledger")
    assert "0 problems" in capsys.readouterr().out
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            # Only a superuser bypassing every trigger can do this: the "lost entries" case.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("DELETE FROM poverty_benefitentry")
            cursor.execute("DELETE FROM poverty_zonesale")
            cursor.execute("SET LOCAL session_replication_role = origin")
    problems = reconciliation_problems()
    assert len(problems) == 1 and "not in ledger" in problems[0]
    assert order.lines.get().pk.hex in problems[0].replace("-", "")
    with pytest.raises(SystemExit):
        call_command("check_poverty_ledger")
