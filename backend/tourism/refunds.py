"""Refunding unused tourism vouchers, by the shopper or the county's staff.

The product's rules decide the amount: in full until `free_cancel_hours` before the visit (the
start of the visit day, Asia/Shanghai; for open-dated vouchers, before the end of validity), the
price less `cancel_fee_rate` after that; nothing once a voucher has been used (even one use of a
pass) or has expired. The money goes back through the payment gateway that took it
(backend.payment.services.refund_order, the same path as orderRefund), the refund names the
order lines in its reason and audit record, the places of the date come back, and the venue's
settlement is reversed by a REFUND ledger entry (the venue keeps the fee).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.order.models import OrderChargeStatus
from backend.tourism.booking import day_start, release_capacity
from backend.tourism.error_codes import TourismErrorCode
from backend.tourism.models import (
    TourismVoucher,
    TourismVoucherStatus,
    VenueLedgerEntry,
    VenueLedgerKind,
)

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@dataclass(frozen=True)
class RefundQuote:
    refundable: bool
    amount: Decimal
    fee: Decimal
    reason: str  # a TourismErrorCode when not refundable


def quote(voucher: TourismVoucher, *, at: dt.datetime | None = None) -> RefundQuote:
    """What refunding `voucher` now would give back, by its product's rules."""
    now = at or timezone.now()
    price = voucher.price_amount
    if voucher.status == TourismVoucherStatus.REFUNDED:
        return RefundQuote(False, ZERO, ZERO, TourismErrorCode.REFUNDED)
    if voucher.uses_count > 0 or voucher.status == TourismVoucherStatus.REDEEMED:
        return RefundQuote(False, ZERO, ZERO, TourismErrorCode.NOT_REFUNDABLE)
    if voucher.status == TourismVoucherStatus.EXPIRED or now >= voucher.valid_until:
        return RefundQuote(False, ZERO, ZERO, TourismErrorCode.EXPIRED)
    rules = voucher.tourism_product
    deadline_base = day_start(voucher.visit_date) if voucher.visit_date else voucher.valid_until
    free_until = deadline_base - dt.timedelta(hours=rules.free_cancel_hours)
    fee = ZERO
    if now >= free_until:
        fee = (price * rules.cancel_fee_rate).quantize(FEN, rounding=ROUND_HALF_UP)
    return RefundQuote(True, price - fee, fee, "")


def _can_refund(user, order) -> bool:
    if has_permissions(user, [Permission.MANAGE_TOURISM]) or has_permissions(
        user, [Permission.MANAGE_ORDERS]
    ):
        return True
    return bool(
        getattr(user, "is_authenticated", False) and order.user_id and order.user_id == user.pk
    )


