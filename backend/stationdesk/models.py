"""What the station desk keeps beside the routing app's parcels.

* `FirstMileParcel` (农产品进城, county plan 四(二)4): produce a village station collects from
  a local producer and sends up to the county distribution centre. It belongs to no order, and
  `routing.Shipment.order` is required, so it is a parcel of its own kind: it climbs the
  station tree (village → town → county centre), one hop per scan, with its own events.
* `PickupReminder`: the 48-hour reminder to collect a parcel is sent once; the row is the proof.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FirstMileStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记待发")
    IN_TRANSIT = "in_transit", _("运输中")
    AT_STATION = "at_station", _("已到中转站")
    ARRIVED = "arrived", _("已到县分拨中心")


class FirstMileAction(models.TextChoices):
    REGISTERED = "registered", _("站点收货登记")
    DISPATCHED = "dispatched", _("已发往下一站")
    RECEIVED = "received", _("站点已签收")


class FirstMileParcel(models.Model):
    # Printed on the label and scanned like an order's parcel: "F" and ten random digits.
    code = models.CharField(_("包裹码"), max_length=16, unique=True)
    origin_station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("收货站点"),
        related_name="first_mile_registered",
        on_delete=models.PROTECT,
    )
    # Where the parcel is now (or last left from, while in transit).
    current_station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("当前站点"),
        related_name="first_mile_current",
        on_delete=models.PROTECT,
    )
    # Where it goes next; None once it has reached the county centre.
    next_station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("下一站"),
        null=True,
        blank=True,
        related_name="first_mile_inbound",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=FirstMileStatus.choices,
        default=FirstMileStatus.REGISTERED,
        db_index=True,
    )
    producer_name = models.CharField(_("农户/生产者"), max_length=64)
    producer_phone = models.CharField(_("联系电话"), max_length=20)
    description = models.CharField(_("货品说明"), max_length=256)
    weight_grams = models.PositiveIntegerField(_("重量（克）"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("农产品进城包裹")
        verbose_name_plural = _("农产品进城包裹")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FirstMileStatus.values), name="first_mile_status_valid"
            ),
            models.CheckConstraint(condition=Q(weight_grams__gt=0), name="first_mile_weight"),
        ]

    def __str__(self) -> str:
        return self.code


class FirstMileEvent(models.Model):
    parcel = models.ForeignKey(FirstMileParcel, related_name="events", on_delete=models.CASCADE)
    station = models.ForeignKey(
        "stations.Station", related_name="first_mile_events", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    action = models.CharField(_("动作"), max_length=16, choices=FirstMileAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.action}"


class PickupReminder(models.Model):
    shipment = models.OneToOneField(
        "routing.Shipment", related_name="pickup_reminder", on_delete=models.CASCADE
    )
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.shipment_id} @ {self.sent_at:%Y-%m-%d %H:%M}"
