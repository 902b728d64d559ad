"""State changes of orders: cancel, confirm, note, fulfil, grant a refund, expire.

Each service runs in one transaction and starts by locking the order row
(`SELECT … FOR UPDATE`), then re-reads what it decides on, so two staff members clicking the
same button at once are serialised: the second one sees the first one's result (an order
already cancelled, lines already shipped) and is refused instead of doing it twice. Changes to
money or stock leave an audit record (DESIGN.md: audit); every change leaves an order event.
Errors are Django `ValidationError`s with a stable `OrderErrorCode`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from graphql_relay import to_global_id

from backend.core import audit
from backend.core.money import quantize_fen
from backend.inventory.allocation import deallocate_order, fulfill_allocations
from backend.inventory.models import Stock
from backend.order.error_codes import OrderErrorCode
from backend.order.events import add_event
from backend.order.models import (
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderChargeStatus,
    OrderEvent,
    OrderEvents,
    OrderGrantedRefund,
    OrderLine,
    OrderStatus,
)
from backend.order.notifications import queue_notification
from backend.order.paid import paid_total, paid_totals

NOTE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
TRACKING_NUMBER_MAX_LENGTH = 255

# Saleor: an order can be cancelled until something has been shipped.
CANCELLABLE = (OrderStatus.UNCONFIRMED, OrderStatus.UNFULFILLED)
FULFILLABLE = (OrderStatus.UNFULFILLED, OrderStatus.PARTIALLY_FULFILLED)
# Pay-at-station orders are paid when the shopper collects them, so they ship unpaid.
PAY_AT_STATION = "pay_at_station"


def clean_text(value: str | None, *, field: str, limit: int) -> str:
    """Staff-typed text (notes, reasons, tracking numbers): trimmed, at most `limit`
    characters, and without NUL characters, which PostgreSQL cannot store."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(
            {field: ValidationError(_("文本含有无效字符。"), code=OrderErrorCode.INVALID)}
        )
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    _("不能超过 %(limit)s 个字。") % {"limit": limit}, code=OrderErrorCode.INVALID
                )
            }
        )
    return text


def line_gid(line: OrderLine) -> str:
    """The global ID an error names a line by (OrderError.orderLines)."""
    return to_global_id("OrderLine", str(line.pk))


def _lock(order: Order) -> Order:
    """Lock the order row and return a fresh copy of it."""
    return Order.objects.select_for_update().get(pk=order.pk)


def _copy_state(target: Order, source: Order) -> None:
    """Let the caller's instance see what the service wrote."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def release_discounts(order: Order) -> None:
    """Voucher uses and flash-sale quantity of an order that will not be paid go back."""
    from backend.discount.redemption import release
    from backend.tourism.booking import release_order_capacity

    release(order)
    # The dated places its tourism lines took go back too (issue #13).
    release_order_capacity(order)


def is_paid(order: Order) -> bool:
    return order.charge_status in (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)


@transaction.atomic
def cancel_order(order: Order, *, user) -> Order:
    """Cancel an order nothing of which has shipped, and give its stock back. Money already
    charged is not returned here: staff refund it with `orderRefund`, as in Saleor."""
    locked = _lock(order)
    if locked.status not in CANCELLABLE:
        raise ValidationError(
            _("订单状态为“%(status)s”，不能取消。") % {"status": OrderStatus(locked.status).label},
            code=OrderErrorCode.CANNOT_CANCEL_ORDER,
        )
    before = locked.status
    released = deallocate_order(locked)
    if not is_paid(locked):
        # An unpaid order gives its voucher use and flash-sale quantity back.
        release_discounts(locked)
    locked.status = OrderStatus.CANCELED
    locked.save(update_fields=["status", "updated_at"])
    add_event(locked, OrderEvents.CANCELED, user=user)
    if released:
        add_event(locked, OrderEvents.ALLOCATION_RELEASED, user=user, quantity=released)
    audit.record(
        actor=user,
        action="order.canceled",
        instance=locked,
        before={"status": before},
        after={"status": locked.status, "released_quantity": released},
    )
    queue_notification(locked, "canceled")
    _copy_state(order, locked)
    return order


@transaction.atomic
def confirm_order(order: Order, *, user) -> Order:
    """An unconfirmed order becomes unfulfilled (Saleor: orderConfirm)."""
    locked = _lock(order)
    if locked.status != OrderStatus.UNCONFIRMED:
        raise ValidationError(
            _("只有待确认的订单可以确认。"), code=OrderErrorCode.INVALID, params={"field": "id"}
        )
    locked.status = OrderStatus.UNFULFILLED
    locked.save(update_fields=["status", "updated_at"])
    add_event(locked, OrderEvents.CONFIRMED, user=user)
    _copy_state(order, locked)
    return order


@transaction.atomic
def expire_order(order: Order) -> bool:
    """Close an online-paid order that was not paid by its deadline (`pay_by`) and release its
    stock. Returns False when the order was paid or changed meanwhile."""
    locked = _lock(order)
    if (
        locked.status not in CANCELLABLE
        or locked.pay_by is None
        or locked.pay_by > timezone.now()
        or locked.charge_status != OrderChargeStatus.NONE
    ):
        return False
    from backend.payment.services import close_unpaid_payments

    if close_unpaid_payments(locked):
        # Paid at the provider at the last moment: the payment is recorded, the order stays.
        return False
    before = locked.status
    released = deallocate_order(locked)
    release_discounts(locked)
    locked.status = OrderStatus.EXPIRED
    locked.save(update_fields=["status", "updated_at"])
    add_event(locked, OrderEvents.EXPIRED)
    audit.record(
        actor=None,
        action="order.expired",
        instance=locked,
        before={"status": before},
        after={"status": locked.status, "released_quantity": released},
    )
    _copy_state(order, locked)
    return True


@transaction.atomic
def add_note(order: Order, message: str, *, user) -> OrderEvent:
    """A staff note on the order's history."""
    text = clean_text(message, field="message", limit=NOTE_MAX_LENGTH)
    if not text:
        raise ValidationError(
            {"message": ValidationError(_("备注不能为空。"), code=OrderErrorCode.REQUIRED)}
        )
    locked = _lock(order)
    event = add_event(locked, OrderEvents.NOTE_ADDED, user=user, message=text)
    locked.save(update_fields=["updated_at"])
    _copy_state(order, locked)
    return event


