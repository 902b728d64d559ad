"""Background work of the station desk: text messages to shoppers about their parcel, and the
beat jobs that remind shoppers of uncollected parcels and return them after too long."""

from __future__ import annotations

import datetime as dt
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.account.sms import send_sms
from backend.order.events import add_event
from backend.order.models import OrderEvents
from backend.routing import pickup_codes
from backend.routing.models import Shipment, ShipmentStatus, TrackingAction
from backend.stationdesk.models import PickupReminder

KINDS = ("ready", "reminder", "returned")


def _message(shipment: Shipment, kind: str) -> str:
    station = shipment.destination_station
    values = {
        "number": shipment.order.number,
        "parcel": shipment.code,
        "station": station.name if station else "",
        "address": station.address if station else "",
        "days": settings.PICKUP_RETURN_AFTER_DAYS,
    }
    if kind in ("ready", "reminder"):
        values["code"] = pickup_codes.code_for(shipment.pickup_code_salt)
    if kind == "ready":
        return (
            _(
                "您的订单 %(number)s 的包裹 %(parcel)s 已到 %(station)s（%(address)s），"
                "取件码 %(code)s，请在 %(days)s 天内凭取件码或二维码取件。"
            )
            % values
        )
    if kind == "reminder":
        return (
            _(
                "温馨提醒：您的包裹 %(parcel)s 仍在 %(station)s 等您领取，取件码 %(code)s。"
                "超过 %(days)s 天未取将退回。"
            )
            % values
        )
    return _("您的包裹 %(parcel)s（订单 %(number)s）逾期未取，已退回发货方，请联系客服。") % values


@shared_task
def notify_shopper_task(shipment_id: int, kind: str) -> bool:
    """Text the shopper about their parcel, in the order's language; record it on the order."""
    if kind not in KINDS:
        raise ValueError(f"Unknown parcel notification: {kind}")
    shipment = (
        Shipment.objects.select_related("order", "destination_station")
        .filter(pk=shipment_id)
        .first()
    )
    if shipment is None or not shipment.order.user_phone:
        return False
    with translation.override(shipment.order.language_code or "zh-hans"):
        send_sms(phone=shipment.order.user_phone, message=_message(shipment, kind))
    add_event(
        shipment.order,
        OrderEvents.NOTIFICATION_SENT,
        kind=f"parcel_{kind}",
        channels=["sms"],
        parcel=shipment.code,
    )
    return True


def _waiting_since(cutoff: dt.datetime):
    """Parcels ready for pickup since before `cutoff` (when they became ready: their
    READY_FOR_PICKUP tracking event)."""
    return (
        Shipment.objects.filter(status=ShipmentStatus.READY_FOR_PICKUP)
        .annotate(
            ready_at=Max("events__at", filter=Q(events__action=TrackingAction.READY_FOR_PICKUP))
        )
        .filter(ready_at__lte=cutoff)
        .order_by("pk")
    )


@shared_task
def remind_uncollected_parcels() -> int:
    """Once per parcel, PARCEL_REMINDER_HOURS (48 h) after it became ready for pickup."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.PARCEL_REMINDER_HOURS)
    sent = 0
    for shipment in _waiting_since(cutoff).filter(pickup_reminder__isnull=True):
        try:
            with transaction.atomic():
                # The unique row is the "once": a second beat running at the same time fails
                # here and sends nothing.
                PickupReminder.objects.create(shipment=shipment)
                transaction.on_commit(partial(notify_shopper_task.delay, shipment.pk, "reminder"))
        except IntegrityError:
            continue
        sent += 1
    return sent


@shared_task
def return_uncollected_parcels() -> int:
    """Parcels not collected within PICKUP_RETURN_AFTER_DAYS go back to the sender."""
    from backend.stationdesk.services import return_to_sender

    days = settings.PICKUP_RETURN_AFTER_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    reason = _("超过 %(days)s 天未取件") % {"days": days}
    return sum(
        1
        for shipment in _waiting_since(cutoff)
        if return_to_sender(shipment=shipment, reason=reason)
    )
