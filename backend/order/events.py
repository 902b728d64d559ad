"""Writing an order's history (Saleor: OrderEvent)."""

from __future__ import annotations

from typing import Any

from backend.order.models import Order, OrderEvent


def add_event(order: Order, type: str, *, user=None, **parameters: Any) -> OrderEvent:
    """Append one event; call inside the transaction that makes the change it describes."""
    actor = user if getattr(user, "is_authenticated", False) else None
    return OrderEvent.objects.create(order=order, type=type, user=actor, parameters=parameters)
