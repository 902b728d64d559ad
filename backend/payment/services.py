"""Payment services: starting and checking payments for a checkout, moving them to the order,
recording cash collected at a station, and refunds.

Every function runs in one database transaction and holds a row lock on the transactions it
changes, so a webhook, a shopper's `transactionProcess` and a staff refund arriving together
are applied one after the other. Amounts come from events (`backend.payment.transactions`);
money reported by a provider in an amount or currency other than the one the transaction was
started for is refused and recorded as AMOUNT_MISMATCH.

The checkout app calls `checkout_payment_coverage` and `attach_checkout_transactions`; the
order app calls `mark_order_paid` and `refund_order`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from backend.checkout.calculations import checkout_total
from backend.checkout.models import Checkout
from backend.core import audit
from backend.core.money import quantize_fen
from backend.order.events import add_event
from backend.order.models import Order, OrderEvents
from backend.order.paid import paid_totals
from backend.order.payments import update_charge_status
from backend.payment import transactions
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.gateways import gateway_of, get_gateway
from backend.payment.gateways.base import GatewayError, GatewayResult, RefundLine
from backend.payment.models import (
    Gateway,
    TransactionEvent,
    TransactionEventType,
    TransactionItem,
)

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
Type = TransactionEventType
# Gateways where a started payment exists at the provider and can be withdrawn (closed).
ONLINE_GATEWAYS = (Gateway.STRIPE, Gateway.ALIPAY, Gateway.WECHATPAY)
# Transaction tokens for client idempotency keys: the same checkout and key always give the
# same token, hence the same provider idempotency key, even after a rolled-back attempt.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d3c2e-9a4b-4e57-8c1a-2b7e0d9f5a31")


def _error(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


# --- The contract with checkout and order -------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How much of a checkout its payments cover."""

    charged: Decimal
    authorized: Decimal
    pay_at_station: bool
    gateway: str


def checkout_payment_coverage(checkout: Checkout) -> Coverage:
    """`pay_at_station` holds when the checkout's latest pay-at-station transaction awaits
    exactly the checkout's current total (a cart changed since must be initialised again)."""
    items = list(checkout.payment_transactions.order_by("created_at", "pk"))
    charged = sum((item.charged_value - item.refunded_value for item in items), ZERO)
    station = [
        item
        for item in items
        if item.gateway == Gateway.PAY_AT_STATION and item.charge_pending_value > 0
    ]
    pay_at_station = bool(station) and (
        station[-1].charge_pending_value == checkout_total(checkout).gross.amount
    )
    return Coverage(
        charged=charged,
        authorized=sum((item.authorized_value for item in items), ZERO),
        pay_at_station=pay_at_station,
        gateway=items[-1].gateway if items else "",
    )


@db_transaction.atomic
def attach_checkout_transactions(checkout: Checkout, order: Order, *, user=None) -> None:
    """Move the checkout's payments to the order it became; call inside checkoutComplete."""
    items = list(
        TransactionItem.objects.select_for_update()
        .filter(checkout=checkout)
        .order_by("created_at", "pk")
    )
    if not items:
        update_charge_status(order, user=user)
        return
    TransactionItem.objects.filter(pk__in=[item.pk for item in items]).update(order=order)
    station = [
        item
        for item in items
        if item.gateway == Gateway.PAY_AT_STATION and item.charge_pending_value > 0
    ]
    if station:
        order.payment_gateway = Gateway.PAY_AT_STATION
        add_event(
            order,
            OrderEvents.PAYMENT_PENDING_AT_STATION,
            user=user,
            amount=str(station[-1].charge_pending_value),
            currency=station[-1].currency,
        )
    else:
        order.payment_gateway = items[-1].gateway
    order.save(update_fields=["payment_gateway", "updated_at"])
    update_charge_status(order, user=user)


