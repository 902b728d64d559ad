"""Promotions, vouchers and special prices (Saleor 3: Promotion, PromotionRule, Voucher).

Every discount records who funds it (platform subsidy, the county brand programme or the vendor),
because the vendor settlement only deducts what the vendor itself gives away. The stacking rule
that combines these rows into a shopper's price lives in backend/discount/pricing.py and is
described in docs/architecture.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DiscountFunding(models.TextChoices):
    PLATFORM = "platform", _("平台补贴")
    BRAND = "brand", _("品牌专项资金")
    VENDOR = "vendor", _("商家让利")


class PromotionType(models.TextChoices):
    CATALOGUE = "catalogue", _("商品促销")
    ORDER = "order", _("订单满减")


class RewardValueType(models.TextChoices):
    PERCENTAGE = "percentage", _("百分比")
    FIXED = "fixed", _("固定金额")


class RewardType(models.TextChoices):
    SUBTOTAL_DISCOUNT = "subtotal_discount", _("订单减价")
    GIFT = "gift", _("赠品")


class VoucherType(models.TextChoices):
    ENTIRE_ORDER = "entire_order", _("全场通用")
    SPECIFIC_PRODUCT = "specific_product", _("指定商品")
    SHIPPING = "shipping", _("运费")


class SpecialPriceKind(models.TextChoices):
    FLASH_SALE = "flash_sale", _("限时秒杀")
    LIVESTREAM = "livestream", _("直播专享价")


class OrderDiscountType(models.TextChoices):
    PROMOTION = "promotion", _("促销")
    VOUCHER = "voucher", _("优惠券")
    FLASH_SALE = "flash_sale", _("限时秒杀")
    LIVESTREAM = "livestream", _("直播专享价")


MONEY: dict = {"max_digits": 12, "decimal_places": 2}


class Promotion(models.Model):
    name = models.CharField(_("名称"), max_length=255)
    description = models.TextField(_("说明"), blank=True)
    type = models.CharField(
        _("类型"), max_length=16, choices=PromotionType.choices, default=PromotionType.CATALOGUE
    )
    start_date = models.DateTimeField(_("开始时间"), default=timezone.now)
    end_date = models.DateTimeField(_("结束时间"), null=True, blank=True)
    priority = models.IntegerField(_("优先级"), default=0)
    funded_by = models.CharField(
        _("出资方"), max_length=16, choices=DiscountFunding.choices, default=DiscountFunding.VENDOR
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("促销活动")
        verbose_name_plural = _("促销活动")
        ordering = ["-start_date", "pk"]
        permissions = [("manage_discounts", _("管理促销与优惠券"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="promotion_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PromotionRule(models.Model):
    promotion = models.ForeignKey(Promotion, related_name="rules", on_delete=models.CASCADE)
    name = models.CharField(_("名称"), max_length=255, blank=True)
    channels = models.ManyToManyField(
        "channel.Channel", verbose_name=_("销售渠道"), related_name="+", blank=True
    )
    # Catalogue predicate: a rule matches a variant if ANY of these lists contains it.
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("商品"), related_name="+", blank=True
    )
    variants = models.ManyToManyField(
        "catalog.ProductVariant", verbose_name=_("商品规格"), related_name="+", blank=True
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("商品分类"), related_name="+", blank=True
    )
    collections = models.ManyToManyField(
        "catalog.Collection", verbose_name=_("商品专题"), related_name="+", blank=True
    )
    vendors = models.ManyToManyField(
        "vendors.Vendor", verbose_name=_("商家"), related_name="+", blank=True
    )
    # Order predicate (满减): the subtotal after catalogue prices must reach this.
    min_subtotal_amount = models.DecimalField(_("最低消费"), null=True, blank=True, **MONEY)
    reward_value_type = models.CharField(
        _("优惠方式"),
        max_length=16,
        choices=RewardValueType.choices,
        default=RewardValueType.PERCENTAGE,
    )
    reward_value = models.DecimalField(_("优惠值"), default=0, **MONEY)
    reward_type = models.CharField(
        _("奖励类型"), max_length=32, choices=RewardType.choices, null=True, blank=True
    )
    gift_variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        verbose_name=_("赠品"),
    )

    class Meta:
        verbose_name = _("促销规则")
        verbose_name_plural = _("促销规则")
        ordering = ["promotion_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reward_value__gte=0), name="promotion_rule_reward_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(reward_value_type="percentage")
                | models.Q(reward_value__lte=100),
                name="promotion_rule_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(min_subtotal_amount__isnull=True)
                | models.Q(min_subtotal_amount__gte=0),
                name="promotion_rule_min_subtotal_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.promotion_id}-{self.pk}"


class Voucher(models.Model):
    name = models.CharField(_("名称"), max_length=255)
    type = models.CharField(
        _("类型"), max_length=32, choices=VoucherType.choices, default=VoucherType.ENTIRE_ORDER
    )
    discount_value_type = models.CharField(
        _("优惠方式"), max_length=16, choices=RewardValueType.choices, default=RewardValueType.FIXED
    )
    discount_value = models.DecimalField(_("优惠值"), default=0, **MONEY)
    channels = models.ManyToManyField(
        "channel.Channel", verbose_name=_("销售渠道"), related_name="+", blank=True
    )
    start_date = models.DateTimeField(_("开始时间"), default=timezone.now)
    end_date = models.DateTimeField(_("结束时间"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("总使用次数上限"), null=True, blank=True)
    apply_once_per_customer = models.BooleanField(_("每位顾客限用一次"), default=False)
    min_spent_amount = models.DecimalField(_("最低消费"), null=True, blank=True, **MONEY)
    min_checkout_items_quantity = models.PositiveIntegerField(_("最少件数"), null=True, blank=True)
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("商品"), related_name="+", blank=True
    )
    variants = models.ManyToManyField(
        "catalog.ProductVariant", verbose_name=_("商品规格"), related_name="+", blank=True
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("商品分类"), related_name="+", blank=True
    )
    collections = models.ManyToManyField(
        "catalog.Collection", verbose_name=_("商品专题"), related_name="+", blank=True
    )
    funded_by = models.CharField(
        _("出资方"),
        max_length=16,
        choices=DiscountFunding.choices,
        default=DiscountFunding.PLATFORM,
    )
    # Total uses across all codes; changed only under SELECT ... FOR UPDATE at completion.
    used = models.PositiveIntegerField(_("已使用次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("优惠券")
        verbose_name_plural = _("优惠券")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_value__gte=0), name="voucher_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(discount_value_type="percentage")
                | models.Q(discount_value__lte=100),
                name="voucher_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gt=models.F("start_date")),
                name="voucher_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(usage_limit__isnull=True)
                | models.Q(used__lte=models.F("usage_limit")),
                name="voucher_used_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VoucherCode(models.Model):
    voucher = models.ForeignKey(Voucher, related_name="codes", on_delete=models.CASCADE)
    # Stored upper-case; shoppers may type it in any case.
    code = models.CharField(_("券码"), max_length=32, unique=True)
    used = models.PositiveIntegerField(_("已使用次数"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("券码")
        verbose_name_plural = _("券码")
        ordering = ["voucher_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")),
                name="voucher_code_upper_case",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper()
        super().save(*args, **kwargs)


class VoucherCustomer(models.Model):
    """A customer who used a voucher: what makes "once per customer" hold."""

    voucher = models.ForeignKey(Voucher, related_name="customers", on_delete=models.CASCADE)
    # "user:<pk>" for a signed-in shopper, "phone:<e164>" or "email:<address>" for a guest.
    customer_key = models.CharField(_("顾客"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("优惠券使用者")
        verbose_name_plural = _("优惠券使用者")
        ordering = ["voucher_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "customer_key"], name="voucher_customer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id}:{self.customer_key}"


class SpecialPrice(models.Model):
    """A fixed price for one variant in one channel during a window: a flash sale or a
    livestream-only price. A flash sale sells at most `quantity_limit` units at this price."""

    name = models.CharField(_("名称"), max_length=255)
    kind = models.CharField(
        _("类型"),
        max_length=16,
        choices=SpecialPriceKind.choices,
        default=SpecialPriceKind.FLASH_SALE,
    )
    channel = models.ForeignKey("channel.Channel", related_name="+", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant", related_name="special_prices", on_delete=models.CASCADE
    )
    price_amount = models.DecimalField(_("价格"), **MONEY)
    currency = models.CharField(max_length=3, default="CNY")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    quantity_limit = models.PositiveIntegerField(_("限量"), null=True, blank=True)
    # Changed only under SELECT ... FOR UPDATE at checkout completion (and given back on cancel).
    quantity_sold = models.PositiveIntegerField(_("已售"), default=0)
    per_customer_limit = models.PositiveIntegerField(_("每人限购"), null=True, blank=True)
    funded_by = models.CharField(
        _("出资方"), max_length=16, choices=DiscountFunding.choices, default=DiscountFunding.VENDOR
    )
    source_key = models.CharField(_("来源"), max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("特价")
        verbose_name_plural = _("特价")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["channel", "ends_at"], name="special_price_channel_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gt=0), name="special_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="special_price_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_limit__isnull=True)
                | models.Q(quantity_sold__lte=models.F("quantity_limit")),
                name="special_price_sold_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quantity_remaining(self) -> int | None:
        if self.quantity_limit is None:
            return None
        return max(self.quantity_limit - self.quantity_sold, 0)


class SpecialPricePurchase(models.Model):
    special_price = models.ForeignKey(
        SpecialPrice, related_name="purchases", on_delete=models.CASCADE
    )
    customer_key = models.CharField(_("顾客"), max_length=255, db_index=True)
    order = models.ForeignKey("order.Order", related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(_("数量"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("特价购买记录")
        verbose_name_plural = _("特价购买记录")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="special_price_purchase_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.special_price_id}:{self.customer_key}×{self.quantity}"


class OrderDiscount(models.Model):
    order = models.ForeignKey("order.Order", related_name="discounts", on_delete=models.CASCADE)
    type = models.CharField(_("类型"), max_length=16, choices=OrderDiscountType.choices)
    name = models.CharField(_("名称"), max_length=255, blank=True)
    promotion = models.ForeignKey(
        Promotion, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    voucher_code = models.CharField(_("券码"), max_length=32, blank=True)
    special_price = models.ForeignKey(
        SpecialPrice, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    value_type = models.CharField(
        _("优惠方式"), max_length=16, choices=RewardValueType.choices, blank=True
    )
    value = models.DecimalField(_("优惠值"), default=0, **MONEY)
    amount = models.DecimalField(_("优惠金额"), **MONEY)
    currency = models.CharField(max_length=3, default="CNY")
    funded_by = models.CharField(_("出资方"), max_length=16, choices=DiscountFunding.choices)
    reason = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("订单优惠")
        verbose_name_plural = _("订单优惠")
        ordering = ["order_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_discount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} -{self.amount}"


class OrderLineDiscount(models.Model):
    line = models.ForeignKey("order.OrderLine", related_name="discounts", on_delete=models.CASCADE)
    # Catalogue-level discounts (promotion price, flash sale) stand alone; order-level ones point
    # at the OrderDiscount whose amount they share.
    order_discount = models.ForeignKey(
        OrderDiscount,
        null=True,
        blank=True,
        related_name="line_discounts",
        on_delete=models.CASCADE,
    )
    type = models.CharField(_("类型"), max_length=16, choices=OrderDiscountType.choices)
    name = models.CharField(_("名称"), max_length=255, blank=True)
    promotion = models.ForeignKey(
        Promotion, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    special_price = models.ForeignKey(
        SpecialPrice, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    amount = models.DecimalField(_("优惠金额"), **MONEY)
    currency = models.CharField(max_length=3, default="CNY")
    funded_by = models.CharField(_("出资方"), max_length=16, choices=DiscountFunding.choices)

    class Meta:
        verbose_name = _("订单行优惠")
        verbose_name_plural = _("订单行优惠")
        ordering = ["line_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="order_line_discount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} -{self.amount}"
