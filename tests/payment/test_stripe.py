"""Paying with Stripe (cards, Alipay, WeChat Pay) through PaymentIntents.

The `stripe` library is the real one; settings.STRIPE_API_BASE points it at the local stand-in
server of `stripe_standin.py`, which answers like Stripe's API and records every request,
including its `Idempotency-Key` header."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest
from django.db import transaction

from backend.payment.models import TransactionItem
from backend.payment.services import checkout_payment_coverage, initialize_transaction
from tests.payment import stripe_standin
from tests.payment.conftest import initialize, process


def test_initialize_creates_a_payment_intent_in_fen_and_returns_its_client_secret(
    gql, checkout, stripe_server
):
    result = initialize(gql, checkout, "stripe")

    assert result["errors"] == []
    (request,) = stripe_server.calls("POST", "/v1/payment_intents")
    item = TransactionItem.objects.get()
    assert request.params == {
        "amount": "2560",
        "currency": "cny",
        "payment_method_types": ["card", "alipay", "wechat_pay"],
        "metadata": {"checkout_token": str(checkout.pk), "transaction_token": str(item.token)},
    }
    assert request.idempotency_key == f"transaction-initialize-{item.token}"
    intent = stripe_server.intents[item.psp_reference]
    assert result["transaction"]["pspReference"] == intent["id"]
    assert result["data"] == {
        "client_secret": intent["client_secret"],
        "payment_intent": intent["id"],
        "publishable_key": "pk_test_countymarket_standin",
    }
    assert result["transaction"]["chargedAmount"]["amount"] == 0
    assert result["transactionEvent"]["type"] == "CHARGE_REQUEST"


def test_shopper_may_choose_alipay_or_wechat_pay(gql, make_checkout, stripe_server):
    initialize(gql, make_checkout(), "stripe", data={"paymentMethodType": "alipay"})
    initialize(gql, make_checkout(), "stripe", data={"paymentMethodType": "wechat_pay"})

    sent = [r.params["payment_method_types"] for r in stripe_server.calls("POST", "/v1/")]
    assert sent == [["alipay"], ["wechat_pay"]]
    assert sorted(TransactionItem.objects.values_list("payment_method_type", flat=True)) == [
        "alipay",
        "wechat_pay",
    ]


def test_payment_method_not_enabled_in_settings_is_refused(gql, checkout, stripe_server, settings):
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["card"]

    result = initialize(gql, checkout, "stripe", data={"paymentMethodType": "alipay"})

    assert result["errors"][0]["code"] == "INVALID"
    assert stripe_server.requests == []


def test_stripe_is_off_without_a_secret_key(gql, checkout):
    result = initialize(gql, checkout, "stripe")

    assert result["errors"][0]["code"] == "GATEWAY_NOT_AVAILABLE"


def test_retry_with_the_same_key_never_creates_a_second_payment_intent(
    gql, checkout, stripe_server
):
    first = initialize(gql, checkout, "stripe", key="order-button-1")
    second = initialize(gql, checkout, "stripe", key="order-button-1")

    assert first["transaction"]["id"] == second["transaction"]["id"]
    assert first["data"] == second["data"]
    assert len(stripe_server.calls("POST", "/v1/payment_intents")) == 1
    assert len(stripe_server.intents) == 1


def test_retry_after_a_lost_response_gets_stripes_first_payment_intent(checkout, stripe_server):
    """The first attempt reached Stripe but our transaction rolled back (e.g. the process died
    before committing); the retry sends the same idempotency key and Stripe answers with the
    PaymentIntent it already created."""

    class LostResponse(Exception):
        pass

    with pytest.raises(LostResponse), transaction.atomic():
        initialize_transaction(
            checkout=checkout, gateway_id="stripe", amount=None, data={}, idempotency_key="k1"
        )
        raise LostResponse
    assert not TransactionItem.objects.exists()

    step = initialize_transaction(
        checkout=checkout, gateway_id="stripe", amount=None, data={}, idempotency_key="k1"
    )

    first, retry = stripe_server.calls("POST", "/v1/payment_intents")
    assert first.idempotency_key == retry.idempotency_key
    assert list(stripe_server.intents) == [step.transaction.psp_reference]


def test_process_records_the_charge_once_the_shopper_paid(gql, checkout, stripe_server):
    result = initialize(gql, checkout, "stripe")
    intent_id = result["transaction"]["pspReference"]
    stripe_server.succeed(intent_id)

    processed = process(gql, result["transaction"]["id"])
    again = process(gql, result["transaction"]["id"])

    assert processed["errors"] == []
    assert processed["transaction"]["chargedAmount"]["amount"] == 25.6
    assert again["transaction"]["chargedAmount"]["amount"] == 25.6
    assert [e["type"] for e in again["transaction"]["events"]] == [
        "CHARGE_REQUEST",
        "CHARGE_SUCCESS",
    ]
    assert checkout_payment_coverage(checkout).charged == Decimal("25.60")


def test_process_records_a_declined_payment_without_charging(gql, checkout, stripe_server):
    result = initialize(gql, checkout, "stripe")
    stripe_server.fail(result["transaction"]["pspReference"])

    processed = process(gql, result["transaction"]["id"])

    assert processed["transactionEvent"]["type"] == "CHARGE_FAILURE"
    assert processed["transaction"]["chargedAmount"]["amount"] == 0


def test_process_refuses_a_payment_intent_for_another_amount(gql, checkout, stripe_server):
    result = initialize(gql, checkout, "stripe")
    intent_id = result["transaction"]["pspReference"]
    stripe_server.update_intent(intent_id, status="succeeded", amount_received=100)

    processed = process(gql, result["transaction"]["id"])

    assert processed["transactionEvent"]["type"] == "AMOUNT_MISMATCH"
    assert processed["transaction"]["chargedAmount"]["amount"] == 0
    assert checkout_payment_coverage(checkout).charged == 0


def test_unreachable_stripe_is_a_gateway_error_and_writes_nothing(
    gql, checkout, stripe_server, settings
):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"

    result = initialize(gql, checkout, "stripe")

    assert result["errors"][0]["code"] == "GATEWAY_ERROR"
    assert not TransactionItem.objects.exists()


def test_switching_payment_method_withdraws_the_earlier_payment_intent(
    gql, checkout, stripe_server
):
    card = initialize(gql, checkout, "stripe", data={"paymentMethodType": "card"})

    alipay = initialize(gql, checkout, "stripe", data={"paymentMethodType": "alipay"})

    assert alipay["errors"] == []
    first = stripe_server.intents[card["transaction"]["pspReference"]]
    assert first["status"] == "canceled"
    (cancel,) = stripe_server.calls("POST", f"/v1/payment_intents/{first['id']}/cancel")
    assert cancel.params == {"cancellation_reason": "abandoned"}
    earlier = TransactionItem.objects.get(psp_reference=first["id"])
    assert list(earlier.events.values_list("type", flat=True)) == [
        "charge_request",
        "cancel_success",
    ]
    assert stripe_server.intents[alipay["transaction"]["pspReference"]]["status"] == (
        "requires_payment_method"
    )


def test_earlier_payment_intent_paid_meanwhile_is_not_lost(
    gql, checkout, stripe_server, post_webhook
):
    """The shopper paid the first PaymentIntent just before starting a second one: Stripe
    refuses to cancel it, the second payment still starts, and the first payment's webhook
    records the money (so the checkout shows as overpaid rather than losing a payment)."""
    card = initialize(gql, checkout, "stripe")
    first_id = card["transaction"]["pspReference"]
    paid = stripe_server.succeed(first_id)

    second = initialize(gql, checkout, "stripe", data={"paymentMethodType": "alipay"})

    assert second["errors"] == []
    assert len(stripe_server.intents) == 2
    assert stripe_server.intents[first_id]["status"] == "succeeded"
    post_webhook(stripe_standin.event("payment_intent.succeeded", paid))
    assert TransactionItem.objects.get(psp_reference=first_id).charged_value == Decimal("25.60")
    assert checkout_payment_coverage(checkout).charged == Decimal("25.60")
