"""Applying Stripe's webhook events to transactions.

Stripe delivers each event at least once, in no guaranteed order
(https://docs.stripe.com/webhooks#handle-duplicate-events, #event-ordering). So every event id
is applied once: it is recorded in `ProcessedWebhookEvent` inside the same database
transaction that records its effect, under a row lock on the `TransactionItem`; and the
effect is an appended event from which the amounts are recomputed, so an old
`payment_intent.payment_failed` arriving after `payment_intent.succeeded` is kept in the
history but cannot take back the charge. Money in an amount or currency other than the
transaction's is refused (AMOUNT_MISMATCH, logged, not counted).
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from typing import Any

from django.db import transaction as db_transaction
from django.utils.translation import gettext as _

from backend.payment import transactions
from backend.payment.gateways.base import GatewayResult, ReportedEvent
from backend.payment.gateways.stripe import events_from_intent, events_from_refund, from_minor_units
from backend.payment.models import (
    Gateway,
    ProcessedWebhookEvent,
    TransactionEventType,
    TransactionItem,
)
from backend.payment.services import apply_gateway_result, lock_transaction

logger = logging.getLogger(__name__)

Type = TransactionEventType

PAYMENT_INTENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.amount_capturable_updated",
    "payment_intent.canceled",
    "payment_intent.processing",
    "payment_intent.requires_action",
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
CHARGE_EVENTS = {"charge.refunded"}
HANDLED = PAYMENT_INTENT_EVENTS | REFUND_EVENTS | CHARGE_EVENTS


# How long an event about a PaymentIntent we created, but whose transaction is not visible, is
# handed back for redelivery. The window covers the moment between Stripe creating the
# PaymentIntent and our request committing; after it, the transaction was rolled back and the
# storefront never received the client secret, so nothing can be paid through it.
RETRY_WINDOW_SECONDS = 15 * 60


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _age_seconds(event: dict[str, Any]) -> float:
    created = event.get("created")
    if not isinstance(created, int | float):
        return 0.0
    return time.time() - created


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    # The event names one of our transactions that is not visible yet (its creating request
    # has not committed): answer with an error so that Stripe delivers it again later.
    RETRY = "retry"


def _id(value) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _payment_intent_id(event_type: str, obj: dict[str, Any]) -> str:
    if event_type in PAYMENT_INTENT_EVENTS:
        return _id(obj.get("id"))
    return _id(obj.get("payment_intent"))


def _locate(payment_intent_id: str) -> TransactionItem | None:
    if not payment_intent_id:
        return None
    pk = (
        TransactionItem.objects.filter(gateway=Gateway.STRIPE, psp_reference=payment_intent_id)
        .values_list("pk", flat=True)
        .first()
    )
    return lock_transaction(pk) if pk is not None else None


def _charge_refunded(item: TransactionItem, charge: dict[str, Any]) -> list[ReportedEvent]:
    """`charge.refunded` carries the charge's total refunded; its refund list is only there in
    older API versions. Refunds we asked for are settled oldest first from that total; money
    refunded beyond them (e.g. from Stripe's dashboard) is recorded once per new total."""
    refunds = (charge.get("refunds") or {}).get("data") or []
    if refunds:
        return [event for refund in refunds for event in events_from_refund(refund)]
    currency = str(charge["currency"]).upper()
    total = from_minor_units(charge.get("amount_refunded"), currency)
    events = list(item.events.all())
    amounts = transactions.amounts_from_events(events)
    settled = amounts.refunded
    reported: list[ReportedEvent] = []
    closed = {
        event.psp_reference
        for event in events
        if event.type in (Type.REFUND_SUCCESS, Type.REFUND_FAILURE)
    }
    for event in events:
        if event.type != Type.REFUND_REQUEST or event.psp_reference in closed:
            continue
        if settled + event.amount_value <= total:
            settled += event.amount_value
            reported.append(
                ReportedEvent(
                    Type.REFUND_SUCCESS, event.amount_value, currency, event.psp_reference
                )
            )
    if total > settled:
        reference = f"{charge['id']}:refunded:{charge.get('amount_refunded')}"
        reported.append(
            ReportedEvent(
                Type.REFUND_SUCCESS,
                total - settled,
                currency,
                reference,
                _("在 Stripe 后台直接退款"),
            )
        )
    return reported


def _events(event_type: str, obj: dict[str, Any], item: TransactionItem) -> list[ReportedEvent]:
    if event_type in PAYMENT_INTENT_EVENTS:
        return events_from_intent(obj)
    if event_type in REFUND_EVENTS:
        return events_from_refund(obj)
    return _charge_refunded(item, obj)


def handle_stripe_event(event: dict[str, Any]) -> Outcome:
    """Apply one verified Stripe event (as plain dictionaries)."""
    event_id = str(event["id"])
    event_type = str(event["type"])
    if event_type not in HANDLED:
        logger.info("Stripe event %s of type %s ignored", event_id, event_type)
        return Outcome.IGNORED
    obj = event["data"]["object"]
    intent_id = _payment_intent_id(event_type, obj)
    with db_transaction.atomic():
        item = _locate(intent_id)
        if item is None:
            metadata = obj.get("metadata") or {}
            token = _uuid(metadata.get("transaction_token"))
            if token is not None and event_type in PAYMENT_INTENT_EVENTS:
                known = TransactionItem.objects.filter(token=token)
                if known.exists() or _age_seconds(event) > RETRY_WINDOW_SECONDS:
                    logger.warning(
                        "Stripe event %s: PaymentIntent %s of transaction %s is not ours; ignored",
                        event_id,
                        intent_id,
                        token,
                    )
                    return Outcome.IGNORED
                return Outcome.RETRY
            logger.info("Stripe event %s (%s) names no transaction of ours", event_id, event_type)
            return Outcome.IGNORED
        _, created = ProcessedWebhookEvent.objects.get_or_create(
            gateway=Gateway.STRIPE, event_id=event_id, defaults={"type": event_type}
        )
        if not created:
            return Outcome.DUPLICATE
        apply_gateway_result(item, GatewayResult(events=_events(event_type, obj, item)))
    return Outcome.APPLIED