def refund_vouchers(
    *,
    vouchers: Sequence[TourismVoucher],
    user,
    reason: str = "",
    at: dt.datetime | None = None,
    automatic: bool = False,
) -> list[TourismVoucher]:
    """Refund unused vouchers of one order. Typed errors, nothing written on refusal."""
    from backend.payment.services import refund_order

    if not vouchers:
        raise _error("ids", _("请选择要退的票券。"), TourismErrorCode.REQUIRED)
    order_ids = {v.order_id for v in vouchers}
    if len(order_ids) != 1:
        raise _error("ids", _("一次只能退同一订单的票券。"), TourismErrorCode.INVALID)
    now = at or timezone.now()
    reason = (reason or "").strip()[:200]
    with transaction.atomic():
        locked = list(
            TourismVoucher.objects.select_for_update()
            .select_related("order", "order_line", "tourism_product", "venue")
            .filter(pk__in=[v.pk for v in vouchers])
            .order_by("pk")
        )
        order = locked[0].order
        if not automatic and not _can_refund(user, order):
            raise _error("ids", _("没有找到这些票券。"), TourismErrorCode.NOT_FOUND)
        if order.charge_status not in (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED):
            raise _error("ids", _("订单未支付，无需退款。"), TourismErrorCode.NOT_PAID)
        quotes = {}
        for voucher in locked:
            q = quote(voucher, at=now)
            if automatic and q.refundable:  # the expiry policy refunds in full
                q = RefundQuote(True, voucher.price_amount, ZERO, "")
            if not q.refundable:
                raise _error(
                    "ids",
                    _("票券 %(code)s 不可退：%(why)s")
                    % {"code": voucher.code, "why": _why(q.reason)},
                    TourismErrorCode.NOT_REFUNDABLE
                    if q.reason != TourismErrorCode.REFUNDED
                    else TourismErrorCode.REFUNDED,
                )
            quotes[voucher.pk] = q
        total = sum((q.amount for q in quotes.values()), ZERO)
        lines = sorted({f"{v.product_name}·{v.ticket_name}" for v in locked})
        line_ids = sorted({str(v.order_line_id) for v in locked})
        note = _("文旅票券退款：%(lines)s；券码 %(codes)s") % {
            "lines": "、".join(lines),
            "codes": "、".join(v.code for v in locked),
        }
        if reason:
            note = f"{note}；{reason}"
        if total > 0:
            _grant(order, locked, quotes, total, note, user)
            refund_order(order, total, user=user, reason=note)
        for voucher in locked:
            q = quotes[voucher.pk]
            voucher.status = TourismVoucherStatus.REFUNDED
            voucher.refunded_amount = q.amount
            voucher.status_changed_at = now
            voucher.save(update_fields=["status", "refunded_amount", "status_changed_at"])
            release_capacity(
                tourism_product_id=voucher.tourism_product_id,
                day=voucher.visit_date,
                slot=voucher.slot,
                amount=voucher.people,
            )
            reversed_amount = _venue_share(voucher, q.amount)
            commission = (reversed_amount * voucher.venue.commission_rate).quantize(
                FEN, rounding=ROUND_HALF_UP
            )
            VenueLedgerEntry.objects.create(
                venue=voucher.venue,
                voucher=voucher,
                kind=VenueLedgerKind.REFUND,
                amount=-reversed_amount,
                commission=-commission,
                net=-(reversed_amount - commission),
                occurred_at=now,
            )
        audit.record(
            actor=user,
            action="tourism.vouchers_refunded",
            instance=order,
            after={
                "codes": [v.code for v in locked],
                "order_lines": line_ids,
                "amount": total,
                "fees": sum((q.fee for q in quotes.values()), ZERO),
                "automatic": automatic,
            },
        )
    return locked


def _venue_share(voucher: TourismVoucher, refunded: Decimal) -> Decimal:
    """What the venue gives back when the shopper gets `refunded` of the voucher's paid
    price: its settled amount (the SALE entry, list price less vendor-funded discounts) in
    the same proportion, all of it for a full refund. A platform-funded discount is the
    platform's to take back, not the venue's."""
    settled = (
        VenueLedgerEntry.objects.filter(voucher=voucher, kind=VenueLedgerKind.SALE)
        .values_list("amount", flat=True)
        .first()
    )
    if settled is None or voucher.price_amount <= 0:
        return refunded
    if refunded >= voucher.price_amount:
        return settled
    return (settled * refunded / voucher.price_amount).quantize(FEN, rounding=ROUND_HALF_UP)


def _grant(order, vouchers, quotes, total: Decimal, note: str, user) -> None:
    """Record the refund as granted on the order, naming its lines and units (Saleor:
    OrderGrantedRefundLine) when the whole paid price goes back; with a cancellation fee kept
    the units are not given back in full, so the grant carries the amount and names the lines
    in its reason."""
    from backend.order.services import grant_refund

    units: dict = {}
    for voucher in vouchers:
        line, count = units.get(voucher.order_line_id, (voucher.order_line, 0))
        units[voucher.order_line_id] = (line, count + 1)
    fees = sum((q.fee for q in quotes.values()), ZERO)
    if fees == 0:
        try:
            grant_refund(
                order,
                total,
                note,
                user=user,
                lines=[(line, count, note) for line, count in units.values()],
            )
            return
        except ValidationError:
            pass  # the line's share rounds a fen above the vouchers' prices: grant the amount
    grant_refund(order, total, note, user=user)


def _why(reason: str) -> str:
    if reason == TourismErrorCode.REFUNDED:
        return _("已退款")
    if reason == TourismErrorCode.EXPIRED:
        return _("已过期")
    return _("已使用")