def _check_fulfillable(order: Order, lines: list[OrderLine]) -> None:
    if order.status not in FULFILLABLE:
        raise ValidationError(
            _("订单状态为“%(status)s”，不能发货。") % {"status": OrderStatus(order.status).label},
            code=OrderErrorCode.NOT_EDITABLE,
        )
    if not is_paid(order) and order.payment_gateway != PAY_AT_STATION:
        raise ValidationError(
            _("订单尚未付清，不能发货。"), code=OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER
        )
    if order.shipping_address_id is None and any(line.is_shipping_required for line in lines):
        raise ValidationError(
            _("订单没有收货地址，不能发货。"), code=OrderErrorCode.ORDER_NO_SHIPPING_ADDRESS
        )


def _fulfilment_quantities(
    order: Order, requested: Sequence[tuple[OrderLine, int]]
) -> list[tuple[OrderLine, int]]:
    """Re-read the requested lines under the order's lock and check each quantity."""
    if not requested:
        raise ValidationError(
            {"lines": ValidationError(_("请至少选择一件要发货的商品。"), code="REQUIRED")}
        )
    ids = [line.pk for line, _quantity in requested]
    if len(ids) != len(set(ids)):
        raise ValidationError(
            _("同一订单行不能重复出现。"),
            code=OrderErrorCode.DUPLICATED_INPUT_ITEM,
            params={"field": "lines"},
        )
    current = OrderLine.objects.select_related("variant").in_bulk(ids)
    result: list[tuple[OrderLine, int]] = []
    for requested_line, quantity in requested:
        line = current.get(requested_line.pk)
        if line is None or line.order_id != order.pk:
            raise ValidationError(
                _("订单行不属于此订单。"),
                code=OrderErrorCode.NOT_FOUND,
                params={"field": "lines", "order_lines": [line_gid(requested_line)]},
            )
        if quantity <= 0:
            raise ValidationError(
                _("发货数量必须大于零。"),
                code=OrderErrorCode.INVALID_QUANTITY,
                params={"field": "quantity", "order_lines": [line_gid(line)]},
            )
        if quantity > line.quantity_unfulfilled:
            raise ValidationError(
                _("%(name)s 只剩 %(remaining)s 件待发货。")
                % {"name": line.product_name, "remaining": line.quantity_unfulfilled},
                code=OrderErrorCode.FULFILL_ORDER_LINE,
                params={"field": "quantity", "order_lines": [line_gid(line)]},
            )
        result.append((line, quantity))
    return result


