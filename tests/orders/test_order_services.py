"""Order services: what staff may do to an order, what it does to stock and money, and what
it leaves behind (events, audit records)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.core.models import AuditLogEntry
from backend.inventory.models import Allocation, Stock
from backend.order import services
from backend.order.models import (
    Fulfillment,
    OrderChargeStatus,
    OrderEvent,
    OrderEvents,
    OrderGrantedRefund,
    OrderStatus,
)
from backend.order.tasks import expire_unpaid_orders
from tests.factories import UserFactory, order_with_lines

pytestmark = pytest.mark.django_db


def _code(error: pytest.ExceptionInfo[ValidationError]) -> str:
    value = error.value
    if hasattr(value, "error_dict"):
        return next(iter(value.error_dict.values()))[0].code
    return value.error_list[0].code


def _quantities(variants):
    return [
        (s.quantity, s.quantity_allocated)
        for s in Stock.objects.filter(product_variant__in=variants).order_by("pk")
    ]


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def test_order_with_lines_allocates_stock(paid_order, stocked_variants):
    assert _quantities(stocked_variants) == [(10, 3), (10, 2)]


def test_cancel_releases_allocations_and_records_event_and_audit(
    paid_order, stocked_variants, staff
):
    services.cancel_order(paid_order, user=staff)

    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.CANCELED
    assert _quantities(stocked_variants) == [(10, 0), (10, 0)]
    assert not Allocation.objects.filter(order_line__order=paid_order).exists()
    types = list(paid_order.events.values_list("type", flat=True))
    assert types == [OrderEvents.CANCELED, OrderEvents.ALLOCATION_RELEASED]
    entry = AuditLogEntry.objects.get(action="order.canceled")
    assert entry.before == {"status": "unfulfilled"}
    assert entry.after == {"status": "canceled", "released_quantity": 5}
    assert entry.actor == staff


def test_unconfirmed_order_can_be_cancelled(paid_order, staff):
    paid_order.status = OrderStatus.UNCONFIRMED
    paid_order.save()
    assert services.cancel_order(paid_order, user=staff).status == OrderStatus.CANCELED


@pytest.mark.parametrize(
    "status",
    [
        OrderStatus.CANCELED,
        OrderStatus.FULFILLED,
        OrderStatus.PARTIALLY_FULFILLED,
        OrderStatus.EXPIRED,
    ],
)
def test_cancel_refuses_orders_past_the_point_of_cancelling(paid_order, staff, status):
    paid_order.status = status
    paid_order.save()
    with pytest.raises(ValidationError) as error:
        services.cancel_order(paid_order, user=staff)
    assert _code(error) == "CANNOT_CANCEL_ORDER"
    assert not paid_order.events.exists()


def test_confirm_turns_unconfirmed_into_unfulfilled(paid_order, staff):
    paid_order.status = OrderStatus.UNCONFIRMED
    paid_order.save()
    services.confirm_order(paid_order, user=staff)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.UNFULFILLED
    assert paid_order.events.get().type == OrderEvents.CONFIRMED
    with pytest.raises(ValidationError) as error:
        services.confirm_order(paid_order, user=staff)
    assert _code(error) == "INVALID"


def test_note_is_stripped_and_recorded(paid_order, staff):
    event = services.add_note(paid_order, "  买家要求周末送达  ", user=staff)
    assert event.type == OrderEvents.NOTE_ADDED
    assert event.parameters == {"message": "买家要求周末送达"}
    assert event.user == staff


@pytest.mark.parametrize(
    ("message", "code"), [("", "REQUIRED"), ("   ", "REQUIRED"), ("字" * 1001, "INVALID")]
)
def test_note_must_be_present_and_not_too_long(paid_order, staff, message, code):
    with pytest.raises(ValidationError) as error:
        services.add_note(paid_order, message, user=staff)
    assert _code(error) == code
    assert not OrderEvent.objects.exists()


def test_partial_then_complete_fulfilment(paid_order, stocked_variants, staff):
    first, second = paid_order.lines.order_by("sort_order")

    fulfillment = services.fulfill_order(
        paid_order, [(first, 2)], user=staff, tracking_number="SF123"
    )

    assert fulfillment.fulfillment_order == 1
    assert fulfillment.tracking_number == "SF123"
    assert paid_order.status == OrderStatus.PARTIALLY_FULFILLED
    first.refresh_from_db()
    assert first.quantity_fulfilled == 2
    # Shipped units leave both the stock and the allocation.
    assert _quantities(stocked_variants) == [(8, 1), (10, 2)]
    line = fulfillment.lines.get()
    assert (line.order_line_id, line.quantity, line.stock.product_variant) == (
        first.pk,
        2,
        stocked_variants[0],
    )

    second_fulfillment = services.fulfill_order(paid_order, [(first, 1), (second, 2)], user=staff)

    assert second_fulfillment.fulfillment_order == 2
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.FULFILLED
    assert _quantities(stocked_variants) == [(7, 0), (8, 0)]
    events = paid_order.events.filter(type=OrderEvents.FULFILLMENT_FULFILLED_ITEMS)
    assert [e.parameters["fulfillment"] for e in events] == [1, 2]
    assert AuditLogEntry.objects.filter(action="order.fulfilled").count() == 2


@pytest.mark.parametrize(
    ("quantity", "code"),
    [(0, "INVALID_QUANTITY"), (-1, "INVALID_QUANTITY"), (4, "FULFILL_ORDER_LINE")],
)
def test_fulfil_quantity_must_be_positive_and_within_what_is_unfulfilled(
    paid_order, stocked_variants, staff, quantity, code
):
    first = paid_order.lines.order_by("sort_order").first()
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(paid_order, [(first, quantity)], user=staff)
    assert _code(error) == code
    assert error.value.error_list[0].params["order_lines"]
    assert not Fulfillment.objects.exists()
    assert _quantities(stocked_variants) == [(10, 3), (10, 2)]


def test_fulfil_needs_lines_without_duplicates_from_this_order(
    paid_order, channel, stocked_variants, staff
):
    first = paid_order.lines.first()
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(paid_order, [], user=staff)
    assert _code(error) == "REQUIRED"
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(paid_order, [(first, 1), (first, 1)], user=staff)
    assert _code(error) == "DUPLICATED_INPUT_ITEM"
    other = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)])
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(paid_order, [(other.lines.get(), 1)], user=staff)
    assert _code(error) == "NOT_FOUND"


def test_unpaid_order_cannot_be_fulfilled_unless_paid_at_the_station(
    channel, stocked_variants, staff
):
    unpaid = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], paid=False)
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(unpaid, [(unpaid.lines.get(), 1)], user=staff)
    assert _code(error) == "CANNOT_FULFILL_UNPAID_ORDER"

    at_station = order_with_lines(
        channel=channel,
        lines=[(stocked_variants[0], 1)],
        paid=False,
        payment_gateway="pay_at_station",
    )
    services.fulfill_order(at_station, [(at_station.lines.get(), 1)], user=staff)
    assert at_station.status == OrderStatus.FULFILLED


def test_order_without_shipping_address_cannot_ship(channel, stocked_variants, staff):
    order = order_with_lines(
        channel=channel, lines=[(stocked_variants[0], 1)], shipping_address=None
    )
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(order, [(order.lines.get(), 1)], user=staff)
    assert _code(error) == "ORDER_NO_SHIPPING_ADDRESS"


@pytest.mark.parametrize("status", [OrderStatus.CANCELED, OrderStatus.FULFILLED])
def test_closed_order_cannot_be_fulfilled(paid_order, staff, status):
    paid_order.status = status
    paid_order.save()
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(paid_order, [(paid_order.lines.first(), 1)], user=staff)
    assert _code(error) == "NOT_EDITABLE"


def test_fulfil_without_allocation_is_insufficient_stock(channel, stocked_variants, staff):
    order = order_with_lines(
        channel=channel, lines=[(stocked_variants[0], 2)], allocate_stock=False
    )
    line = order.lines.get()
    with pytest.raises(ValidationError) as error:
        services.fulfill_order(order, [(line, 2)], user=staff)
    assert _code(error) == "INSUFFICIENT_STOCK"
    assert error.value.error_list[0].params["order_lines"]
    line.refresh_from_db()
    assert line.quantity_fulfilled == 0


def test_grant_refund_up_to_what_was_charged(paid_order, staff):
    # 3 × 12.80 + 2 × 12.80 = 64.00 charged.
    assert paid_order.total_charged_amount == Decimal("64.00")
    granted = services.grant_refund(paid_order, Decimal("40"), "少发一件", user=staff)
    assert (granted.amount_value, granted.reason, granted.user) == (
        Decimal("40.00"),
        "少发一件",
        staff,
    )
    event = paid_order.events.get(type=OrderEvents.REFUND_GRANTED)
    assert event.parameters == {"amount": "40.00", "reason": "少发一件"}
    assert AuditLogEntry.objects.get(action="order.refund_granted").after == {
        "granted_amount": "40.00",
        "granted_available": "24.00",
    }

    with pytest.raises(ValidationError) as error:
        services.grant_refund(paid_order, Decimal("24.01"), user=staff)
    assert _code(error) == "CANNOT_REFUND"
    services.grant_refund(paid_order, Decimal("24.00"), user=staff)
    assert OrderGrantedRefund.objects.count() == 2


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), "abc", Decimal("NaN")])
def test_grant_refund_amount_must_be_a_positive_number(paid_order, staff, amount):
    with pytest.raises(ValidationError) as error:
        services.grant_refund(paid_order, amount, user=staff)
    assert _code(error) == "INVALID"
    assert not OrderGrantedRefund.objects.exists()


def test_nothing_can_be_granted_on_an_unpaid_order(channel, stocked_variants, staff):
    unpaid = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], paid=False)
    assert unpaid.charge_status == OrderChargeStatus.NONE
    with pytest.raises(ValidationError) as error:
        services.grant_refund(unpaid, Decimal("1"), user=staff)
    assert _code(error) == "CANNOT_REFUND"


def test_unpaid_orders_past_their_deadline_expire_and_release_stock(
    channel, stocked_variants, paid_order
):
    from django.utils import timezone

    overdue = order_with_lines(
        channel=channel,
        lines=[(stocked_variants[1], 4)],
        paid=False,
        pay_by=timezone.now() - timezone.timedelta(minutes=1),
    )
    not_yet = order_with_lines(
        channel=channel,
        lines=[(stocked_variants[1], 1)],
        paid=False,
        pay_by=timezone.now() + timezone.timedelta(minutes=30),
    )

    assert expire_unpaid_orders() == 1

    overdue.refresh_from_db()
    not_yet.refresh_from_db()
    paid_order.refresh_from_db()
    assert overdue.status == OrderStatus.EXPIRED
    assert overdue.events.get().type == OrderEvents.EXPIRED
    assert not_yet.status == paid_order.status == OrderStatus.UNFULFILLED
    # Only the overdue order's 4 units went back: the paid order's 2 and not_yet's 1 remain.
    assert _quantities(stocked_variants) == [(10, 3), (10, 3)]
