"""Statements on hand-worked examples: what is a sale, how refunds are shared, commission
rounding, net payable, freezing, late refunds, payment and the monthly task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from backend.core.models import AuditLogEntry
from backend.routing.models import ShipmentStatus
from backend.settlement import services
from backend.settlement.allocation import allocate_refunds, commission, pro_rata, split_by_quantity
from backend.settlement.models import StatementLine, StatementLineKind, StatementStatus
from backend.settlement.periods import previous_month
from backend.settlement.tasks import draft_statements_task
from backend.vendors.models import VendorStatus
from tests.factories import VendorFactory
from tests.settlement.conftest import at, deliver, make_order, refund, staff_of

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
D = Decimal


def draft(vendor, period, actor):
    return services.draft_statement(
        vendor=vendor, period_start=period[0], period_end=period[1], actor=actor
    )


def lines_of(statement, kind=None):
    lines = statement.lines.order_by("occurred_at", "pk")
    return list(lines.filter(kind=kind) if kind else lines)


@pytest.fixture
def march_sales(channel, vendor):
    """The worked example of the settlement guide (rate 5 %):
    A: 3 × 12.80 (list price 15.00) delivered 10 March → 45.00 gross, 6.60 discount,
       commission 5 % of 38.40 = 1.92;
    B: 1 × 9.90 picked up 20 March → commission 0.495 → 0.50 (half-up);
    C: 2 × 5.55 delivered 2 April → next month;
    refund of 10.00 on A's order on 25 March → commission 0.50 given back."""
    order_a, (line_a,) = make_order(
        channel, [{"vendor": vendor, "price": "12.80", "quantity": 3, "list_price": "15.00"}]
    )
    order_b, (line_b,) = make_order(channel, [{"vendor": vendor, "price": "9.90"}])
    (line_c,) = make_order(channel, [{"vendor": vendor, "price": "5.55", "quantity": 2}])[1]
    deliver([line_a], at(2026, 3, 10), picked_up=False)
    deliver([line_b], at(2026, 3, 20))
    deliver([line_c], at(2026, 4, 2))
    refund(order_a, "10.00", at(2026, 3, 25))
    return {"a": line_a, "b": line_b, "c": line_c, "order_a": order_a, "order_b": order_b}


def test_worked_example_gross_refunds_discount_commission_and_net(vendor, manager, march_sales):
    statement = draft(vendor, MARCH, manager)

    assert statement.status == StatementStatus.DRAFT
    assert statement.commission_rate == D("0.0500")
    assert statement.gross_amount == D("54.90")
    assert statement.discount_amount == D("6.60")
    assert statement.refund_amount == D("10.00")
    assert statement.commission_amount == D("1.92")  # 1.92 + 0.50 − 0.50
    assert statement.net_amount == D("36.38")
    assert statement.net_amount == (
        statement.gross_amount
        - statement.refund_amount
        - statement.discount_amount
        - statement.commission_amount
    )
    sale_a, sale_b = lines_of(statement, StatementLineKind.SALE)
    assert (sale_a.amount, sale_a.discount, sale_a.commission, sale_a.net) == (
        D("45.00"),
        D("6.60"),
        D("1.92"),
        D("36.48"),
    )
    assert (sale_b.amount, sale_b.commission, sale_b.net) == (D("9.90"), D("0.50"), D("9.40"))
    assert sale_a.order_number == march_sales["order_a"].number
    assert sale_a.quantity == 3
    (refund_line,) = lines_of(statement, StatementLineKind.REFUND)
    assert (refund_line.amount, refund_line.commission, refund_line.net) == (
        D("10.00"),
        D("-0.50"),
        D("-9.50"),
    )
    assert sum(line.net for line in lines_of(statement)) == statement.net_amount
    assert statement.line_count == 3


def test_zero_commission_rate_pays_everything_but_refunds_and_discounts(
    channel, manager, march_sales
):
    free = VendorFactory(commission_rate=D("0"))
    order, (line,) = make_order(channel, [{"vendor": free, "price": "20.00", "quantity": 2}])
    deliver([line], at(2026, 3, 3))
    refund(order, "5.00", at(2026, 3, 4))
    statement = draft(free, MARCH, manager)
    assert (statement.gross_amount, statement.commission_amount, statement.net_amount) == (
        D("40.00"),
        D("0.00"),
        D("35.00"),
    )