@db_transaction.atomic
def mark_order_paid(order: Order, *, user, psp_reference: str = "") -> TransactionItem:
    """Cash collected at the station, or another payment staff received outside the gateways:
    the outstanding amount is charged on the order's pay-at-station transaction (a new
    offline one when there is none)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    charged = order.payment_transactions.aggregate(total=Sum("charged_value"))["total"] or ZERO
    outstanding = order.total_gross_amount - charged
    if outstanding <= 0:
        raise _error(_("订单已付清，无需再次收款。"), PaymentErrorCode.ALREADY_PAID)
    item = (
        TransactionItem.objects.select_for_update()
        .filter(order=order, gateway=Gateway.PAY_AT_STATION)
        .order_by("-created_at", "-pk")
        .first()
    )
    if item is None:
        item = TransactionItem.objects.create(
            gateway=Gateway.PAY_AT_STATION,
            name=_("线下收款"),
            order=order,
            currency=order.currency,
            user=user if getattr(user, "is_authenticated", False) else None,
        )
    reference = psp_reference.strip()[:512]
    if reference and item.events.filter(type=Type.CHARGE_SUCCESS, psp_reference=reference):
        raise _error(
            _("收款凭证 %(ref)s 已登记过。") % {"ref": reference},
            PaymentErrorCode.UNIQUE,
            "transactionReference",
        )
    transactions.record_event(
        item,
        type=Type.CHARGE_SUCCESS,
        amount=outstanding,
        currency=order.currency,
        psp_reference=reference,
        message=_("到站/线下收款"),
        user=user,
    )
    transactions.recalculate(item)
    add_event(
        order,
        OrderEvents.ORDER_MARKED_AS_PAID,
        user=user,
        amount=str(outstanding),
        transaction_reference=reference,
    )
    audit.record(
        actor=user,
        action="order.marked_as_paid",
        instance=order,
        before={"total_charged_amount": str(order.total_charged_amount)},
        after={"total_charged_amount": str(charged + outstanding), "reference": reference},
    )
    update_charge_status(order, user=user)
    return item


def refunded_quantities(order: Order) -> dict[str, int]:
    """Quantities of each order line given back so far: the lines named in the metadata of
    the order's refund requests that did not fail."""
    events = TransactionEvent.objects.filter(transaction__order=order).values_list(
        "type", "psp_reference", "metadata"
    )
    failed = {ref for kind, ref, _meta in events if kind == Type.REFUND_FAILURE and ref}
    quantities: dict[str, int] = {}
    for kind, reference, metadata in events:
        if kind != Type.REFUND_REQUEST or (reference and reference in failed):
            continue
        for entry in (metadata or {}).get("lines", []):
            quantities[entry["line"]] = quantities.get(entry["line"], 0) + int(entry["quantity"])
    return quantities


def refund_lines(order: Order, requested: list[tuple[Any, int]]) -> list[RefundLine]:
    """Check a per-line refund (each line the order's, each quantity at most what is left to
    give back) and price it at what the shopper paid per unit."""
    from backend.order.models import OrderLine

    if not requested:
        raise _error(_("请至少选择一件要退款的商品。"), PaymentErrorCode.REQUIRED, "lines")
    ids = [str(getattr(line, "pk", line)) for line, _quantity in requested]
    if len(ids) != len(set(ids)):
        raise _error(_("同一订单行不能重复出现。"), PaymentErrorCode.INVALID, "lines")
    current = {str(line.pk): line for line in OrderLine.objects.filter(order=order, pk__in=ids)}
    done = refunded_quantities(order)
    paid = paid_totals(current.values())
    result = []
    for line_id, (_line, quantity) in zip(ids, requested, strict=True):
        line = current.get(line_id)
        if line is None:
            raise _error(_("订单行不属于此订单。"), PaymentErrorCode.NOT_FOUND, "lines")
        left = line.quantity - done.get(line_id, 0)
        if not isinstance(quantity, int) or quantity <= 0 or quantity > left:
            raise _error(
                _("%(name)s 最多还能退 %(left)s 件。") % {"name": line.product_name, "left": left},
                PaymentErrorCode.INVALID,
                "lines",
            )
        # What the shopper paid for the line (less its share of the order's 满减 and voucher).
        line_paid = paid[line.pk]
        unit = quantize_fen(line_paid / line.quantity)
        # The last units take the line's remainder, so a line refunded in parts adds up to
        # exactly what was paid for it.
        amount = line_paid - unit * done.get(line_id, 0) if quantity == left else unit * quantity
        result.append(
            RefundLine(
                line_id=line_id,
                name=line.product_name,
                sku=line.product_sku,
                quantity=quantity,
                unit_price=unit,
                amount=quantize_fen(amount),
            )
        )
    return result


