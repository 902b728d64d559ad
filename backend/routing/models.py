"""Parcels of an order moving through the station network (issue #4).

A paid order becomes one or more shipments (parcels), each from one source warehouse to one
destination station (or to the courier, for express), along planned legs between stations.
Every scan by a station operator is a tracking event. The planner that decides all this is
`backend/routing/planner.py`; the services that write it are `backend/routing/services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("待发出")
    IN_TRANSIT = "in_transit", _("运输中")
    AT_STATION = "at_station", _("已到站")
    READY_FOR_PICKUP = "ready_for_pickup", _("待自提")
    OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
    DELIVERED = "delivered", _("已送达")
    PICKED_UP = "picked_up", _("已取件")
    RETURNED = "returned", _("已退回")
    HELD = "held", _("暂缓发货")
    CANCELLED = "cancelled", _("已取消")


# Parcels that have not left their last station yet: rerouting may still change where they go.
PENDING_STATUSES = (
    ShipmentStatus.PLANNED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.AT_STATION,
    ShipmentStatus.READY_FOR_PICKUP,
)


class DeliveryKind(models.TextChoices):
    PICKUP = "pickup", _("网订店取")
    HOME_DELIVERY = "home_delivery", _("网订到家")
    EXPRESS = "express", _("县外快递")


class LegKind(models.TextChoices):
    TO_COUNTY = "to_county", _("镇中转站→县分拨中心")
    TO_TOWN = "to_town", _("县分拨中心→镇中转站")
    TO_VILLAGE = "to_village", _("镇中转站→村站点")
    TO_SHOPPER = "to_shopper", _("送货上门")
    TO_COURIER = "to_courier", _("交快递")


class LegStatus(models.TextChoices):
    PENDING = "pending", _("待出发")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class TrackingAction(models.TextChoices):
    PLANNED = "planned", _("已规划路线")
    # The vendor's side of the first hand-over (issue #6); custody passes on the station's scan.
    HANDED_TO_STATION = "handed_to_station", _("商家已交站点")
    HELD = "held", _("暂缓发货")
    REROUTED = "rerouted", _("改派站点")
    RECEIVED = "received", _("站点已签收")
    DISPATCHED = "dispatched", _("已发往下一站")
    READY_FOR_PICKUP = "ready_for_pickup", _("到站待取")
    OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
    DELIVERED = "delivered", _("已送达")
    PICKED_UP = "picked_up", _("已取件")
    PICKUP_CODE_REJECTED = "pickup_code_rejected", _("取件码错误")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已取消")


class Shipment(models.Model):
    order = models.ForeignKey(
        "order.Order", verbose_name=_("订单"), related_name="shipments", on_delete=models.CASCADE
    )
    # The parcel's number within its order (1, 2, …): planning twice cannot add parcels.
    sequence = models.PositiveIntegerField(_("包裹序号"))
    # Printed on the parcel label and scanned at stations: "P" and 10 random digits.
    code = models.CharField(_("包裹码"), max_length=16, unique=True)
    status = models.CharField(
        _("状态"),
        max_length=24,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.PLANNED,
        db_index=True,
    )
    delivery_kind = models.CharField(_("配送方式"), max_length=16, choices=DeliveryKind.choices)
    source_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("发货仓库"),
        null=True,
        blank=True,
        related_name="shipments",
        on_delete=models.PROTECT,
    )
    destination_station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("目的站点"),
        null=True,
        blank=True,
        related_name="inbound_shipments",
        on_delete=models.PROTECT,
    )
    plan = models.JSONField(_("路由计划"), default=dict, blank=True)
    reason = models.TextField(_("路由说明"), blank=True)
    promised_date = models.DateField(_("承诺到达日期"), null=True, blank=True)
    # The 6-digit pickup code is derived from this random salt with the server's key (see
    # backend/routing/pickup_codes.py): the database alone never reveals a code.
    pickup_code_salt = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("包裹")
        verbose_name_plural = _("包裹")
        ordering = ["order_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="shipment_order_sequence"),
            models.CheckConstraint(
                condition=Q(status__in=ShipmentStatus.values), name="shipment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["destination_station", "status"], name="shipment_station_status")
        ]

    def __str__(self) -> str:
        return self.code


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey(
        "order.OrderLine", related_name="shipment_lines", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField(_("数量"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


class ShipmentLeg(models.Model):
    shipment = models.ForeignKey(Shipment, related_name="legs", on_delete=models.CASCADE)
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("类型"), max_length=16, choices=LegKind.choices)
    from_station = models.ForeignKey(
        "stations.Station", related_name="outbound_legs", on_delete=models.PROTECT
    )
    # None: the last mile to the shopper, or the hand-over to the express courier.
    to_station = models.ForeignKey(
        "stations.Station",
        null=True,
        blank=True,
        related_name="inbound_legs",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=LegStatus.choices, default=LegStatus.PENDING
    )
    planned_at = models.DateTimeField(_("计划出发时间"))
    planned_arrival_at = models.DateTimeField(_("计划到达时间"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["shipment_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "sequence"], name="shipment_leg_sequence")
        ]
        indexes = [models.Index(fields=["from_station", "status", "planned_at"], name="leg_due")]

    def __str__(self) -> str:
        return f"{self.shipment_id}#{self.sequence} {self.kind}"


class TrackingEvent(models.Model):
    """One thing that happened to a parcel: planned, a scan at a station, a reroute."""

    shipment = models.ForeignKey(Shipment, related_name="events", on_delete=models.CASCADE)
    station = models.ForeignKey(
        "stations.Station",
        null=True,
        blank=True,
        related_name="tracking_events",
        on_delete=models.PROTECT,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    action = models.CharField(_("动作"), max_length=24, choices=TrackingAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.action}@{self.at:%Y-%m-%d %H:%M}"