def test_only_parcels_received_by_the_shopper_are_sales(channel, vendor, manager):
    lines = make_order(
        channel,
        [{"vendor": vendor, "price": "1.00", "name": f"货{i}"} for i in range(5)],
    )[1]
    deliver([lines[0]], at(2026, 3, 5), picked_up=True)
    deliver([lines[1]], at(2026, 3, 5), picked_up=False)
    deliver([lines[2]], at(2026, 3, 5), status=ShipmentStatus.READY_FOR_PICKUP)
    deliver([lines[3]], at(2026, 3, 5), status=ShipmentStatus.RETURNED)
    deliver([lines[4]], at(2026, 3, 5), status=ShipmentStatus.CANCELLED)
    statement = draft(vendor, MARCH, manager)
    assert {line.order_line_id for line in lines_of(statement)} == {lines[0].pk, lines[1].pk}


def test_a_line_split_over_parcels_is_a_sale_per_parcel_whose_shares_add_up(
    channel, vendor, manager
):
    (line,) = make_order(channel, [{"vendor": vendor, "price": "3.33", "quantity": 3}])[1]
    deliver([line], at(2026, 3, 30), quantities=[1])
    deliver([line], at(2026, 4, 2), quantities=[2])
    march = draft(vendor, MARCH, manager)
    april = draft(vendor, APRIL, manager)
    assert [(x.quantity, x.amount) for x in lines_of(march)] == [(1, D("3.33"))]
    assert [(x.quantity, x.amount) for x in lines_of(april)] == [(2, D("6.66"))]


def test_refund_without_named_lines_is_shared_pro_rata_over_every_vendors_lines(
    channel, vendor, other_vendor, manager
):
    order, (mine, theirs) = make_order(
        channel,
        [{"vendor": vendor, "price": "30.00"}, {"vendor": other_vendor, "price": "10.00"}],
        shipping=D("8.00"),
    )
    deliver([mine, theirs], at(2026, 3, 2))
    refund(order, "20.00", at(2026, 3, 3))
    # More than the goods left: the shipping part is charged to no vendor.
    refund(order, "28.00", at(2026, 3, 4))
    ours = draft(vendor, MARCH, manager)
    others = draft(other_vendor, MARCH, manager)
    assert [x.amount for x in lines_of(ours, StatementLineKind.REFUND)] == [D("15.00"), D("15.00")]
    assert [x.amount for x in lines_of(others, StatementLineKind.REFUND)] == [D("5.00"), D("5.00")]
    assert ours.net_amount == D("0.00")  # sold 30, refunded 30, commission 1.50 − 1.50
    assert others.net_amount == D("0.00")


def test_refund_of_a_line_never_delivered_is_not_taken_from_the_vendor_until_it_is(
    channel, vendor, manager
):
    order, (line,) = make_order(channel, [{"vendor": vendor, "price": "8.00"}])
    refund(order, "2.00", at(2026, 3, 10))
    march = draft(vendor, MARCH, manager)
    assert lines_of(march) == []
    deliver([line], at(2026, 4, 3))
    april = draft(vendor, APRIL, manager)
    assert [(x.kind, x.amount) for x in lines_of(april)] == [
        (StatementLineKind.REFUND, D("2.00")),
        (StatementLineKind.SALE, D("8.00")),
    ]


def test_issue_freezes_the_lines_and_a_late_refund_goes_to_the_next_statement(
    vendor, manager, march_sales
):
    march = services.issue_statement(statement=draft(vendor, MARCH, manager), actor=manager)
    assert march.status == StatementStatus.ISSUED
    assert march.issued_by == manager
    frozen_net = march.net_amount
    # Recorded after the March statement was issued, though dated in March.
    late = refund(march_sales["order_b"], "4.00", at(2026, 3, 30))

    with pytest.raises(ValidationError) as error:
        draft(vendor, MARCH, manager)
    assert error.value.error_list[0].code == "NOT_DRAFT"
    march.refresh_from_db()
    assert march.net_amount == frozen_net

    april = draft(vendor, APRIL, manager)
    (late_line,) = lines_of(april, StatementLineKind.REFUND)
    assert late_line.refund_event_id == late.pk
    assert late_line.amount == D("4.00")
    assert {x.order_line_id for x in lines_of(april, StatementLineKind.SALE)} == {
        march_sales["c"].pk
    }


