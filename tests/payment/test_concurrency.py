"""Webhook deliveries, transactionProcess and refunds that arrive at the same moment are
applied one after the other (row lock on the transaction) and each event id once. Real
PostgreSQL, real threads with their own connections; Stripe is the local stand-in server."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from backend.payment.models import ProcessedWebhookEvent, TransactionItem
from backend.payment.services import initialize_transaction, process_transaction, refund_order
from tests.payment import stripe_standin

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported below, so a thread's failure fails the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def deliver(body: bytes):
    def call():
        response = Client().post(
            "/webhooks/stripe/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=stripe_standin.sign(body),
        )
        return response.status_code, response.json()["outcome"]

    return call


@pytest.fixture
def stripe_transaction(checkout, stripe_server):
    step = initialize_transaction(checkout=checkout, gateway_id="stripe", amount=None, data={})
    return step.transaction


def test_one_event_delivered_many_times_at_once_is_applied_once(stripe_server, stripe_transaction):
    intent = stripe_server.succeed(stripe_transaction.psp_reference)
    body = stripe_standin.event("payment_intent.succeeded", intent)

    results = run_in_parallel([deliver(body) for _ in range(8)])

    assert sorted(results) == [(200, "applied")] + [(200, "duplicate")] * 7
    item = TransactionItem.objects.get()
    assert item.charged_value == Decimal("25.60")
    assert item.events.filter(type="charge_success").count() == 1
    assert ProcessedWebhookEvent.objects.count() == 1


def test_webhooks_and_process_racing_count_the_payment_once(stripe_server, stripe_transaction):
    intent = stripe_server.succeed(stripe_transaction.psp_reference)
    bodies = [stripe_standin.event("payment_intent.succeeded", intent) for _ in range(4)]
    calls = [deliver(body) for body in bodies]
    calls += [lambda: process_transaction(stripe_transaction) for _ in range(4)]

    run_in_parallel(calls)

    item = TransactionItem.objects.get()
    assert item.charged_value == Decimal("25.60")
    assert item.events.filter(type="charge_success").count() == 1
    assert ProcessedWebhookEvent.objects.count() == 4


def test_parallel_refunds_never_exceed_the_charge(
    stripe_server, stripe_transaction, checkout, place_order
):
    stripe_server.succeed(stripe_transaction.psp_reference)
    process_transaction(stripe_transaction)
    order = place_order(checkout)

    def refund():
        try:
            refund_order(order, Decimal("10.00"), user=None)
            return "refunded"
        except Exception as error:
            return type(error).__name__

    results = run_in_parallel([refund for _ in range(4)])

    assert sorted(results) == ["ValidationError", "ValidationError", "refunded", "refunded"]
    order.refresh_from_db()
    assert order.total_refunded_amount == Decimal("20.00")
    assert len(stripe_server.refunds) == 2