@db_transaction.atomic
def refund_order(
    order: Order,
    amount: Decimal | None,
    *,
    user,
    reason: str = "",
    lines: list[tuple[Any, int]] | None = None,
    granted_refund=None,
) -> list[TransactionItem]:
    """Give `amount` back through the gateways that took it, newest payment first.

    `lines` ([(order line, quantity)]) refunds those units at what was paid for them;
    `granted_refund` (an `OrderGrantedRefund`) sends a refund staff granted, with its lines,
    once. Both go to Alipay and WeChat Pay as goods details and stay in the refund request's
    metadata.

    Dummy and pay-at-station refunds (cash back at the station) succeed at once; a Stripe
    refund is requested with an idempotency key and counts when Stripe reports it succeeded,
    in its response or later by webhook, once. If Stripe fails on a later transaction after an
    earlier one was refunded, everything here rolls back; the refund Stripe did make comes back
    by webhook, and a retry reuses the same idempotency key, so nothing is refunded twice.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    extra: dict[str, Any] = {}
    if granted_refund is not None:
        amount, priced = _granted(order, granted_refund)
        reason = reason or granted_refund.reason
        extra = {"granted_refund": granted_refund.pk}
    else:
        priced = refund_lines(order, lines) if lines is not None else []
    if priced and granted_refund is None:
        lines_total = sum((line.amount for line in priced), ZERO)
        if amount is None:
            amount = lines_total
        elif Decimal(amount) != lines_total:
            raise _error(
                _("退款金额 ¥%(amount)s 与所选商品金额 ¥%(lines)s 不符。")
                % {"amount": amount, "lines": lines_total},
                PaymentErrorCode.INVALID_AMOUNT,
                "amount",
            )
    try:
        amount = Decimal(amount)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError) as error:
        raise _error(_("退款金额无效。"), PaymentErrorCode.INVALID_AMOUNT, "amount") from error
    if not amount.is_finite() or amount <= 0 or quantize_fen(amount) != amount:
        raise _error(
            _("退款金额必须为大于 0 的金额，最多两位小数。"),
            PaymentErrorCode.INVALID_AMOUNT,
            "amount",
        )
    items = list(
        TransactionItem.objects.select_for_update()
        .filter(order=order, charged_value__gt=0)
        .order_by("-created_at", "-pk")
    )
    available = {item.pk: transactions.refundable(item) for item in items}
    total_available = sum(available.values(), ZERO)
    if amount > total_available:
        raise _error(
            _("退款金额 ¥%(amount)s 超过可退金额 ¥%(available)s。")
            % {"amount": amount, "available": total_available},
            PaymentErrorCode.AMOUNT_GREATER_THAN_AVAILABLE,
            "amount",
        )
    left = amount
    touched: list[TransactionItem] = []
    for item in items:
        if left <= 0:
            break
        part = min(left, available[item.pk])
        if part <= 0:
            continue
        # The goods details go to the provider when one payment covers the whole refund.
        _refund_transaction(
            item, part, user=user, reason=reason, lines=priced if part == amount else None
        )
        touched.append(item)
        left -= part
    if (priced or extra) and touched:
        # The lines are kept on the (first) refund request, so later refunds know what is left.
        first = touched[0].events.filter(type=Type.REFUND_REQUEST).order_by("-pk").first()
        if first is not None:
            first.metadata = {
                **first.metadata,
                "lines": [line.as_metadata() for line in priced],
                **extra,
            }
            first.save(update_fields=["metadata"])
    add_event(order, OrderEvents.REFUND_GRANTED, user=user, amount=str(amount), reason=reason)
    before = str(order.total_refunded_amount)
    update_charge_status(order, user=user)
    audit.record(
        actor=user,
        action="order.refunded",
        instance=order,
        before={"total_refunded_amount": before},
        after={"total_refunded_amount": str(order.total_refunded_amount), "requested": amount},
    )
    return touched


def _granted(order: Order, granted) -> tuple[Decimal, list[RefundLine]]:
    """The amount and lines of a granted refund, which must be the order's and not sent yet."""
    if granted.order_id != order.pk:
        raise _error(_("找不到这笔已批准的退款。"), PaymentErrorCode.NOT_FOUND, "grantedRefundId")
    failed = set(
        TransactionEvent.objects.filter(
            transaction__order=order, type=Type.REFUND_FAILURE
        ).values_list("psp_reference", flat=True)
    )
    sent = TransactionEvent.objects.filter(
        transaction__order=order,
        type=Type.REFUND_REQUEST,
        metadata__granted_refund=granted.pk,
    ).exclude(psp_reference__in=failed)
    if sent.exists():
        raise _error(
            _("这笔已批准的退款已经退过了。"),
            PaymentErrorCode.REFUND_ALREADY_PROCESSED,
            "grantedRefundId",
        )
    priced = []
    for row in granted.lines.select_related("order_line"):
        line = row.order_line
        priced.append(
            RefundLine(
                line_id=str(line.pk),
                name=line.product_name,
                sku=line.product_sku,
                quantity=row.quantity,
                unit_price=quantize_fen(row.amount_value / row.quantity),
                amount=row.amount_value,
            )
        )
    return granted.amount_value, priced