def test_issued_lines_are_frozen_in_the_database(vendor, manager, march_sales):
    march = services.issue_statement(statement=draft(vendor, MARCH, manager), actor=manager)
    line = lines_of(march)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        StatementLine.objects.filter(pk=line.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        StatementLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        StatementLine.objects.create(
            statement=march, kind=StatementLineKind.ADJUSTMENT, amount=1, occurred_at=at(2026, 3, 1)
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        type(march).objects.filter(pk=march.pk).update(net_amount=D("0.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        type(march).objects.filter(pk=march.pk).update(status=StatementStatus.DRAFT)
    line.refresh_from_db()
    assert line.amount != D("1.00")


def test_a_sale_cannot_be_on_two_statements(vendor, manager, march_sales):
    march = draft(vendor, MARCH, manager)
    april = draft(vendor, APRIL, manager)
    sale = lines_of(march, StatementLineKind.SALE)[0]
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.create(
            statement=april,
            kind=StatementLineKind.SALE,
            order_line_id=sale.order_line_id,
            shipment_line_id=sale.shipment_line_id,
            occurred_at=sale.occurred_at,
        )


def test_redraft_picks_up_new_deliveries_and_keeps_adjustments(
    channel, vendor, manager, march_sales
):
    statement = draft(vendor, MARCH, manager)
    services.add_adjustment(
        statement=statement, amount="-3.00", reason="破损赔付（与合作社商定）", actor=manager
    )
    (late_line,) = make_order(channel, [{"vendor": vendor, "price": "2.00"}])[1]
    deliver([late_line], at(2026, 3, 31, 23, 59))
    statement = services.redraft_statement(statement=statement, actor=manager)
    assert statement.gross_amount == D("56.90")
    assert statement.adjustment_amount == D("-3.00")
    assert statement.net_amount == D("36.38") + D("2.00") - D("0.10") - D("3.00")
    assert sum(x.net for x in lines_of(statement)) == statement.net_amount
    actions = set(
        AuditLogEntry.objects.filter(object_id=str(statement.pk)).values_list("action", flat=True)
    )
    assert actions == {
        "settlement.statement_drafted",
        "settlement.statement_adjusted",
        "settlement.statement_redrafted",
    }


def test_issue_uses_the_commission_rate_at_issue_time(vendor, manager, march_sales):
    statement = draft(vendor, MARCH, manager)
    vendor.commission_rate = D("0.1000")
    vendor.save()
    issued = services.issue_statement(statement=statement, actor=manager)
    assert issued.commission_rate == D("0.1000")
    # 10 % of 38.40 = 3.84; of 9.90 = 0.99; back on the 10.00 refund −1.00.
    assert issued.commission_amount == D("3.83")
    vendor.commission_rate = D("0.2000")
    vendor.save()
    issued.refresh_from_db()
    assert issued.commission_rate == D("0.1000")


def test_mark_paid_needs_an_issued_statement_a_reference_and_a_manager(
    vendor, manager, march_sales
):
    statement = draft(vendor, MARCH, manager)
    with pytest.raises(ValidationError) as error:
        services.mark_statement_paid(statement=statement, payment_reference="X1", actor=manager)
    assert error.value.error_list[0].code == "NOT_ISSUED"
    services.issue_statement(statement=statement, actor=manager)
    with pytest.raises(ValidationError) as error:
        services.mark_statement_paid(statement=statement, payment_reference="  ", actor=manager)
    assert error.value.error_dict["paymentReference"][0].code == "REQUIRED"
    with pytest.raises(ValidationError) as error:
        services.mark_statement_paid(
            statement=statement, payment_reference="X1", actor=staff_of(vendor)
        )
    assert error.value.error_list[0].code == "PERMISSION_DENIED"
    paid = services.mark_statement_paid(
        statement=statement, payment_reference="灌云农商行 20260405-0012", actor=manager
    )
    assert (paid.status, paid.paid_by, paid.payment_reference) == (
        StatementStatus.PAID,
        manager,
        "灌云农商行 20260405-0012",
    )
    entry = AuditLogEntry.objects.get(action="settlement.statement_paid")
    assert entry.after["net_amount"] == "36.38"


def test_a_period_not_yet_ended_cannot_be_issued(vendor, manager):
    today = dt.date.today()
    statement = draft(vendor, (today.replace(day=1), today + dt.timedelta(days=1)), manager)
    with pytest.raises(ValidationError) as error:
        services.issue_statement(statement=statement, actor=manager)
    assert error.value.error_dict["period"][0].code == "PERIOD_NOT_ENDED"


def test_bad_and_overlapping_periods_are_refused(vendor, manager):
    with pytest.raises(ValidationError) as error:
        draft(vendor, (MARCH[1], MARCH[0]), manager)
    assert error.value.error_dict["period"][0].code == "INVALID_PERIOD"
    draft(vendor, MARCH, manager)
    with pytest.raises(ValidationError) as error:
        draft(vendor, (dt.date(2026, 3, 15), dt.date(2026, 4, 14)), manager)
    assert error.value.error_dict["period"][0].code == "PERIOD_OVERLAPS"


def test_bad_adjustments_are_refused_and_write_nothing(vendor, manager):
    statement = draft(vendor, MARCH, manager)
    for amount, code in (("abc", "INVALID"), ("0", "INVALID"), ("1.234", "INVALID")):
        with pytest.raises(ValidationError) as error:
            services.add_adjustment(statement=statement, amount=amount, reason="x", actor=manager)
        assert error.value.error_dict["amount"][0].code == code
    with pytest.raises(ValidationError) as error:
        services.add_adjustment(statement=statement, amount="1", reason=" ", actor=manager)
    assert error.value.error_dict["reason"][0].code == "REQUIRED"
    assert statement.lines.count() == 0


def test_monthly_task_drafts_last_month_for_every_active_vendor_once(channel, vendor, other_vendor):
    VendorFactory(status=VendorStatus.SUSPENDED)
    start, end = previous_month()
    (line,) = make_order(channel, [{"vendor": vendor, "price": "6.00"}])[1]
    deliver([line], at(start.year, start.month, start.day, 9))
    assert draft_statements_task() == 2
    assert draft_statements_task() == 2  # drafts are collected again, not duplicated
    statements = vendor.statements.all()
    assert [(s.period_start, s.period_end, s.gross_amount) for s in statements] == [
        (start, end, D("6.00"))
    ]
    assert other_vendor.statements.count() == 1


# --- The pure allocation rules ----------------------------------------------------------


def test_commission_rounds_half_up_to_the_fen():
    assert commission(D("9.90"), D("0.05")) == D("0.50")
    assert commission(D("9.70"), D("0.05")) == D("0.49")  # 0.485 → 0.49
    assert commission(D("0.10"), D("0.0500")) == D("0.01")  # 0.005 → 0.01
    assert commission(D("0.09"), D("0.05")) == D("0.00")


def test_split_by_quantity_adds_up_and_does_not_depend_on_later_parcels():
    assert split_by_quantity(D("10.00"), 3, [1, 1, 1]) == [D("3.33"), D("3.34"), D("3.33")]
    assert split_by_quantity(D("10.00"), 3, [1]) == [D("3.33")]
    assert sum(split_by_quantity(D("0.01"), 7, [2, 2, 3])) == D("0.01")


def test_pro_rata_largest_remainder():
    assert pro_rata(D("0.10"), [D("1.00"), D("1.00"), D("1.00")]) == [
        D("0.04"),
        D("0.03"),
        D("0.03"),
    ]
    assert pro_rata(D("5.00"), [D("0"), D("2.00")]) == [D("0.00"), D("5.00")]


def test_a_refund_naming_lines_is_charged_to_those_lines_only():
    shares = allocate_refunds(
        [("a", D("10.00")), ("b", D("5.00"))],
        [("r1", D("3.00"), {"b": D("3.00")}), ("r2", D("9.00"), {"b": D("9.00")})],
    )
    assert shares == {("r1", "b"): D("3.00"), ("r2", "b"): D("2.00")}
