"""A transaction's amounts, derived from its events.

Every change to a `TransactionItem` is an appended `TransactionEvent`; the amount columns are
recomputed from the whole event list, never incremented, so the order in which a provider's
notifications arrive does not matter: a late `payment_failed` after `succeeded` adds a failure
to the history but cannot take back money that was charged. An event carrying a provider
reference is recorded once per transaction and type (the model's unique constraint), which is
what makes replayed webhooks and retried requests harmless.

Callers hold a row lock on the transaction (`select_for_update`) while they record events.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError
from django.db import transaction as db_transaction

from backend.payment.models import TransactionEvent, TransactionEventType, TransactionItem

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
Type = TransactionEventType

# Events whose amount becomes money on the transaction; they are checked against the amount
# the transaction was initialised for before they count.
MONEY_EVENTS = {Type.CHARGE_SUCCESS, Type.AUTHORIZATION_SUCCESS, Type.CHARGE_PENDING}
# Refunds are partial by nature: only their currency is checked.
REFUND_EVENTS = {Type.REFUND_REQUEST, Type.REFUND_SUCCESS}


@dataclass(frozen=True)
class Amounts:
    authorized: Decimal
    charged: Decimal
    charge_pending: Decimal
    refunded: Decimal
    canceled: Decimal
    refund_pending: Decimal


def amounts_from_events(events) -> Amounts:
    """Charged money is the sum of CHARGE_SUCCESS and is never reduced by a failure; a refund
    counts once it succeeded, unless the provider later reported that same refund as failed
    (Stripe: a refund can fail after `succeeded`, and the money returns to the balance)."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    refund_states: dict[str, set[str]] = defaultdict(set)
    refund_amounts: dict[tuple[str, str], Decimal] = {}
    anonymous_refunds = ZERO
    for event in events:
        totals[event.type] += event.amount_value
        if event.type in (Type.REFUND_REQUEST, Type.REFUND_SUCCESS, Type.REFUND_FAILURE):
            if event.psp_reference:
                refund_states[event.psp_reference].add(event.type)
                refund_amounts[(event.psp_reference, event.type)] = event.amount_value
            elif event.type == Type.REFUND_SUCCESS:
                anonymous_refunds += event.amount_value
    charged = totals[Type.CHARGE_SUCCESS]
    refunded = anonymous_refunds
    refund_pending = ZERO
    for reference, states in refund_states.items():
        if Type.REFUND_FAILURE in states:
            continue
        if Type.REFUND_SUCCESS in states:
            refunded += refund_amounts[(reference, Type.REFUND_SUCCESS)]
        elif Type.REFUND_REQUEST in states:
            refund_pending += refund_amounts[(reference, Type.REFUND_REQUEST)]
    authorized_total = totals[Type.AUTHORIZATION_SUCCESS]
    canceled_total = totals[Type.CANCEL_SUCCESS]
    open_authorization = max(ZERO, authorized_total - charged)
    canceled = min(canceled_total, open_authorization)
    authorized = open_authorization - canceled
    if canceled_total > 0:
        pending = ZERO
    else:
        pending = max(ZERO, totals[Type.CHARGE_PENDING] - charged - totals[Type.CHARGE_FAILURE])
    return Amounts(
        authorized=authorized,
        charged=charged,
        charge_pending=pending,
        refunded=refunded,
        canceled=canceled,
        refund_pending=refund_pending,
    )


def recalculate(transaction: TransactionItem) -> Amounts:
    amounts = amounts_from_events(transaction.events.all())
    transaction.authorized_value = amounts.authorized
    transaction.charged_value = amounts.charged
    transaction.charge_pending_value = amounts.charge_pending
    transaction.refunded_value = amounts.refunded
    transaction.canceled_value = amounts.canceled
    transaction.save(
        update_fields=[
            "authorized_value",
            "charged_value",
            "charge_pending_value",
            "refunded_value",
            "canceled_value",
            "modified_at",
        ]
    )
    return amounts


def refundable(transaction: TransactionItem) -> Decimal:
    """Charged money not yet refunded nor asked back in a refund still under way."""
    amounts = amounts_from_events(transaction.events.all())
    return max(ZERO, amounts.charged - amounts.refunded - amounts.refund_pending)


def expected_amount(transaction: TransactionItem) -> Decimal | None:
    """The amount the transaction was initialised for (its first CHARGE_REQUEST)."""
    event = transaction.events.filter(type=Type.CHARGE_REQUEST).order_by("pk").first()
    return event.amount_value if event else None


def record_event(
    transaction: TransactionItem,
    *,
    type: str,
    amount: Decimal = ZERO,
    currency: str | None = None,
    psp_reference: str = "",
    message: str = "",
    user=None,
    metadata: dict | None = None,
) -> tuple[TransactionEvent, bool]:
    """Append one event (without recomputing); `(event, False)` when an event of this type and
    provider reference was recorded before."""
    type = TransactionEventType(type).value
    if psp_reference:
        existing = transaction.events.filter(type=type, psp_reference=psp_reference).first()
        if existing is not None:
            return existing, False
    try:
        with db_transaction.atomic():
            event = TransactionEvent.objects.create(
                transaction=transaction,
                type=type,
                amount_value=amount,
                currency=currency or transaction.currency,
                psp_reference=psp_reference,
                message=message[:512],
                created_by=user if getattr(user, "is_authenticated", False) else None,
                metadata=metadata or {},
            )
    except IntegrityError:
        # Recorded concurrently by a caller that did not hold the row lock.
        return transaction.events.get(type=type, psp_reference=psp_reference), False
    return event, True


def amount_problem(
    transaction: TransactionItem, amount: Decimal, currency: str, *, check_amount: bool = True
) -> str | None:
    """Why a provider's amount cannot count for this transaction, or None when it matches."""
    if currency.upper() != transaction.currency.upper():
        return f"currency {currency.upper()} != {transaction.currency}"
    if not check_amount:
        return None
    expected = expected_amount(transaction)
    if expected is not None and amount != expected:
        return f"amount {amount} != {expected}"
    return None


def record_provider_event(
    transaction: TransactionItem,
    *,
    type: str,
    amount: Decimal,
    currency: str,
    psp_reference: str = "",
    message: str = "",
    user=None,
) -> tuple[TransactionEvent, bool]:
    """Record what a gateway reported; money in an amount or currency other than the one the
    transaction was initialised for is refused: logged, kept as AMOUNT_MISMATCH, not counted."""
    if type in MONEY_EVENTS or type in REFUND_EVENTS:
        problem = amount_problem(transaction, amount, currency, check_amount=type in MONEY_EVENTS)
        if problem is not None:
            logger.warning(
                "Payment %s refused for transaction %s (%s %s): %s",
                type,
                transaction.token,
                transaction.gateway,
                psp_reference,
                problem,
            )
            return record_event(
                transaction,
                type=Type.AMOUNT_MISMATCH,
                amount=amount,
                currency=currency.upper()[:3],
                psp_reference=f"{type}:{psp_reference}" if psp_reference else "",
                message=f"{type}: {problem}",
                user=user,
            )
    return record_event(
        transaction,
        type=type,
        amount=amount,
        currency=currency.upper()[:3],
        psp_reference=psp_reference,
        message=message,
        user=user,
    )
