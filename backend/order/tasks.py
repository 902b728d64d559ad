"""Background work of the order app."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from backend.order.models import Order, OrderChargeStatus, OrderStatus


@shared_task
def send_order_notification(order_id: str, kind: str) -> list[str]:
    """Send one order notification (see backend/order/notifications.py)."""
    from backend.order.notifications import send_notification

    with transaction.atomic():
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            return []
        return send_notification(order, kind)


@shared_task
def expire_unpaid_orders() -> int:
    """Close orders of online gateways not paid by their `pay_by` deadline (run by beat)."""
    from backend.order.services import expire_order

    due = Order.objects.filter(
        status__in=[OrderStatus.UNCONFIRMED, OrderStatus.UNFULFILLED],
        charge_status=OrderChargeStatus.NONE,
        pay_by__lte=timezone.now(),
    ).values_list("pk", flat=True)
    return sum(1 for pk in due if expire_order(Order(pk=pk)))