def _refund_transaction(
    item: TransactionItem,
    amount: Decimal,
    *,
    user,
    reason: str,
    lines: list[RefundLine] | None = None,
) -> None:
    sequence = item.events.filter(type=Type.REFUND_REQUEST).count() + 1
    key = f"refund-{item.token}-{sequence}-{amount}"
    gateway = gateway_of(item)
    try:
        result = gateway.refund(item, amount, idempotency_key=key, lines=lines)
    except GatewayError as error:
        logger.warning("Refund of %s on transaction %s failed: %s", amount, item.token, error)
        raise _error(
            _("支付渠道退款失败：%(message)s") % {"message": error},
            PaymentErrorCode.GATEWAY_ERROR,
            "amount",
        ) from error
    transactions.record_event(
        item,
        type=Type.REFUND_REQUEST,
        amount=result.amount,
        currency=result.currency,
        psp_reference=result.psp_reference,
        message=reason,
        user=user,
        metadata={"lines": [line.as_metadata() for line in lines]} if lines else None,
    )
    if result.status == "success":
        transactions.record_event(
            item,
            type=Type.REFUND_SUCCESS,
            amount=result.amount,
            currency=result.currency,
            psp_reference=result.psp_reference,
            user=user,
        )
    elif result.status == "failure":
        transactions.record_event(
            item,
            type=Type.REFUND_FAILURE,
            amount=result.amount,
            currency=result.currency,
            psp_reference=result.psp_reference,
            message=result.message,
            user=user,
        )
        if item.order is not None:
            add_event(
                item.order,
                OrderEvents.REFUND_FAILED,
                user=user,
                amount=str(result.amount),
                reference=result.psp_reference,
            )
    transactions.recalculate(item)


# --- Paying a checkout (transactionInitialize / transactionProcess) -------------------------


def lock_transaction(pk: int) -> TransactionItem | None:
    """Row-lock a transaction for an update, taking its order's lock first: refunds and
    `mark_order_paid` lock the order and then its transactions, and every path must take the
    locks in that order or two of them can deadlock."""
    order_id = TransactionItem.objects.filter(pk=pk).values_list("order_id", flat=True).first()
    if order_id is not None:
        Order.objects.select_for_update().filter(pk=order_id).first()
    return TransactionItem.objects.select_for_update().filter(pk=pk).first()


