"""Venues, their dated inventory, the tourism vouchers issued on payment and their redemptions.

A tourism product (catalog `Product` of the 文旅票券 kind) belongs to one venue and carries its
booking rules here (`TourismProduct`); its variants are the ticket types (`TicketType`: adult,
child, senior, family, a five-visit pass). Named apart from Saleor's `Voucher` (a discount code,
backend.discount): these are `TourismVoucher`s, one per unit bought.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VenueKind(models.TextChoices):
    SCENIC_AREA = "scenic_area", _("景区")
    FARM_STAY = "farm_stay", _("农家民宿")
    RESTAURANT = "restaurant", _("农家餐饮")
    EXPERIENCE = "experience", _("体验项目")


class Venue(models.Model):
    vendor = models.ForeignKey(
        "vendors.Vendor", related_name="venues", on_delete=models.PROTECT, null=True, blank=True
    )
    name = models.CharField(_("名称"), max_length=200)
    slug = models.SlugField(_("标识"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=VenueKind.choices)
    # 国家 A 级旅游景区 grade (GB/T 17775), e.g. "AAAA"; empty for farms and restaurants.
    grade = models.CharField(_("等级"), max_length=8, blank=True)
    description = models.TextField(_("简介"), blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    town = models.CharField(_("所在乡镇"), max_length=100, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # Settlement: who receives the venue's takings and the platform's commission on them.
    settlement_account_name = models.CharField(_("结算账户名"), max_length=250, blank=True)
    settlement_account_masked = models.CharField(_("结算账号（脱敏）"), max_length=40, blank=True)
    settlement_account_encrypted = models.TextField(_("结算账号（加密）"), blank=True)
    commission_rate = models.DecimalField(
        _("平台佣金比例"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    is_active = models.BooleanField(_("营业中"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="VenueStaff", related_name="venues", blank=True
    )

    class Meta:
        verbose_name = _("文旅场所")
        verbose_name_plural = _("文旅场所")
        ordering = ["name", "pk"]
        permissions = [("manage_tourism", _("管理文旅场所与票券"))]

    def __str__(self) -> str:
        return self.name


class VenueStaff(models.Model):
    """A user redeeming vouchers at a venue (检票员). A user may work at several venues."""

    venue = models.ForeignKey(Venue, related_name="staff_memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="venue_memberships", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("场所员工")
        verbose_name_plural = _("场所员工")
        constraints = [models.UniqueConstraint(fields=["venue", "user"], name="venue_staff_unique")]

    def __str__(self) -> str:
        return f"{self.venue} · {self.user}"


class BookingMode(models.TextChoices):
    DATED = "dated", _("指定日期")
    OPEN_DATED = "open_dated", _("有效期内任选一日")


class ExpiryPolicy(models.TextChoices):
    # Unused and past its window: the voucher lapses and the money stays with the venue.
    LAPSE = "lapse", _("过期作废")
    # Unused and past its window: refunded in full automatically (过期自动退).
    REFUND = "refund", _("过期自动退款")


class TourismProduct(models.Model):
    """The booking rules of a tourism product."""

    product = models.OneToOneField(
        "catalog.Product", related_name="tourism", on_delete=models.CASCADE
    )
    venue = models.ForeignKey(Venue, related_name="products", on_delete=models.PROTECT)
    booking_mode = models.CharField(
        _("预订方式"), max_length=16, choices=BookingMode.choices, default=BookingMode.DATED
    )
    # Time slots of a day, e.g. ["09:00-12:00", "13:00-17:00"]; empty: the whole day.
    slots = models.JSONField(_("时段"), default=list, blank=True)
    # Tickets for today are sold until this local time (Asia/Shanghai); empty: until closing.
    same_day_cutoff = models.TimeField(_("当日票截止时间"), null=True, blank=True)
    booking_window_days = models.PositiveIntegerField(_("可提前预订天数"), default=60)
    default_capacity = models.PositiveIntegerField(_("每日（时段）默认容量"), default=0)
    min_per_order = models.PositiveIntegerField(_("每单最少"), default=1)
    max_per_order = models.PositiveIntegerField(_("每单最多"), default=10)
    # Open-dated vouchers are valid this many days from purchase.
    validity_days = models.PositiveIntegerField(_("有效天数"), default=90)
    requires_visitor_names = models.BooleanField(_("需填写游客姓名"), default=False)
    # Refund rules: free until `free_cancel_hours` before the visit, then the fee; none after use.
    free_cancel_hours = models.PositiveIntegerField(_("免费退订（提前小时）"), default=24)
    cancel_fee_rate = models.DecimalField(
        _("退订手续费比例"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1000"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    expiry_policy = models.CharField(
        _("过期处理"), max_length=16, choices=ExpiryPolicy.choices, default=ExpiryPolicy.LAPSE
    )

    class Meta:
        verbose_name = _("文旅商品规则")
        verbose_name_plural = _("文旅商品规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_per_order__gte=1) & Q(max_per_order__gte=F("min_per_order")),
                name="tourism_product_order_limits",
            )
        ]

    def __str__(self) -> str:
        return str(self.product)

    @property
    def is_dated(self) -> bool:
        return self.booking_mode == BookingMode.DATED


class TicketKind(models.TextChoices):
    ADULT = "adult", _("成人票")
    CHILD = "child", _("儿童票")
    SENIOR = "senior", _("老人票")
    FAMILY = "family", _("家庭票")
    PASS = "pass", _("多次卡")
    MEAL = "meal", _("餐券")
    STAY = "stay", _("住宿券")


class TicketType(models.Model):
    """A variant of a tourism product as a ticket: its kind, the uses one voucher allows (a
    five-visit pass: 5) and the people it admits (the capacity it takes per use)."""

    variant = models.OneToOneField(
        "catalog.ProductVariant", related_name="ticket_type", on_delete=models.CASCADE
    )
    kind = models.CharField(_("票种"), max_length=16, choices=TicketKind.choices)
    uses = models.PositiveSmallIntegerField(_("可用次数"), default=1)
    people = models.PositiveSmallIntegerField(_("占用名额"), default=1)

    class Meta:
        verbose_name = _("票种")
        verbose_name_plural = _("票种")
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__gte=1) & Q(people__gte=1), name="ticket_type_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant} ({self.get_kind_display()})"


class Capacity(models.Model):
    """Places of one date (and slot) of a dated product; `sold` changes only under a row lock
    (backend.tourism.booking) so it never passes `capacity`."""

    tourism_product = models.ForeignKey(
        TourismProduct, related_name="capacities", on_delete=models.CASCADE
    )
    date = models.DateField(_("日期"))
    slot = models.CharField(_("时段"), max_length=32, blank=True)
    capacity = models.PositiveIntegerField(_("容量"))
    sold = models.PositiveIntegerField(_("已售"), default=0)

    class Meta:
        verbose_name = _("每日容量")
        verbose_name_plural = _("每日容量")
        ordering = ["date", "slot", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tourism_product", "date", "slot"], name="tourism_capacity_unique"
            ),
            models.CheckConstraint(
                condition=Q(sold__lte=F("capacity")), name="tourism_capacity_not_oversold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tourism_product} {self.date} {self.slot} {self.sold}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.sold, 0)


class BlackoutDate(models.Model):
    tourism_product = models.ForeignKey(
        TourismProduct, related_name="blackout_dates", on_delete=models.CASCADE
    )
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("不可预订日期")
        verbose_name_plural = _("不可预订日期")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["tourism_product", "date"], name="blackout_unique")
        ]

    def __str__(self) -> str:
        return f"{self.tourism_product} {self.date}"


class TourismVoucherStatus(models.TextChoices):
    VALID = "valid", _("待使用")
    REDEEMED = "redeemed", _("已使用")
    EXPIRED = "expired", _("已过期")
    REFUNDED = "refunded", _("已退款")


class TourismVoucher(models.Model):
    """One unit bought of a tourism product: the code the shopper shows at the gate."""

    code = models.CharField(_("券码"), max_length=16, unique=True)
    order = models.ForeignKey(
        "order.Order", related_name="tourism_vouchers", on_delete=models.PROTECT
    )
    order_line = models.ForeignKey(
        "order.OrderLine", related_name="tourism_vouchers", on_delete=models.PROTECT
    )
    # The unit's number within its line (1…quantity): issuing twice makes nothing new.
    unit = models.PositiveIntegerField()
    venue = models.ForeignKey(Venue, related_name="vouchers", on_delete=models.PROTECT)
    tourism_product = models.ForeignKey(
        TourismProduct, related_name="vouchers", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="tourism_vouchers",
        on_delete=models.SET_NULL,
    )
    product_name = models.CharField(_("商品名称"), max_length=386)
    ticket_name = models.CharField(_("票种"), max_length=255, blank=True)
    visit_date = models.DateField(_("游览日期"), null=True, blank=True)
    slot = models.CharField(_("时段"), max_length=32, blank=True)
    visitor_name = models.CharField(_("游客姓名"), max_length=100, blank=True)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    uses_allowed = models.PositiveSmallIntegerField(_("可用次数"), default=1)
    uses_count = models.PositiveSmallIntegerField(_("已用次数"), default=0)
    people = models.PositiveSmallIntegerField(_("占用名额"), default=1)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=TourismVoucherStatus.choices,
        default=TourismVoucherStatus.VALID,
    )
    currency = models.CharField(max_length=3, default="CNY")
    price_amount = models.DecimalField(_("单价"), max_digits=12, decimal_places=2)
    refunded_amount = models.DecimalField(
        _("已退金额"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    issued_at = models.DateTimeField(_("出票时间"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)

    class Meta:
        verbose_name = _("文旅票券")
        verbose_name_plural = _("文旅票券")
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "unit"], name="tourism_voucher_unit"),
            models.CheckConstraint(
                condition=Q(uses_count__lte=F("uses_allowed")),
                name="tourism_voucher_uses_within_allowed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="tourism_voucher_expiry"),
            models.Index(fields=["venue", "issued_at"], name="tourism_voucher_venue_day"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def uses_left(self) -> int:
        return max(self.uses_allowed - self.uses_count, 0)


class TourismRedemption(models.Model):
    """One use of a voucher at the gate (核销), undone within a short window if by mistake."""

    voucher = models.ForeignKey(
        TourismVoucher, related_name="redemptions", on_delete=models.CASCADE
    )
    venue = models.ForeignKey(Venue, related_name="redemptions", on_delete=models.PROTECT)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    redeemed_at = models.DateTimeField(_("核销时间"), default=timezone.now, db_index=True)
    # The client's key: a retried request with the same key returns this redemption.
    idempotency_key = models.CharField(max_length=64, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    undo_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("核销记录")
        verbose_name_plural = _("核销记录")
        ordering = ["-redeemed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="tourism_redemption_idempotent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id}@{self.redeemed_at:%Y-%m-%d %H:%M}"


class RedemptionAttempt(models.Model):
    """Every redemption attempt, successful or not: who, where, which code, the outcome."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, on_delete=models.SET_NULL
    )
    venue = models.ForeignKey(
        Venue, related_name="attempts", null=True, blank=True, on_delete=models.SET_NULL
    )
    code = models.CharField(max_length=64, blank=True)
    voucher = models.ForeignKey(
        TourismVoucher, related_name="+", null=True, blank=True, on_delete=models.SET_NULL
    )
    outcome = models.CharField(max_length=32)  # "redeemed", "undone" or a TourismErrorCode
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("核销尝试")
        verbose_name_plural = _("核销尝试")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="tourism_attempt_user_at")]

    def __str__(self) -> str:
        return f"{self.code} {self.outcome}"


class VenueLedgerKind(models.TextChoices):
    SALE = "sale", _("售出")
    REFUND = "refund", _("退款冲回")


class VenueLedgerEntry(models.Model):
    """What the venue is owed for its vouchers: a sale on payment, reversed on refund."""

    venue = models.ForeignKey(Venue, related_name="ledger", on_delete=models.PROTECT)
    voucher = models.ForeignKey(TourismVoucher, related_name="ledger", on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=16, choices=VenueLedgerKind.choices)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    commission = models.DecimalField(_("佣金"), max_digits=12, decimal_places=2)
    net = models.DecimalField(_("应结金额"), max_digits=12, decimal_places=2)
    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now)

    class Meta:
        verbose_name = _("场所结算明细")
        verbose_name_plural = _("场所结算明细")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "kind"], name="venue_ledger_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.net}"
