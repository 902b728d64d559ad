"""Background work of the routing app."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backend.account.sms import send_sms
from backend.brand.signature import signed
from backend.order.events import add_event
from backend.order.models import Order, OrderEvents


@shared_task
def plan_order_task(order_id: str) -> int:
    """Plan a paid (or pay-at-station) order's parcels; returns how many it has."""
    from backend.routing.services import plan_order

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return 0
    return len(plan_order(order=order).shipments)


@shared_task
def notify_rerouted_task(order_id: str) -> list[str]:
    """Tell the shopper their parcel goes to another station (text message and e-mail, in the
    order's language), and record it on the order."""
    with transaction.atomic():
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            return []
        sent: list[str] = []
        with translation.override(order.language_code or "zh-hans"):
            values = {"number": order.number}
            subject = _("订单 %(number)s 的配送站点有变") % values
            body = (
                _(
                    "您的订单 %(number)s 原定的站点暂停服务，包裹已改送其他站点，"
                    "请在订单详情中查看。"
                )
                % values
            )
            subject, body = signed(subject), signed(body)
            if order.user_phone:
                send_sms(phone=order.user_phone, message=body)
                sent.append("sms")
            if order.user_email:
                send_mail(subject, body, None, [order.user_email])
                sent.append("email")
        if sent:
            add_event(order, OrderEvents.NOTIFICATION_SENT, kind="rerouted", channels=sent)
        return sent
