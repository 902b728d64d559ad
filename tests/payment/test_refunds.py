"""Refunds and cash collected at the station, as the order app calls them
(`refund_order`, `mark_order_paid`). Stripe refunds go through the real `stripe` library to the
stand-in server (settings.STRIPE_API_BASE), which records each request's Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.core.models import AuditLogEntry
from backend.order.models import OrderChargeStatus, OrderEvents
from backend.payment.models import TransactionItem
from backend.payment.services import initialize_transaction, mark_order_paid, refund_order
from tests.factories import UserFactory
from tests.payment import stripe_standin
from tests.payment.conftest import initialize, process


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def _pay(checkout, gateway: str, **data):
    return initialize_transaction(
        checkout=checkout, gateway_id=gateway, amount=None, data=data
    ).transaction


def _codes(error: ValidationError) -> list[str]:
    return (
        [e.code for errors in error.error_dict.values() for e in errors]
        if hasattr(error, "error_dict")
        else [e.code for e in error.error_list]
    )


def _event_types(item) -> list[str]:
    return list(item.events.values_list("type", flat=True))


def test_dummy_refund_succeeds_at_once(checkout, place_order, staff):
    _pay(checkout, "dummy")
    order = place_order(checkout)
    assert order.charge_status == OrderChargeStatus.FULL

    (item,) = refund_order(order, Decimal("10.00"), user=staff, reason="破损")

    item.refresh_from_db()
    order.refresh_from_db()
    assert item.refunded_value == Decimal("10.00")
    assert _event_types(item)[-2:] == ["refund_request", "refund_success"]
    assert order.total_refunded_amount == Decimal("10.00")
    assert order.events.filter(type=OrderEvents.REFUND_GRANTED).get().parameters == {
        "amount": "10.00",
        "reason": "破损",
    }
    assert AuditLogEntry.objects.filter(action="order.refunded").count() == 1


def test_refund_of_more_than_was_charged_is_refused_and_writes_nothing(
    checkout, place_order, staff
):
    _pay(checkout, "dummy")
    order = place_order(checkout)
    refund_order(order, Decimal("20.00"), user=staff)

    with pytest.raises(ValidationError) as raised:
        refund_order(order, Decimal("5.61"), user=staff)

    assert _codes(raised.value) == ["AMOUNT_GREATER_THAN_AVAILABLE"]
    order.refresh_from_db()
    assert order.total_refunded_amount == Decimal("20.00")
    assert TransactionItem.objects.get().refunded_value == Decimal("20.00")


@pytest.mark.parametrize("amount", ["0", "-1", "1.005"])
def test_refund_amount_must_be_positive_fen(checkout, place_order, staff, amount):
    _pay(checkout, "dummy")
    order = place_order(checkout)

    with pytest.raises(ValidationError) as raised:
        refund_order(order, Decimal(amount), user=staff)

    assert _codes(raised.value) == ["INVALID_AMOUNT"]


def test_unpaid_order_has_nothing_to_refund(checkout, place_order, staff):
    _pay(checkout, "pay_at_station")
    order = place_order(checkout)

    with pytest.raises(ValidationError) as raised:
        refund_order(order, Decimal("1.00"), user=staff)

    assert _codes(raised.value) == ["AMOUNT_GREATER_THAN_AVAILABLE"]


def test_pay_at_station_order_waits_for_the_cash_then_is_marked_paid(checkout, place_order, staff):
    _pay(checkout, "pay_at_station")
    order = place_order(checkout)
    assert order.payment_gateway == "pay_at_station"
    assert order.charge_status == OrderChargeStatus.NONE
    pending = order.events.get(type=OrderEvents.PAYMENT_PENDING_AT_STATION)
    assert pending.parameters == {"amount": "25.60", "currency": "CNY"}

    item = mark_order_paid(order, user=staff, psp_reference="收据-0001")

    order.refresh_from_db()
    item.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.FULL
    assert (item.charged_value, item.charge_pending_value) == (Decimal("25.60"), 0)
    assert item.events.get(type="charge_success").psp_reference == "收据-0001"
    assert order.events.filter(type=OrderEvents.ORDER_MARKED_AS_PAID).count() == 1
    assert order.events.filter(type=OrderEvents.ORDER_FULLY_PAID).count() == 1
    assert TransactionItem.objects.count() == 1


def test_marking_a_paid_order_paid_again_is_refused(checkout, place_order, staff):
    _pay(checkout, "pay_at_station")
    order = place_order(checkout)
    mark_order_paid(order, user=staff)

    with pytest.raises(ValidationError) as raised:
        mark_order_paid(order, user=staff)

    assert _codes(raised.value) == ["ALREADY_PAID"]


def test_order_without_a_station_payment_is_marked_paid_on_a_new_offline_transaction(
    channel, staff
):
    from tests.factories import OrderFactory

    order = OrderFactory(channel=channel, total_gross_amount=Decimal("30.00"))

    item = mark_order_paid(order, user=staff)

    order.refresh_from_db()
    assert item.gateway == "pay_at_station" and item.order == order
    assert order.charge_status == OrderChargeStatus.FULL


def test_cash_refund_at_the_station(checkout, place_order, staff):
    _pay(checkout, "pay_at_station")
    order = place_order(checkout)
    mark_order_paid(order, user=staff)

    refund_order(order, Decimal("25.60"), user=staff)

    order.refresh_from_db()
    assert order.total_refunded_amount == Decimal("25.60")


@pytest.fixture
def stripe_order(gql, checkout, stripe_server, place_order):
    result = initialize(gql, checkout, "stripe")
    stripe_server.succeed(result["transaction"]["pspReference"])
    process(gql, result["transaction"]["id"])
    order = place_order(checkout)
    assert order.charge_status == OrderChargeStatus.FULL
    return order, TransactionItem.objects.get()


def test_stripe_refund_sends_fen_with_an_idempotency_key(stripe_server, stripe_order, staff):
    order, item = stripe_order

    refund_order(order, Decimal("5.50"), user=staff)

    (request,) = stripe_server.calls("POST", "/v1/refunds")
    assert request.params == {
        "payment_intent": item.psp_reference,
        "amount": "550",
        "metadata": {"transaction_token": str(item.token)},
    }
    assert request.idempotency_key == f"refund-{item.token}-1-5.50"
    item.refresh_from_db()
    assert item.refunded_value == Decimal("5.50")
    (refund_id,) = stripe_server.refunds
    assert item.events.get(type="refund_success").psp_reference == refund_id


def test_stripe_refund_beyond_the_charge_is_refused_before_calling_stripe(
    stripe_server, stripe_order, staff
):
    order, _ = stripe_order

    with pytest.raises(ValidationError):
        refund_order(order, Decimal("25.61"), user=staff)

    assert stripe_server.calls("POST", "/v1/refunds") == []


def test_pending_stripe_refund_counts_when_its_webhook_arrives_once(
    stripe_server, stripe_order, staff, post_webhook
):
    order, item = stripe_order
    stripe_server.refund_status = "pending"
    refund_order(order, Decimal("25.60"), user=staff)
    item.refresh_from_db()
    assert item.refunded_value == 0
    (refund,) = stripe_server.refunds.values()

    # Nothing more can be refunded while that refund is under way.
    with pytest.raises(ValidationError):
        refund_order(order, Decimal("0.01"), user=staff)

    refund["status"] = "succeeded"
    updated = stripe_standin.event("refund.updated", refund)
    charge = {
        "id": refund["charge"],
        "object": "charge",
        "amount": 2560,
        "amount_refunded": 2560,
        "currency": "cny",
        "payment_intent": item.psp_reference,
        "refunded": True,
    }
    assert post_webhook(updated).json()["outcome"] == "applied"
    assert post_webhook(updated).json()["outcome"] == "duplicate"
    assert post_webhook(stripe_standin.event("charge.refunded", charge)).status_code == 200

    item.refresh_from_db()
    order.refresh_from_db()
    assert item.refunded_value == Decimal("25.60")
    assert order.total_refunded_amount == Decimal("25.60")
    assert item.events.filter(type="refund_success").count() == 1


def test_failed_stripe_refund_is_recorded_and_refunds_nothing(stripe_server, stripe_order, staff):
    order, item = stripe_order
    stripe_server.refund_status = "failed"

    refund_order(order, Decimal("10.00"), user=staff)

    item.refresh_from_db()
    assert item.refunded_value == 0
    assert _event_types(item)[-1] == "refund_failure"
    assert order.events.filter(type=OrderEvents.REFUND_FAILED).count() == 1


def test_refund_made_in_stripes_dashboard_is_recorded_from_charge_refunded(
    stripe_server, stripe_order, post_webhook
):
    order, item = stripe_order
    charge = {
        "id": "ch_dashboard",
        "object": "charge",
        "amount": 2560,
        "amount_refunded": 800,
        "currency": "cny",
        "payment_intent": item.psp_reference,
    }

    post_webhook(stripe_standin.event("charge.refunded", charge))
    post_webhook(stripe_standin.event("charge.refunded", charge))

    item.refresh_from_db()
    order.refresh_from_db()
    assert item.refunded_value == Decimal("8.00")
    assert order.total_refunded_amount == Decimal("8.00")


def test_stripe_refusing_a_refund_rolls_everything_back(stripe_server, stripe_order, staff):
    order, item = stripe_order
    stripe_server.intents[item.psp_reference]["status"] = "canceled"  # Stripe will answer 400

    with pytest.raises(ValidationError) as raised:
        refund_order(order, Decimal("1.00"), user=staff)

    assert _codes(raised.value) == ["GATEWAY_ERROR"]
    assert not item.events.filter(type__startswith="refund").exists()


def test_refund_that_fails_after_succeeding_returns_to_refundable(
    stripe_server, stripe_order, staff, post_webhook
):
    """Stripe: a refund can fail after `succeeded` (e.g. the card was closed) and the money
    returns to the balance; it then no longer counts as refunded."""
    order, item = stripe_order
    refund_order(order, Decimal("25.60"), user=staff)
    (refund,) = stripe_server.refunds.values()
    refund.update(status="failed", failure_reason="expired_or_canceled_card")

    post_webhook(stripe_standin.event("refund.failed", refund))

    item.refresh_from_db()
    order.refresh_from_db()
    assert item.refunded_value == 0
    assert order.total_refunded_amount == 0
    refund_order(order, Decimal("25.60"), user=staff)  # can be given back another way
