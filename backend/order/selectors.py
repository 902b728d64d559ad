"""Who may see which orders."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.core.permissions import Permission, has_permissions
from backend.order.models import Order


def can_manage_orders(user) -> bool:
    """Staff holding MANAGE_ORDERS; a customer account is never an order manager, even if the
    permission was granted to it by mistake."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and has_permissions(user, [Permission.MANAGE_ORDERS])
    )


def orders_visible_to(user) -> QuerySet[Order]:
    """Every order for an order manager, a shopper's own orders, nothing for anonymous users."""
    if can_manage_orders(user):
        return Order.objects.all()
    if user is not None and user.is_authenticated:
        return Order.objects.filter(user_id=user.pk)
    return Order.objects.none()
