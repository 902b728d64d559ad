"""Celery tasks of the tourism app: the vouchers' SMS and the expiry of unused vouchers."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.tourism import codes
from backend.tourism.models import ExpiryPolicy, TourismVoucher, TourismVoucherStatus

logger = logging.getLogger(__name__)
EXPIRY_BATCH = 500


@shared_task
def send_voucher_sms(order_id: str) -> int:
    """Text the order's voucher codes to the phone given at checkout."""
    from backend.account.sms import send_sms
    from backend.brand.signature import signed
    from backend.order.models import Order

    order = Order.objects.filter(pk=order_id).first()
    if order is None or not order.user_phone:
        return 0
    vouchers = list(TourismVoucher.objects.filter(order=order).order_by("order_line_id", "unit"))
    if not vouchers:
        return 0
    parts = []
    for voucher in vouchers:
        when = voucher.visit_date.isoformat() if voucher.visit_date else _("有效期内")
        parts.append(
            f"{voucher.product_name}{voucher.ticket_name} {when} {codes.display(voucher.code)}"
        )
    message = _("您的票券（订单 %(number)s）：%(list)s。入园时出示券码或二维码。") % {
        "number": order.number,
        "list": "；".join(parts),
    }
    send_sms(phone=order.user_phone, message=signed(message))
    return len(vouchers)


@shared_task
def expire_vouchers() -> dict[str, int]:
    """Unused vouchers past their window: lapse, or refund in full where the product says so.

    Runs from beat every 15 minutes; each voucher in its own transaction under a row lock, so a
    redemption or refund racing with it wins or loses cleanly.
    """
    from backend.tourism.refunds import refund_vouchers

    now = timezone.now()
    counts = {"expired": 0, "refunded": 0, "failed": 0}
    due = list(
        TourismVoucher.objects.filter(
            status=TourismVoucherStatus.VALID, valid_until__lte=now
        ).values_list("pk", "tourism_product__expiry_policy", "uses_count")[:EXPIRY_BATCH]
    )
    for pk, policy, uses in due:
        if policy == ExpiryPolicy.REFUND and uses == 0:
            voucher = TourismVoucher.objects.get(pk=pk)
            # Refunded as of the last instant of validity: in full (the visit did not happen).
            try:
                refund_vouchers(
                    vouchers=[voucher],
                    user=None,
                    reason=_("过期未使用，自动退款"),
                    at=voucher.valid_until - dt.timedelta(microseconds=1),
                    automatic=True,
                )
                counts["refunded"] += 1
                continue
            except Exception:
                logger.exception("Automatic refund of tourism voucher %s failed", pk)
                counts["failed"] += 1
                continue
        with transaction.atomic():
            voucher = TourismVoucher.objects.select_for_update().get(pk=pk)
            if voucher.status != TourismVoucherStatus.VALID or voucher.valid_until > now:
                continue
            voucher.status = TourismVoucherStatus.EXPIRED
            voucher.status_changed_at = now
            voucher.save(update_fields=["status", "status_changed_at"])
            counts["expired"] += 1
    return counts
