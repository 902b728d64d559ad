"""Telling the shopper what happened to their order: a text message to the phone given at
checkout and an e-mail when there is an address, in the order's language.

Services call `queue_notification` inside their transaction; the message is sent by a Celery
task only after the transaction commits, so a rolled-back change never notifies anyone and a
slow SMS gateway never holds a row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backend.account.sms import send_sms
from backend.brand.signature import signed
from backend.core.money import quantize_fen
from backend.order.events import add_event
from backend.order.models import Order, OrderEvents

KINDS = ("placed", "paid", "canceled", "fulfilled", "refunded")


def queue_notification(order: Order, kind: str) -> None:
    """Send the `kind` notification of `order` once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown order notification: {kind}")
    from backend.order.tasks import send_order_notification

    order_id = str(order.pk)
    transaction.on_commit(lambda: send_order_notification.delay(order_id, kind))


def _texts(order: Order, kind: str) -> tuple[str, str]:
    """(subject, body) of a notification, in the active language."""
    values = {"number": order.number, "amount": _yuan(order, kind)}
    if kind == "placed":
        return (
            _("订单 %(number)s 已提交") % values,
            _("您的订单 %(number)s 已提交，订单金额 ¥%(amount)s。") % values,
        )
    if kind == "paid":
        return (
            _("订单 %(number)s 已支付") % values,
            _("您的订单 %(number)s 已支付 ¥%(amount)s，我们会尽快为您发货。") % values,
        )
    if kind == "canceled":
        return (
            _("订单 %(number)s 已取消") % values,
            _("您的订单 %(number)s（¥%(amount)s）已取消。") % values,
        )
    if kind == "fulfilled":
        return (
            _("订单 %(number)s 已发货") % values,
            _("您的订单 %(number)s 已发货，请留意收货。") % values,
        )
    return (
        _("订单 %(number)s 已退款") % values,
        _("您的订单 %(number)s 已退款 ¥%(amount)s，款项将原路退回。") % values,
    )


def _yuan(order: Order, kind: str) -> Decimal:
    if kind == "paid":
        amount = order.total_charged_amount
    elif kind == "refunded":
        amount = order.total_refunded_amount
    else:
        amount = order.total_gross_amount
    return quantize_fen(amount)


def send_notification(order: Order, kind: str) -> list[str]:
    """Send the notification now and record it on the order; returns the channels used."""
    sent: list[str] = []
    # The whole sending runs in the shopper's language: a provider's templates may use it too.
    with translation.override(order.language_code or "zh-hans"):
        subject, body = _texts(order, kind)
        # Signed with the brand's name, as its SMS gateway and mail readers expect.
        subject, body = signed(subject), signed(body)
        if order.user_phone:
            send_sms(phone=order.user_phone, message=body)
            sent.append("sms")
        if order.user_email:
            send_mail(subject, body, None, [order.user_email])
            sent.append("email")
    if sent:
        add_event(order, OrderEvents.NOTIFICATION_SENT, kind=kind, channels=sent)
    return sent