@transaction.atomic
def fulfill_order(
    order: Order,
    lines: Sequence[tuple[OrderLine, int]],
    *,
    user,
    tracking_number: str = "",
    notify_customer: bool = True,
) -> Fulfillment:
    """Ship quantities of an order's lines in one fulfilment: stock leaves the warehouses that
    hold it for the order, the lines count what has shipped and the order becomes partially
    fulfilled or fulfilled."""
    tracking_number = clean_text(
        tracking_number, field="tracking_number", limit=TRACKING_NUMBER_MAX_LENGTH
    )
    locked = _lock(order)
    quantities = _fulfilment_quantities(locked, lines)
    _check_fulfillable(locked, [line for line, _quantity in quantities])
    try:
        shipped = cast(list[tuple[OrderLine, Stock | None, int]], fulfill_allocations(quantities))
    except ValidationError as error:
        # Name the lines concerned, as Saleor's OrderError.orderLines does.
        raise ValidationError(
            error.messages[0],
            code=OrderErrorCode.INSUFFICIENT_STOCK,
            params={"field": "lines", "order_lines": [line_gid(line) for line, _q in quantities]},
        ) from error
    number = (locked.fulfillments.aggregate(last=Max("fulfillment_order"))["last"] or 0) + 1
    fulfillment = Fulfillment.objects.create(
        order=locked, fulfillment_order=number, tracking_number=tracking_number
    )
    FulfillmentLine.objects.bulk_create(
        FulfillmentLine(fulfillment=fulfillment, order_line=line, quantity=quantity, stock=stock)
        for line, stock, quantity in shipped
    )
    for line, quantity in quantities:
        line.quantity_fulfilled += quantity
        line.save(update_fields=["quantity_fulfilled"])
    before = locked.status
    remaining = OrderLine.objects.filter(order=locked).values_list("quantity", "quantity_fulfilled")
    everything_shipped = all(quantity == fulfilled for quantity, fulfilled in remaining)
    locked.status = OrderStatus.FULFILLED if everything_shipped else OrderStatus.PARTIALLY_FULFILLED
    locked.save(update_fields=["status", "updated_at"])
    items = [
        {"line": str(line.pk), "sku": line.product_sku, "quantity": quantity}
        for line, quantity in quantities
    ]
    add_event(
        locked,
        OrderEvents.FULFILLMENT_FULFILLED_ITEMS,
        user=user,
        fulfillment=fulfillment.fulfillment_order,
        fulfilled_items=items,
        tracking_number=tracking_number,
    )
    audit.record(
        actor=user,
        action="order.fulfilled",
        instance=locked,
        before={"status": before},
        after={
            "status": locked.status,
            "fulfillment": fulfillment.fulfillment_order,
            "stock": [
                {"line": str(line.pk), "stock": stock.pk if stock else None, "quantity": qty}
                for line, stock, qty in shipped
            ],
        },
    )
    if notify_customer:
        queue_notification(locked, "fulfilled")
    _copy_state(order, locked)
    return fulfillment


# Amount columns hold 12 digits with 2 decimals (backend/order/models.py).
MAX_AMOUNT = Decimal("9999999999.99")