@dataclass
class PaymentStep:
    """What a payment mutation returns: the transaction, its newest event, data for the client."""

    transaction: TransactionItem
    event: TransactionEvent | None
    data: dict[str, Any] | None


def ensure_can_pay(checkout: Checkout, user) -> None:
    """A checkout that belongs to an account is paid by that account only; a guest checkout by
    whoever holds its ID (Saleor: the checkout ID is the capability)."""
    if checkout.user_id is None:
        return
    if not (getattr(user, "is_authenticated", False) and user.pk == checkout.user_id):
        raise _error(_("无权为此购物车付款。"), PaymentErrorCode.PERMISSION_DENIED, "id")


def _step(item: TransactionItem, event: TransactionEvent | None = None) -> PaymentStep:
    if event is None:
        event = item.events.order_by("-pk").first()
    return PaymentStep(transaction=item, event=event, data=gateway_of(item).client_data(item))


def apply_gateway_result(
    item: TransactionItem, result: GatewayResult, *, user=None
) -> TransactionEvent | None:
    """Record what the gateway reported, recompute, and update the order if there is one.
    The caller holds a row lock on `item`."""
    last = None
    failed = False
    for reported in result.events:
        event, created = transactions.record_provider_event(
            item,
            type=reported.type,
            amount=reported.amount,
            currency=reported.currency,
            psp_reference=reported.psp_reference,
            message=reported.message,
            user=user,
        )
        last = event
        failed = failed or (created and event.type == Type.CHARGE_FAILURE)
    transactions.recalculate(item)
    if item.order_id:
        order = Order.objects.select_for_update().get(pk=item.order_id)
        if failed:
            add_event(order, OrderEvents.CHARGE_FAILED, user=user, transaction=str(item.token))
        update_charge_status(order, user=user)
    return last


def _amount(value, total: Decimal) -> Decimal:
    if value is None:
        return total
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise _error(_("金额无效。"), PaymentErrorCode.INVALID_AMOUNT, "amount") from error
    if not amount.is_finite() or amount <= 0:
        raise _error(_("金额必须大于 0。"), PaymentErrorCode.INVALID_AMOUNT, "amount")
    return amount


def _supersede_open_payments(checkout: Checkout, *, user) -> None:
    """A shopper who starts another payment (e.g. switches from card to Alipay, or from paying
    at the station to paying online) must not be able to complete the earlier one as well:
    a pending station payment is cancelled, and an online payment not yet made is withdrawn
    at the provider. If the provider refuses (the shopper has just paid it), the webhook will
    record that payment."""
    items = TransactionItem.objects.select_for_update().filter(
        checkout=checkout, charged_value=0, authorized_value=0
    )
    for item in items:
        if item.events.filter(type=Type.CANCEL_SUCCESS).exists():
            continue
        if item.gateway == Gateway.PAY_AT_STATION and item.charge_pending_value > 0:
            transactions.record_event(
                item,
                type=Type.CANCEL_SUCCESS,
                amount=item.charge_pending_value,
                currency=item.currency,
                message=_("已改用其他方式付款"),
                user=user,
            )
            transactions.recalculate(item)
        elif item.gateway in ONLINE_GATEWAYS and item.psp_reference:
            try:
                result = gateway_of(item).cancel(item)
            except GatewayError as error:
                logger.warning("Earlier payment %s not withdrawn: %s", item.token, error)
                continue
            apply_gateway_result(item, result, user=user)


