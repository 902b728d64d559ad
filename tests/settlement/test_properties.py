"""Property tests: for random orders, parcels and refunds over four months, statements drafted
and issued month after month settle every delivered sale and every refund share exactly once,
their lines add up to their totals, and the totals add up to what was sold and refunded.

Each example runs in its own transaction, rolled back at the end (real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.payment.models import TransactionEvent, TransactionEventType
from backend.routing.models import ShipmentLine
from backend.settlement import services
from backend.settlement.allocation import allocate_refunds
from backend.settlement.models import StatementLine, StatementLineKind, StatementStatus
from tests.factories import VendorFactory
from tests.settlement.conftest import at, deliver, make_order, manager_user, refund

pytestmark = pytest.mark.django_db

MONTHS = [
    (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
    (dt.date(2026, 5, 1), dt.date(2026, 5, 31)),  # catches April's late refunds
]
START = dt.date(2026, 1, 1)
RATES = [Decimal("0.0500"), Decimal("0.0375"), Decimal("0")]


def day_of(offset: int) -> dt.datetime:
    day = START + dt.timedelta(days=offset)
    return at(day.year, day.month, day.day, 10 + offset % 12, offset % 60)


def month_index(moment: dt.datetime) -> int:
    from django.utils import timezone

    local = timezone.localdate(moment)
    return next(i for i, (s, e) in enumerate(MONTHS) if s <= local <= e)


line_spec = st.fixed_dictionaries(
    {
        "vendor": st.integers(0, 2),
        "cents": st.integers(1, 30000),
        "discount_cents": st.integers(0, 500) | st.just(0),
        "quantity": st.integers(1, 4),
        # Day (from 1 January) the parcel reaches the shopper; None: never delivered.
        "delivered": st.none() | st.integers(0, 115),
    }
)
refund_spec = st.fixed_dictionaries(
    {
        "per_mille": st.integers(1, 1100),  # of the order's total (beyond 1000: shipping too)
        "day": st.integers(0, 115),
        # Recorded after the statement of its month was issued (backdated): goes to the next.
        "late": st.booleans(),
    }
)
order_spec = st.fixed_dictionaries(
    {
        "lines": st.lists(line_spec, min_size=1, max_size=3),
        "refunds": st.lists(refund_spec, max_size=2),
        "shipping_cents": st.sampled_from([0, 500, 800]),
    }
)


def build(channel, vendors, orders):
    """Create the orders and parcels; refunds are returned to be created month by month."""
    refunds = []
    for spec in orders:
        lines_spec = [
            {
                "vendor": vendors[line["vendor"]],
                "price": Decimal(line["cents"]) / 100,
                "list_price": Decimal(line["cents"] + line["discount_cents"]) / 100,
                "quantity": line["quantity"],
            }
            for line in spec["lines"]
        ]
        order, lines = make_order(
            channel, lines_spec, shipping=Decimal(spec["shipping_cents"]) / 100
        )
        for line, line_spec_ in zip(lines, spec["lines"], strict=True):
            if line_spec_["delivered"] is not None:
                deliver([line], day_of(line_spec_["delivered"]))
        for refund_ in spec["refunds"]:
            amount = (order.total_gross_amount * refund_["per_mille"] / 1000).quantize(
                Decimal("0.01")
            )
            if amount > 0:
                refunds.append((order, amount, day_of(refund_["day"]), refund_["late"]))
    return refunds


# The same 30 examples on every run (derandomize): a random run found the known defect
# tested below, and CI must not pass or fail by chance; drop derandomize to explore others.
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(orders=st.lists(order_spec, min_size=1, max_size=6))
def test_statements_settle_every_sale_and_refund_once_and_add_up(channel, orders):
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            check_statements(channel, orders)
            raise Rollback
    except Rollback:
        pass


def check_statements(channel, orders):
    manager = manager_user()
    vendors = [VendorFactory(commission_rate=rate) for rate in RATES]
    refunds = build(channel, vendors, orders)
    late_events = set()
    for order, amount, when, late in refunds:
        if not late:
            refund(order, amount, when)

    statements = {vendor.pk: [] for vendor in vendors}
    for index, (start, end) in enumerate(MONTHS):
        for vendor in vendors:
            draft = services.draft_statement(
                vendor=vendor, period_start=start, period_end=end, actor=manager
            )
            issued = services.issue_statement(statement=draft, actor=manager)
            statements[vendor.pk].append(issued)
        # Refunds of this month recorded only now, after its statements were issued.
        for order, amount, when, late in refunds:
            if late and month_index(when) == index:
                late_events.add(refund(order, amount, when).pk)

    all_lines = list(
        StatementLine.objects.select_related("statement", "order_line", "refund_event")
    )

    # Totals: the sum of the lines; net = gross − refunds − discounts − commission.
    for vendor in vendors:
        for statement in statements[vendor.pk]:
            assert statement.status == StatementStatus.ISSUED
            lines = [x for x in all_lines if x.statement_id == statement.pk]
            sales = [x for x in lines if x.kind == StatementLineKind.SALE]
            refunded = [x for x in lines if x.kind == StatementLineKind.REFUND]
            assert statement.net_amount == sum((x.net for x in lines), Decimal(0))
            assert statement.gross_amount == sum((x.amount for x in sales), Decimal(0))
            assert statement.refund_amount == sum((x.amount for x in refunded), Decimal(0))
            assert statement.net_amount == (
                statement.gross_amount
                - statement.refund_amount
                - statement.discount_amount
                - statement.commission_amount
            )
            assert all(x.order_line.vendor_id == vendor.pk for x in sales + refunded)

    # Gross and discounts of each month: the list price and the discount of the vendor's
    # parcels delivered that month (one parcel per line here, so no sharing is involved).
    delivered_in = {}
    for vendor in vendors:
        gross = [Decimal(0)] * len(MONTHS)
        discounts = [Decimal(0)] * len(MONTHS)
        for shipment_line in ShipmentLine.objects.filter(order_line__vendor=vendor).select_related(
            "order_line"
        ):
            month = month_index(shipment_line.shipment.events.get().at)
            delivered_in[shipment_line.order_line_id] = month
            line = shipment_line.order_line
            gross[month] += line.undiscounted_unit_price_gross_amount * line.quantity
            discounts[month] += (
                line.undiscounted_unit_price_gross_amount - line.unit_price_gross_amount
            ) * line.quantity
        assert [s.gross_amount for s in statements[vendor.pk]] == gross
        assert [s.discount_amount for s in statements[vendor.pk]] == discounts

    # Every delivered parcel is settled exactly once, in the month it was delivered.
    sale_counts = Counter(x.shipment_line_id for x in all_lines if x.kind == "sale")
    delivered = set(ShipmentLine.objects.values_list("pk", flat=True))
    assert set(sale_counts) == delivered
    assert set(sale_counts.values()) <= {1}

    # Every refund share of a sold line is settled exactly once: in the month of the refund,
    # or the month after it for a late one, or the month the line was delivered if later.
    refund_counts = Counter(
        (x.refund_event_id, x.order_line_id) for x in all_lines if x.kind == "refund"
    )
    assert set(refund_counts.values()) <= {1}
    settled = {
        (x.refund_event_id, x.order_line_id): x.amount for x in all_lines if x.kind == "refund"
    }
    sold = {x.order_line_id for x in all_lines if x.kind == "sale"}
    expected_shares = {}
    exact_events = set()
    events = TransactionEvent.objects.filter(type=TransactionEventType.REFUND_SUCCESS)
    for order in {event.transaction.order for event in events.select_related("transaction__order")}:
        order_lines = list(order.lines.order_by("sort_order", "pk"))
        order_events = list(events.filter(transaction__order=order).order_by("created_at", "pk"))
        # Whatever order the refunds were recorded and settled in: no refund is settled
        # beyond its amount, and no line is settled as refunded beyond what was paid for it.
        for event in order_events:
            assert sum((v for (e, _), v in settled.items() if e == event.pk), Decimal(0)) <= (
                event.amount_value
            )
        for line in order_lines:
            assert (
                sum((v for (_, ln), v in settled.items() if ln == line.pk), Decimal(0))
                <= line.total_price_gross_amount
            )
        if any(event.pk in late_events for event in order_events):
            # A backdated refund: the shares settled before it was recorded stay as they were,
            # so the allocation is not the one of the refunds in date order (checked above).
            continue
        # Refunds recorded in date order: exactly the allocation over all of them, oldest first.
        exact_events |= {event.pk for event in order_events}
        shares = allocate_refunds(
            [(line.pk, line.total_price_gross_amount) for line in order_lines],
            [(event.pk, event.amount_value, None) for event in order_events],
        )
        for key, amount in shares.items():
            if key[1] in sold:
                expected_shares[key] = amount
    assert {k: v for k, v in settled.items() if k[0] in exact_events} == expected_shares
    # A refund lands in its month's statement, the next one when it was recorded after that
    # statement was issued, or the delivery month of its line when that is later.
    month_of_statement = {
        statement.pk: index for ss in statements.values() for index, statement in enumerate(ss)
    }
    for x in all_lines:
        if x.kind == "refund":
            refunded_in = month_index(x.refund_event.created_at) + (
                x.refund_event_id in late_events
            )
            assert month_of_statement[x.statement_id] == max(
                refunded_in, delivered_in[x.order_line_id]
            )
    # And across every statement of every vendor: the refund totals are the settled shares.
    assert sum((s.refund_amount for ss in statements.values() for s in ss), Decimal(0)) == sum(
        settled.values(), Decimal(0)
    )


def test_a_backdated_refund_does_not_settle_a_line_twice(channel):
    """The example a random run found (2026-12-07): a refund recorded after April's statement
    was issued but dated before a refund that statement settled was allocated first on the
    next draft, and the order's one 0.01 line was settled as refunded twice. Shares already on
    a statement now stay as they were (allocation.allocate_refunds, `fixed`)."""
    check_statements(
        channel,
        [
            {
                "lines": [
                    {"vendor": 0, "cents": 1, "discount_cents": 0, "quantity": 1, "delivered": 0}
                ],
                "refunds": [
                    {"per_mille": 852, "day": 92, "late": True},
                    {"per_mille": 919, "day": 110, "late": False},
                ],
                "shipping_cents": 0,
            }
        ],
    )
