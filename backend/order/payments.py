"""An order's charge status, derived from its payment transactions.

The payment app calls `update_charge_status` after every change to a transaction attached to an
order; the order app never calls into payment gateways itself.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from backend.order.events import add_event
from backend.order.models import Order, OrderChargeStatus, OrderEvents
from backend.order.notifications import queue_notification


def charge_status_for(charged: Decimal, total: Decimal) -> str:
    if charged <= 0:
        return OrderChargeStatus.FULL if total <= 0 else OrderChargeStatus.NONE
    if charged < total:
        return OrderChargeStatus.PARTIAL
    if charged == total:
        return OrderChargeStatus.FULL
    return OrderChargeStatus.OVERCHARGED


def update_charge_status(order: Order, *, user=None) -> Order:
    """Recompute `total_charged_amount`, `total_refunded_amount` and `charge_status` from the
    order's transactions; record ORDER_FULLY_PAID the first time the order becomes paid and
    queue the payment notification. Call inside the transaction that changed the payments."""
    sums = order.payment_transactions.aggregate(
        charged=Sum("charged_value"), refunded=Sum("refunded_value")
    )
    charged = sums["charged"] or Decimal(0)
    refunded = sums["refunded"] or Decimal(0)
    was_paid = order.charge_status in (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
    refunded_before = order.total_refunded_amount
    order.total_charged_amount = charged
    order.total_refunded_amount = refunded
    order.charge_status = charge_status_for(charged, order.total_gross_amount)
    order.save(
        update_fields=[
            "total_charged_amount",
            "total_refunded_amount",
            "charge_status",
            "updated_at",
        ]
    )
    is_paid = order.charge_status in (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
    if is_paid and not was_paid:
        add_event(order, OrderEvents.ORDER_FULLY_PAID, user=user, amount=str(charged))
        order.pay_by = None
        order.save(update_fields=["pay_by"])
        queue_notification(order, "paid")
        _queue_routing(order)
        _issue_tourism_vouchers(order)
        _record_poverty_benefit(order)
    if refunded != refunded_before:
        _reverse_poverty_benefit(order)
    return order


def _record_poverty_benefit(order: Order) -> None:
    # The poverty zone's benefit ledger (issue #12) is written in this same transaction, so a
    # paid order never lacks its entries and a rolled-back payment leaves none behind.
    from backend.poverty.ledger import record_payment

    record_payment(order)


def _reverse_poverty_benefit(order: Order) -> None:
    # A refund becomes effective here (its success recomputes the refunded total): the
    # poverty ledger reverses refunds that named no granted lines, in this transaction (#12).
    from backend.poverty.ledger import record_payment_refunds

    record_payment_refunds(order)


def _queue_routing(order: Order) -> None:
    # A paid order's parcels are planned through the station network (issue #4).
    from backend.routing.services import queue_plan

    queue_plan(order)


def _issue_tourism_vouchers(order: Order) -> None:
    # One tourism voucher per unit of the order's tourism lines (issue #13).
    from backend.tourism.issuance import issue_vouchers

    issue_vouchers(order)