@db_transaction.atomic
def initialize_transaction(
    *,
    checkout: Checkout,
    gateway_id: str,
    amount: Decimal | None,
    data: dict[str, Any] | None,
    idempotency_key: str = "",
    user=None,
) -> PaymentStep:
    """Start paying a checkout with one gateway; the amount must equal the checkout's total.

    With an idempotency key, a retry returns the transaction the first call created (and the
    provider returns its first object for the same derived key)."""
    checkout = (
        Checkout.objects.select_for_update(of=("self",))
        .select_related("channel")
        .get(pk=checkout.pk)
    )
    ensure_can_pay(checkout, user)
    gateway = get_gateway(gateway_id, field="paymentGateway")
    if not gateway.supports(checkout.currency):
        raise _error(
            _("该支付方式不支持 %(currency)s。") % {"currency": checkout.currency},
            PaymentErrorCode.CURRENCY_MISMATCH,
            "paymentGateway",
        )
    if not checkout.lines.exists():
        raise _error(_("购物车是空的。"), PaymentErrorCode.EMPTY_CHECKOUT, "id")
    total = checkout_total(checkout).gross
    requested = _amount(amount, total.amount)
    if total.currency != checkout.currency or requested != total.amount:
        logger.warning(
            "transactionInitialize refused for checkout %s: amount %s, total %s %s",
            checkout.pk,
            requested,
            total.amount,
            total.currency,
        )
        raise _error(
            _("支付金额 ¥%(amount)s 与订单应付 ¥%(total)s 不符。")
            % {"amount": requested, "total": total.amount},
            PaymentErrorCode.AMOUNT_MISMATCH,
            "amount",
        )
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise _error(_("幂等键最长 64 个字符。"), PaymentErrorCode.INVALID, "idempotencyKey")
    if key:
        existing = TransactionItem.objects.filter(checkout=checkout, idempotency_key=key).first()
        if existing is not None:
            if (
                existing.gateway != gateway.id
                or transactions.expected_amount(existing) != total.amount
            ):
                raise _error(
                    _("该幂等键已用于另一笔支付。"), PaymentErrorCode.UNIQUE, "idempotencyKey"
                )
            return _step(existing)
    coverage = checkout_payment_coverage(checkout)
    if coverage.charged + coverage.authorized >= total.amount:
        raise _error(_("此购物车已付清。"), PaymentErrorCode.CHECKOUT_ALREADY_PAID, "id")
    _supersede_open_payments(checkout, user=user)
    coverage = checkout_payment_coverage(checkout)
    if coverage.charged + coverage.authorized >= total.amount:
        # An earlier payment turned out to be paid when it was being withdrawn (the shopper
        # paid it a moment ago): no second payment. Its provider reports it again.
        raise _error(_("此购物车已付清。"), PaymentErrorCode.CHECKOUT_ALREADY_PAID, "id")
    token = uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{checkout.pk}:{key}") if key else uuid.uuid4()
    item = TransactionItem.objects.create(
        token=token,
        gateway=gateway.id,
        name=str(gateway.name),
        checkout=checkout,
        currency=checkout.currency,
        user=user if getattr(user, "is_authenticated", False) else None,
        idempotency_key=key,
    )
    transactions.record_event(
        item, type=Type.CHARGE_REQUEST, amount=total.amount, currency=total.currency, user=user
    )
    try:
        result = gateway.initialize(item, total.amount, data or {})
    except GatewayError as error:
        logger.warning("transactionInitialize with %s failed: %s", gateway.id, error)
        raise _error(
            _("支付渠道暂时不可用，请稍后重试。"), PaymentErrorCode.GATEWAY_ERROR, "paymentGateway"
        ) from error
    item.psp_reference = result.psp_reference
    item.client_secret = result.client_secret
    item.payment_method_type = result.payment_method_type
    item.save(update_fields=["psp_reference", "client_secret", "payment_method_type"])
    event = apply_gateway_result(item, result, user=user)
    step = _step(item, event)
    if result.redirect_url:
        step.data = {**(step.data or {}), "redirect_url": result.redirect_url}
    return step