def parse_amount(value, *, field: str = "amount") -> Decimal:
    """A money amount from the outside: a positive number of yuan with at most two decimals."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError(
            {field: ValidationError(_("金额无效。"), code=OrderErrorCode.INVALID)}
        ) from error
    if not amount.is_finite() or amount <= 0:
        raise ValidationError(
            {field: ValidationError(_("金额必须大于零。"), code=OrderErrorCode.INVALID)}
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {field: ValidationError(_("金额过大。"), code=OrderErrorCode.INVALID)}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: ValidationError(_("金额最多两位小数。"), code=OrderErrorCode.INVALID)}
        )
    return quantize_fen(amount)


def refundable_amount(order: Order) -> Decimal:
    """What may still be granted back: charged money minus the refunds already granted."""
    granted = order.granted_refunds.aggregate(total=Sum("amount_value"))["total"] or Decimal(0)
    return order.total_charged_amount - granted


def _refund_line_amount(line: OrderLine, quantity: int, paid: Decimal | None = None) -> Decimal:
    """What `quantity` units of the line were paid: what the shopper paid for the line (its
    total less its share of the order's 满减 and voucher, backend.order.paid) shared by units,
    the last units taking the rounding remainder, so refunding every unit gives back exactly
    what the line was paid."""
    if paid is None:
        paid = paid_total(line)
    if quantity >= line.quantity:
        return paid
    return quantize_fen(paid * quantity / line.quantity)


def _granted_line_quantities(order: Order) -> dict:
    from backend.order.models import OrderGrantedRefundLine

    return {
        row["order_line_id"]: row["total"]
        for row in OrderGrantedRefundLine.objects.filter(granted_refund__order=order)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    }


def _clean_refund_lines(order: Order, lines) -> list[tuple[OrderLine, int, str, Decimal]]:
    """(line, quantity, reason, amount) for each named line; typed errors naming the lines."""
    lines = list(lines)
    seen: set = set()
    granted = _granted_line_quantities(order)
    paid = paid_totals(line for line, _quantity, _reason in lines if line.order_id == order.pk)
    cleaned = []
    for line, quantity, reason in lines:
        if line.order_id != order.pk:
            raise ValidationError(
                _("找不到该订单行。"),
                code=OrderErrorCode.NOT_FOUND,
                params={"field": "lines", "order_lines": [line_gid(line)]},
            )
        if line.pk in seen:
            raise ValidationError(
                _("同一订单行只能填写一次。"),
                code=OrderErrorCode.DUPLICATED_INPUT_ITEM,
                params={"field": "lines", "order_lines": [line_gid(line)]},
            )
        seen.add(line.pk)
        left = line.quantity - granted.get(line.pk, 0)
        if not isinstance(quantity, int) or quantity <= 0 or quantity > left:
            raise ValidationError(
                _("退款数量须在 1 到 %(left)s 之间。") % {"left": max(left, 0)},
                code=OrderErrorCode.INVALID_QUANTITY,
                params={"field": "quantity", "order_lines": [line_gid(line)]},
            )
        reason = clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
        already = granted.get(line.pk, 0)
        # Units already granted took their part of the line; this grant takes the next ones.
        amount = _refund_line_amount(line, already + quantity, paid[line.pk]) - _refund_line_amount(
            line, already, paid[line.pk]
        )
        cleaned.append((line, quantity, reason, amount))
    return cleaned


@transaction.atomic
def grant_refund(
    order: Order,
    amount=None,
    reason: str = "",
    *,
    user,
    lines: Sequence[tuple[OrderLine, int, str]] = (),
) -> OrderGrantedRefund:
    """Record that staff decided to give money back (Saleor: orderGrantRefundCreate). The
    money moves when the refund is sent through the payment gateway (`orderRefund`).

    `lines` names the order lines given back (Saleor: OrderGrantedRefundLine: line, quantity,
    reason); without an amount the refund is the lines' paid amount. Ledgers that follow
    lines (the poverty zone's benefit ledger) write their reversing entries here, in the
    same transaction."""
    reason = clean_text(reason, field="reason", limit=REASON_MAX_LENGTH)
    locked = _lock(order)
    cleaned = _clean_refund_lines(locked, lines)
    lines_total = sum((row[3] for row in cleaned), Decimal(0))
    if amount is None:
        if not cleaned:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("请填写退款金额或退款商品。"), code=OrderErrorCode.REQUIRED
                    )
                }
            )
        value = lines_total
    else:
        value = parse_amount(amount)
        if value < lines_total:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("退款金额不能少于所退商品的金额 %(lines)s。") % {"lines": lines_total},
                        code=OrderErrorCode.INVALID,
                    )
                }
            )
    available = refundable_amount(locked)
    if value > available:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("退款金额 %(amount)s 超过可退金额 %(available)s。")
                    % {"amount": value, "available": quantize_fen(max(available, Decimal(0)))},
                    code=OrderErrorCode.CANNOT_REFUND,
                )
            }
        )
    granted = OrderGrantedRefund.objects.create(
        order=locked,
        amount_value=value,
        currency=locked.currency,
        reason=reason,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    from backend.order.models import OrderGrantedRefundLine

    OrderGrantedRefundLine.objects.bulk_create(
        OrderGrantedRefundLine(
            granted_refund=granted,
            order_line=line,
            quantity=quantity,
            reason=line_reason,
            amount_value=line_amount,
        )
        for line, quantity, line_reason, line_amount in cleaned
    )
    add_event(locked, OrderEvents.REFUND_GRANTED, user=user, amount=str(value), reason=reason)
    audit.record(
        actor=user,
        action="order.refund_granted",
        instance=locked,
        before={"granted_available": str(available)},
        after={
            "granted_amount": str(value),
            "granted_available": str(available - value),
            **(
                {
                    "lines": [
                        {"line": str(line.pk), "quantity": quantity, "amount": str(line_amount)}
                        for line, quantity, _reason, line_amount in cleaned
                    ]
                }
                if cleaned
                else {}
            ),
        },
    )
    if cleaned:
        _reverse_poverty_benefit(granted)
    locked.save(update_fields=["updated_at"])
    _copy_state(order, locked)
    return granted


def _reverse_poverty_benefit(granted: OrderGrantedRefund) -> None:
    # The poverty zone's benefit ledger reverses the refunded units (issue #12).
    from backend.poverty.ledger import record_refund

    record_refund(granted)
