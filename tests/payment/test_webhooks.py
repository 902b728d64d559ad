"""The Stripe webhook at /webhooks/stripe/: signed events only, each applied once, in any
order, with amounts checked. Deliveries are signed with the test secret exactly as Stripe
signs them (`stripe_standin.sign`); PaymentIntents come from the stand-in server that the
real `stripe` library talks to (settings.STRIPE_API_BASE)."""

from __future__ import annotations

import json
import logging
import time
from decimal import Decimal

import pytest

from backend.order.models import OrderChargeStatus, OrderEvents
from backend.payment.models import ProcessedWebhookEvent, TransactionEvent, TransactionItem
from tests.payment import stripe_standin
from tests.payment.conftest import initialize

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_payment(gql, checkout, stripe_server):
    """A checkout with a Stripe transaction whose PaymentIntent awaits the shopper."""
    result = initialize(gql, checkout, "stripe")
    assert result["errors"] == []
    item = TransactionItem.objects.get()
    return item, item.psp_reference


def _types(item) -> list[str]:
    return list(item.events.values_list("type", flat=True))


def test_payment_intent_succeeded_charges_the_transaction(
    stripe_server, stripe_payment, post_webhook
):
    item, intent_id = stripe_payment
    body = stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id))

    response = post_webhook(body)

    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "applied"}
    item.refresh_from_db()
    assert item.charged_value == Decimal("25.60")
    assert ProcessedWebhookEvent.objects.filter(gateway="stripe").count() == 1


SIGNATURES = {
    "missing": lambda body: "",
    "forged": lambda body: "t=1700000000,v1=deadbeef",
    "other-secret": lambda body: stripe_standin.sign(body, "whsec_someone_else"),
    "no-v1": lambda body: stripe_standin.sign(body).replace("v1=", "v0="),
}


@pytest.mark.parametrize("kind", list(SIGNATURES))
def test_badly_signed_webhook_is_refused_with_400(stripe_server, stripe_payment, client, kind):
    item, intent_id = stripe_payment
    body = stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id))

    response = client.post(
        "/webhooks/stripe/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=SIGNATURES[kind](body),
    )

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.charged_value == 0
    assert not ProcessedWebhookEvent.objects.exists()


def test_old_signature_is_refused(stripe_server, stripe_payment, post_webhook):
    """Stripe's default tolerance: a signature more than five minutes old is a replay attack."""
    item, intent_id = stripe_payment
    body = stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id))

    response = post_webhook(
        body, signature=stripe_standin.sign(body, timestamp=int(time.time()) - 600)
    )

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.charged_value == 0


def test_tampered_body_is_refused(stripe_server, stripe_payment, post_webhook):
    item, intent_id = stripe_payment
    body = stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id))
    signature = stripe_standin.sign(body)

    response = post_webhook(body.replace(b"2560", b"9999"), signature=signature)

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.charged_value == 0


def test_replayed_event_is_applied_once(stripe_server, stripe_payment, post_webhook):
    item, intent_id = stripe_payment
    body = stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id))

    first = post_webhook(body)
    replay = post_webhook(body)

    assert first.json()["outcome"] == "applied"
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "duplicate"
    item.refresh_from_db()
    assert item.charged_value == Decimal("25.60")
    assert _types(item) == ["charge_request", "charge_success"]


def test_same_success_in_two_events_counts_once(stripe_server, stripe_payment, post_webhook):
    """Stripe may describe one payment in several events (and transactionProcess may have seen
    it first): the charge is recorded once per PaymentIntent."""
    item, intent_id = stripe_payment
    intent = stripe_server.succeed(intent_id)

    post_webhook(stripe_standin.event("payment_intent.succeeded", intent))
    post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    item.refresh_from_db()
    assert item.charged_value == Decimal("25.60")
    assert ProcessedWebhookEvent.objects.count() == 2


def test_failure_arriving_after_success_does_not_undo_the_charge(
    stripe_server, stripe_payment, post_webhook
):
    item, intent_id = stripe_payment
    failed = stripe_server.fail(intent_id)
    succeeded = stripe_server.succeed(intent_id)

    post_webhook(stripe_standin.event("payment_intent.succeeded", succeeded))
    post_webhook(stripe_standin.event("payment_intent.payment_failed", failed))

    item.refresh_from_db()
    assert item.charged_value == Decimal("25.60")
    assert _types(item) == ["charge_request", "charge_success", "charge_failure"]


def test_processing_arriving_after_success_leaves_nothing_pending(
    stripe_server, stripe_payment, post_webhook
):
    item, intent_id = stripe_payment
    processing = stripe_server.update_intent(intent_id, status="processing")
    succeeded = stripe_server.succeed(intent_id)

    post_webhook(stripe_standin.event("payment_intent.succeeded", succeeded))
    post_webhook(stripe_standin.event("payment_intent.processing", processing))

    item.refresh_from_db()
    assert (item.charged_value, item.charge_pending_value) == (Decimal("25.60"), 0)


