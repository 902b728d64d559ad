"""What brand managers put in front of shoppers: home-page sections, campaigns (年货节,
丰收节) and livestream sale events (直播带货).

Every window (starts_at/ends_at) is stored in UTC and registered as a schedule boundary
(backend/merchandising/schedule.py), so the cached home page changes at the exact instant a
section, campaign or livestream starts or ends.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.catalog.models import Collection, CollectionKind
from backend.discount.models import DiscountFunding


class HomeSectionKind(models.TextChoices):
    BANNER = "banner", _("横幅")
    COLLECTION = "collection", _("专题")
    PRODUCT_CAROUSEL = "product_carousel", _("商品轮播")


class LivestreamPlatform(models.TextChoices):
    DOUYIN = "douyin", _("抖音")
    KUAISHOU = "kuaishou", _("快手")
    WECHAT_CHANNELS = "wechat_channels", _("视频号")
    TAOBAO_LIVE = "taobao_live", _("淘宝直播")
    OTHER = "other", _("其他")


class ScheduleStatus(models.TextChoices):
    """Where a window stands at an instant (campaigns and livestreams)."""

    SCHEDULED = "scheduled", _("预告")
    RUNNING = "running", _("进行中")
    ENDED = "ended", _("已结束")


def window_status(starts_at: datetime | None, ends_at: datetime | None, at: datetime) -> str:
    """A window is open from `starts_at` (inclusive) to `ends_at` (exclusive)."""
    if starts_at is not None and at < starts_at:
        return ScheduleStatus.SCHEDULED.value
    if ends_at is not None and at >= ends_at:
        return ScheduleStatus.ENDED.value
    return ScheduleStatus.RUNNING.value


class HomeSection(models.Model):
    channel = models.ForeignKey(
        "channel.Channel",
        verbose_name=_("销售渠道"),
        related_name="home_sections",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("类型"), max_length=32, choices=HomeSectionKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    image = models.ImageField(_("图片"), upload_to="merchandising/sections/", blank=True)
    # An internal path ("/collections/…") or an https:// address; checked by the services.
    link_url = models.CharField(_("链接"), max_length=500, blank=True)
    collection = models.ForeignKey(
        "catalog.Collection",
        verbose_name=_("商品专题"),
        null=True,
        blank=True,
        related_name="home_sections",
        on_delete=models.CASCADE,
    )
    products = models.ManyToManyField(
        "catalog.Product",
        through="HomeSectionProduct",
        related_name="home_sections",
        blank=True,
        verbose_name=_("商品"),
    )
    sort_order = models.IntegerField(_("排序"), default=0)
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("首页版块")
        verbose_name_plural = _("首页版块")
        ordering = ["sort_order", "pk"]
        permissions = [("manage_merchandising", _("管理首页版块、活动与直播"))]
        indexes = [models.Index(fields=["channel", "sort_order"], name="home_section_order")]

    def __str__(self) -> str:
        return self.title

    def is_active(self, at: datetime) -> bool:
        return window_status(self.starts_at, self.ends_at, at) == ScheduleStatus.RUNNING


class HomeSectionProduct(models.Model):
    section = models.ForeignKey(
        HomeSection, related_name="section_products", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        "catalog.Product", related_name="home_section_products", on_delete=models.CASCADE
    )
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("版块商品")
        verbose_name_plural = _("版块商品")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "product"], name="home_section_product")
        ]

    def __str__(self) -> str:
        return f"{self.section_id}:{self.product_id}"


class Campaign(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("标识"), max_length=100, unique=True, allow_unicode=True)
    headline = models.CharField(_("标语"), max_length=200, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    banner_image = models.ImageField(
        _("横幅图片"), upload_to="merchandising/campaigns/", blank=True
    )
    channel = models.ForeignKey(
        "channel.Channel",
        verbose_name=_("销售渠道"),
        related_name="campaigns",
        on_delete=models.CASCADE,
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    collection = models.ForeignKey(
        "catalog.Collection",
        verbose_name=_("活动商品专题"),
        null=True,
        blank=True,
        related_name="campaigns",
        on_delete=models.SET_NULL,
    )
    promotions = models.ManyToManyField(
        "discount.Promotion", related_name="campaigns", blank=True, verbose_name=_("促销")
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("营销活动")
        verbose_name_plural = _("营销活动")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def status(self, at: datetime) -> str:
        return window_status(self.starts_at, self.ends_at, at)


class LivestreamEvent(models.Model):
    title = models.CharField(_("标题"), max_length=100)
    host_name = models.CharField(_("主播"), max_length=50)
    host_avatar = models.ImageField(_("主播头像"), upload_to="merchandising/hosts/", blank=True)
    stream_url = models.URLField(_("直播间链接"), max_length=500)
    platform = models.CharField(
        _("平台"),
        max_length=32,
        choices=LivestreamPlatform.choices,
        default=LivestreamPlatform.DOUYIN,
    )
    channel = models.ForeignKey(
        "channel.Channel",
        verbose_name=_("销售渠道"),
        related_name="livestream_events",
        on_delete=models.CASCADE,
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    products = models.ManyToManyField(
        "catalog.Product",
        through="LivestreamProduct",
        related_name="livestream_events",
        blank=True,
        verbose_name=_("带货商品"),
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    # Who pays for the live prices' discount (recorded on the order lines by the pricing).
    funded_by = models.CharField(
        _("出资方"), max_length=16, choices=DiscountFunding.choices, default=DiscountFunding.VENDOR
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("直播带货")
        verbose_name_plural = _("直播带货")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def status(self, at: datetime) -> str:
        return window_status(self.starts_at, self.ends_at, at)

    @property
    def source_key(self) -> str:
        """How the event's live prices are found among the special prices."""
        return f"livestream:{self.pk}"


class LivestreamProduct(models.Model):
    event = models.ForeignKey(
        LivestreamEvent, related_name="event_products", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        "catalog.Product", related_name="livestream_products", on_delete=models.CASCADE
    )
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("直播商品")
        verbose_name_plural = _("直播商品")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "product"], name="livestream_product")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.product_id}"


class LivestreamPrice(models.Model):
    """A live-only price (直播专享价) of one variant. The pricing engine reads the special
    price the services make from it (kind LIVESTREAM, source_key "livestream:<pk>"), so the
    price applies only inside the event's window."""

    event = models.ForeignKey(LivestreamEvent, related_name="prices", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        verbose_name=_("商品规格"),
        related_name="livestream_prices",
        on_delete=models.CASCADE,
    )
    price_amount = models.DecimalField(
        _("直播价（含税）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(max_length=3, default="CNY")

    class Meta:
        verbose_name = _("直播专享价")
        verbose_name_plural = _("直播专享价")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "variant"], name="livestream_price_variant"),
            models.CheckConstraint(
                condition=models.Q(price_amount__gt=0), name="livestream_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.variant_id} {self.price_amount}"


class RuleCollectionManager(models.Manager["RuleCollection"]):
    def get_queryset(self):
        return super().get_queryset().filter(kind=CollectionKind.RULE)


class RuleCollection(Collection):
    """The rule-based collections, as the dashboard's merchandising section lists them (the
    catalog's own collection pages keep managing manual collections)."""

    objects: ClassVar[RuleCollectionManager] = RuleCollectionManager()  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("规则专题")
        verbose_name_plural = _("规则专题")