@db_transaction.atomic
def process_transaction(
    transaction: TransactionItem, *, data: dict[str, Any] | None = None, user=None
) -> PaymentStep:
    """Ask the gateway where the payment stands (e.g. after Stripe.js confirmed it)."""
    item = lock_transaction(transaction.pk)
    if item is None:
        raise _error(_("找不到这笔支付。"), PaymentErrorCode.NOT_FOUND, "id")
    checkout = Checkout.objects.filter(pk=item.checkout_id).first() if item.checkout_id else None
    if checkout is not None:
        ensure_can_pay(checkout, user)
    elif item.order_id:
        order = Order.objects.get(pk=item.order_id)
        if order.user_id and not (
            getattr(user, "is_authenticated", False) and user.pk == order.user_id
        ):
            raise _error(_("无权操作此支付。"), PaymentErrorCode.PERMISSION_DENIED, "id")
    try:
        result = gateway_of(item).process(item, data or {})
    except GatewayError as error:
        logger.warning("transactionProcess of %s failed: %s", item.token, error)
        raise _error(
            _("支付渠道暂时不可用，请稍后重试。"), PaymentErrorCode.GATEWAY_ERROR, "id"
        ) from error
    event = apply_gateway_result(item, result, user=user)
    return _step(item, event)


@dataclass
class GatewayConfig:
    """One gateway's answer to paymentGatewayInitialize: its public data or why not."""

    id: str
    data: dict[str, Any] | None
    error: ValidationError | None = None


def initialize_payment_gateways(
    *, checkout: Checkout, gateway_ids: list[str] | None, amount: Decimal | None = None, user=None
) -> list[GatewayConfig]:
    """The public configuration of the requested gateways (all available ones by default),
    so the storefront can show them and load, e.g., Stripe.js with the publishable key."""
    from backend.payment.gateways import GATEWAYS, available_gateways

    ensure_can_pay(checkout, user)
    if amount is not None:
        total = checkout_total(checkout).gross.amount
        if _amount(amount, total) != total:
            logger.warning(
                "paymentGatewayInitialize: amount %s for checkout %s of %s",
                amount,
                checkout.pk,
                total,
            )
            raise _error(
                _("支付金额 ¥%(amount)s 与订单应付 ¥%(total)s 不符。")
                % {"amount": amount, "total": total},
                PaymentErrorCode.AMOUNT_MISMATCH,
                "amount",
            )
    available = {gateway.id: gateway for gateway in available_gateways(checkout.channel)}
    configs = []
    for gateway_id in gateway_ids if gateway_ids is not None else list(available):
        gateway = available.get(gateway_id)
        if gateway is None:
            code = (
                PaymentErrorCode.GATEWAY_NOT_AVAILABLE
                if gateway_id in GATEWAYS
                else PaymentErrorCode.NOT_FOUND
            )
            message = _("支付方式不可用：%(id)s。") % {"id": gateway_id}
            configs.append(GatewayConfig(gateway_id, None, ValidationError(message, code=code)))
            continue
        configs.append(GatewayConfig(gateway.id, dict(gateway.config())))
    return configs


def close_unpaid_payments(order: Order) -> bool:
    """Close at the provider every online payment of an order that expires unpaid, so the
    shopper can no longer pay it (Alipay alipay.trade.close, WeChat Pay close, Stripe
    cancel). Returns True when a provider reports the payment was made after all (it is
    recorded, and the order must not expire). The caller holds the order's lock."""
    items = TransactionItem.objects.select_for_update().filter(
        order=order, gateway__in=ONLINE_GATEWAYS, charged_value=0, authorized_value=0
    )
    paid = False
    for item in items:
        if not item.psp_reference or item.events.filter(type=Type.CANCEL_SUCCESS).exists():
            continue
        try:
            result = gateway_of(item).cancel(item)
        except GatewayError as error:
            # Its time_expire still stops it being paid; reconciliation reports any surprise.
            logger.warning(
                "Payment %s of expiring order %s not closed: %s", item.token, order.pk, error
            )
            continue
        apply_gateway_result(item, result)
        item.refresh_from_db()
        paid = paid or item.charged_value > 0 or item.authorized_value > 0
    return paid