def test_authorization_then_cancel(stripe_server, stripe_payment, post_webhook):
    item, intent_id = stripe_payment
    capturable = stripe_server.update_intent(
        intent_id, status="requires_capture", amount_capturable=2560
    )
    post_webhook(stripe_standin.event("payment_intent.amount_capturable_updated", capturable))
    item.refresh_from_db()
    assert item.authorized_value == Decimal("25.60")

    canceled = stripe_server.update_intent(intent_id, status="canceled", amount_capturable=0)
    post_webhook(stripe_standin.event("payment_intent.canceled", canceled))

    item.refresh_from_db()
    assert (item.authorized_value, item.canceled_value) == (0, Decimal("25.60"))
    assert item.charged_value == 0


def test_amount_other_than_the_transactions_is_refused_logged_and_recorded(
    stripe_server, stripe_payment, post_webhook, caplog
):
    item, intent_id = stripe_payment
    intent = stripe_server.update_intent(
        intent_id, status="succeeded", amount=100, amount_received=100
    )

    with caplog.at_level(logging.WARNING, logger="backend.payment.transactions"):
        response = post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.charged_value == 0
    mismatch = item.events.get(type="amount_mismatch")
    assert mismatch.amount_value == Decimal("1.00")
    assert "1.00 != 25.60" in mismatch.message
    assert "refused" in caplog.text


def test_currency_other_than_the_transactions_is_refused(
    stripe_server, stripe_payment, post_webhook
):
    item, intent_id = stripe_payment
    intent = stripe_server.update_intent(intent_id, status="succeeded", currency="usd")

    post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    item.refresh_from_db()
    assert item.charged_value == 0
    assert item.events.get(type="amount_mismatch").currency == "USD"


def test_unknown_event_type_is_acknowledged_and_ignored(post_webhook, stripe_server):
    body = stripe_standin.event("customer.created", {"id": "cus_1", "object": "customer"})

    response = post_webhook(body)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert not ProcessedWebhookEvent.objects.exists()


def test_event_about_someone_elses_payment_intent_is_ignored(post_webhook, stripe_server):
    intent = {
        "id": "pi_not_ours",
        "object": "payment_intent",
        "amount": 100,
        "currency": "cny",
        "status": "succeeded",
        "metadata": {},
    }

    response = post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    assert response.json()["outcome"] == "ignored"
    assert not TransactionEvent.objects.filter(type="charge_success").exists()


def test_event_before_its_transaction_is_committed_asks_stripe_to_retry(
    post_webhook, stripe_server
):
    intent = {
        "id": "pi_in_flight",
        "object": "payment_intent",
        "amount": 100,
        "currency": "cny",
        "status": "succeeded",
        "metadata": {"transaction_token": "0d4f1f0e-7f5e-4c9c-9a55-9f4f4c3f1b11"},
    }

    response = post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    assert response.status_code == 409


def test_event_about_a_rolled_back_transaction_is_ignored_once_the_window_has_passed(
    post_webhook, stripe_server
):
    intent = {
        "id": "pi_rolled_back",
        "object": "payment_intent",
        "amount": 100,
        "currency": "cny",
        "status": "succeeded",
        "metadata": {"transaction_token": "0d4f1f0e-7f5e-4c9c-9a55-9f4f4c3f1b11"},
    }
    body = json.loads(stripe_standin.event("payment_intent.succeeded", intent))
    body["created"] -= 3600
    payload = json.dumps(body).encode()

    response = post_webhook(payload)

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"


def test_metadata_that_is_not_a_transaction_token_is_ignored(post_webhook, stripe_server):
    intent = {
        "id": "pi_other_shop",
        "object": "payment_intent",
        "amount": 100,
        "currency": "cny",
        "status": "succeeded",
        "metadata": {"transaction_token": "order-123"},
    }

    response = post_webhook(stripe_standin.event("payment_intent.succeeded", intent))

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        json.dumps({"id": "evt_1", "type": "payment_intent.succeeded"}).encode(),
        json.dumps(
            {"id": "evt_2", "type": "payment_intent.succeeded", "data": {"object": []}}
        ).encode(),
    ],
    ids=["not-json", "no-data", "object-not-a-dict"],
)
def test_signed_but_malformed_event_is_a_400_not_a_500(post_webhook, stripe_server, body):
    response = post_webhook(body)

    assert response.status_code == 400


def test_webhook_without_a_configured_secret_is_refused(post_webhook, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_webhook(b"{}")

    assert response.status_code == 400


def test_only_post_is_accepted(client):
    assert client.get("/webhooks/stripe/").status_code == 405


def test_payment_of_an_order_updates_its_charge_status(
    stripe_server, stripe_payment, post_webhook, checkout, place_order
):
    _, intent_id = stripe_payment
    order = place_order(checkout)
    assert order.charge_status == OrderChargeStatus.NONE

    post_webhook(stripe_standin.event("payment_intent.succeeded", stripe_server.succeed(intent_id)))

    order.refresh_from_db()
    assert order.charge_status == OrderChargeStatus.FULL
    assert order.total_charged_amount == Decimal("25.60")
    assert order.events.filter(type=OrderEvents.ORDER_FULLY_PAID).count() == 1
