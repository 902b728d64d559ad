"""The county's three-tier station network (county plan 四(一)3 and 四(二)4).

A county distribution centre (县级物流配送分拨中心) at the top, a transfer station in every
town (镇级物流中转服务站) below it, and village e-commerce service stations (村级电商服务站点)
below their town's station. Routing sends parcels along `parent`; checkout offers stations
for pickup and lets the station serving the shopper's village do the last mile.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.stations import opening_hours


class StationLevel(models.TextChoices):
    COUNTY = "county", _("县级物流配送分拨中心")
    TOWN = "town", _("镇级物流中转服务站")
    VILLAGE = "village", _("村级电商服务站点")


class StationCapability(models.TextChoices):
    PICKUP = "pickup", _("网订店取")
    HOME_DELIVERY = "home_delivery", _("网订到家")
    PARCEL_SEND_RECEIVE = "parcel_send_receive", _("快递代收发")
    COLD_CHAIN = "cold_chain", _("冷链")
    CASH_COLLECTION = "cash_collection", _("到站付款")
    AGENT_PURCHASE = "agent_purchase", _("代购")


class StationStatus(models.TextChoices):
    ACTIVE = "active", _("运营中")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已关闭")


class StationOperatorRole(models.TextChoices):
    OPERATOR = "operator", _("站点操作员")
    MANAGER = "manager", _("站长")


class Station(models.Model):
    code = models.CharField(_("站点编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    level = models.CharField(_("层级"), max_length=16, choices=StationLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级站点"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    town = models.ForeignKey(
        "divisions.Town",
        verbose_name=_("乡镇/街道"),
        null=True,
        blank=True,
        related_name="stations",
        on_delete=models.PROTECT,
    )
    village = models.ForeignKey(
        "divisions.Village",
        verbose_name=_("村/社区"),
        null=True,
        blank=True,
        related_name="stations",
        on_delete=models.PROTECT,
    )
    address = models.CharField(_("地址"), max_length=256, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    opening_hours = models.JSONField(
        _("营业时间"),
        default=dict,
        blank=True,
        validators=[opening_hours.validate_schedule],
        help_text=_('按星期填写时间段（北京时间），如 {"mon": [["08:00", "18:00"]]}。'),
    )
    capabilities = ArrayField(
        models.CharField(max_length=32, choices=StationCapability.choices),
        verbose_name=_("服务能力"),
        default=list,
        blank=True,
    )
    daily_parcel_capacity = models.PositiveIntegerField(_("日处理包裹能力"), default=0)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=StationStatus.choices,
        default=StationStatus.ACTIVE,
        db_index=True,
    )
    status_reason = models.CharField(_("状态说明"), max_length=256, blank=True)
    served_villages = models.ManyToManyField(
        "divisions.Village",
        verbose_name=_("服务的村"),
        related_name="serving_stations",
        blank=True,
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作员"),
        through="StationOperator",
        related_name="stations",
        blank=True,
    )
    warehouse = models.OneToOneField(
        "inventory.Warehouse",
        verbose_name=_("仓库"),
        null=True,
        blank=True,
        related_name="station",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Not a column: the distance in km from a point, annotated by selectors.with_distance on
    # stations listed nearest first (and set by whoever lists stations near an address).
    distance_km: float | None

    class Meta:
        verbose_name = _("站点")
        verbose_name_plural = _("站点")
        ordering = ["code"]
        permissions = [("manage_stations", _("管理站点网络"))]
        constraints = [
            # The county centre is the root: no parent, no town, no village.
            models.CheckConstraint(
                condition=~Q(level="county")
                | (Q(parent__isnull=True) & Q(town__isnull=True) & Q(village__isnull=True)),
                name="station_county_is_root",
            ),
            models.CheckConstraint(
                condition=~Q(level="town") | (Q(town__isnull=False) & Q(village__isnull=True)),
                name="station_town_has_town",
            ),
            models.CheckConstraint(
                condition=~Q(level="village") | (Q(town__isnull=False) & Q(village__isnull=False)),
                name="station_village_has_village",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="station_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StationStatus.values), name="station_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=StationLevel.values), name="station_level_valid"
            ),
        ]
        indexes = [models.Index(fields=["level", "status"], name="station_level_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == StationStatus.ACTIVE

    def has_capability(self, capability: str) -> bool:
        return capability in self.capabilities

    def is_open_at(self, moment: dt.datetime) -> bool:
        return opening_hours.is_open_at(self.opening_hours or {}, moment)

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        return opening_hours.next_opening(self.opening_hours or {}, moment)


class StationOperator(models.Model):
    """A user who works at a station; operators see and handle only their station's parcels."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), related_name="memberships", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        related_name="station_memberships",
        on_delete=models.CASCADE,
    )
    role = models.CharField(
        _("角色"),
        max_length=16,
        choices=StationOperatorRole.choices,
        default=StationOperatorRole.OPERATOR,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("站点操作员")
        verbose_name_plural = _("站点操作员")
        ordering = ["station", "user"]
        constraints = [
            models.UniqueConstraint(fields=["station", "user"], name="station_operator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.user}"
