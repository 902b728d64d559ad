"""Orders: a snapshot of what was bought, at which price, delivered how, and what happened since.

Lines copy the product name, SKU, vendor and prices at the moment of purchase so that later
catalog edits never change an order. Amounts are stored tax-inclusive (gross) with their net.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("待确认")
    UNFULFILLED = "unfulfilled", _("待发货")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("部分发货")
    FULFILLED = "fulfilled", _("已发货")
    PARTIALLY_RETURNED = "partially_returned", _("部分退货")
    RETURNED = "returned", _("已退货")
    CANCELED = "canceled", _("已取消")
    EXPIRED = "expired", _("已过期")


class OrderChargeStatus(models.TextChoices):
    NONE = "none", _("未支付")
    PARTIAL = "partial", _("部分支付")
    FULL = "full", _("已支付")
    OVERCHARGED = "overcharged", _("多付")


class OrderEvents(models.TextChoices):
    PLACED = "placed", _("下单")
    PLACED_FROM_DRAFT = "placed_from_draft", _("由草稿下单")
    CONFIRMED = "confirmed", _("已确认")
    PAYMENT_PENDING_AT_STATION = "payment_pending_at_station", _("到站付款")
    ORDER_FULLY_PAID = "order_fully_paid", _("已全额支付")
    ORDER_MARKED_AS_PAID = "order_marked_as_paid", _("标记为已支付")
    CHARGE_FAILED = "charge_failed", _("扣款失败")
    CANCELED = "canceled", _("已取消")
    EXPIRED = "expired", _("超时未付已关闭")
    NOTE_ADDED = "note_added", _("添加备注")
    FULFILLMENT_FULFILLED_ITEMS = "fulfillment_fulfilled_items", _("发货")
    FULFILLMENT_CANCELED = "fulfillment_canceled", _("取消发货")
    FULFILLMENT_REFUNDED = "fulfillment_refunded", _("退款")
    REFUND_GRANTED = "transaction_refund_requested", _("发起退款")
    REFUNDED = "refunded", _("已退款")
    REFUND_FAILED = "refund_failed", _("退款失败")
    NOTIFICATION_SENT = "notification_sent", _("已通知")
    ALLOCATION_RELEASED = "allocation_released", _("释放库存")


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Numbers come from a PostgreSQL sequence (created in migration 0001), so they are unique
    # and increasing under concurrent completions without a table lock.
    number = models.BigIntegerField(
        _("订单号"),
        unique=True,
        editable=False,
        db_default=models.Func(
            models.Value("order_number_seq"),
            function="nextval",
            output_field=models.BigIntegerField(),
        ),
    )
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=32, choices=OrderStatus.choices, default=OrderStatus.UNFULFILLED
    )
    charge_status = models.CharField(
        _("支付状态"),
        max_length=16,
        choices=OrderChargeStatus.choices,
        default=OrderChargeStatus.NONE,
    )
    channel = models.ForeignKey("channel.Channel", related_name="orders", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="orders",
        on_delete=models.SET_NULL,
    )
    user_email = models.EmailField(_("电子邮箱"), blank=True)
    user_phone = models.CharField(_("手机号"), max_length=20, blank=True)
    language_code = models.CharField(max_length=10, default="zh-hans")
    # The checkout this order was completed from; unique, so completing twice yields one order.
    checkout_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    shipping_address = models.ForeignKey(
        "account.Address", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    billing_address = models.ForeignKey(
        "account.Address", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    delivery_method_id = models.CharField(_("配送方式"), max_length=64, blank=True)
    shipping_method_name = models.CharField(_("配送方式名称"), max_length=255, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    shipping_price_net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_price_gross_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    subtotal_net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    subtotal_gross_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_gross_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The total before any discount (list prices + shipping), beside the discounted total above.
    undiscounted_total_gross_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=0
    )
    voucher_code = models.CharField(_("优惠券码"), max_length=32, blank=True)
    total_charged_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    weight_grams = models.PositiveIntegerField(_("重量（克）"), default=0)
    customer_note = models.TextField(_("买家留言"), blank=True)
    # The gateway chosen at checkout (dummy, pay_at_station, stripe); informs staff and stations.
    payment_gateway = models.CharField(_("支付方式"), max_length=32, blank=True)
    # Unpaid orders of online gateways are cancelled (and their stock released) after this.
    pay_by = models.DateTimeField(_("付款截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-number"]
        permissions = [("manage_orders", _("管理订单"))]
        indexes = [models.Index(fields=["status", "created_at"], name="order_status_created")]

    def __str__(self) -> str:
        return f"#{self.number}"


class OrderLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        related_name="order_lines",
        on_delete=models.SET_NULL,
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        related_name="order_lines",
        on_delete=models.SET_NULL,
    )
    product_name = models.CharField(_("商品名称"), max_length=386)
    variant_name = models.CharField(_("规格"), max_length=255, blank=True)
    product_sku = models.CharField(_("SKU"), max_length=255, blank=True)
    vendor_name = models.CharField(_("商家"), max_length=250, blank=True)
    is_shipping_required = models.BooleanField(default=True)
    quantity = models.PositiveIntegerField(_("数量"))
    quantity_fulfilled = models.PositiveIntegerField(_("已发货数量"), default=0)
    currency = models.CharField(max_length=3, default="CNY")
    unit_price_net_amount = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price_gross_amount = models.DecimalField(max_digits=12, decimal_places=2)
    total_price_net_amount = models.DecimalField(max_digits=12, decimal_places=2)
    total_price_gross_amount = models.DecimalField(max_digits=12, decimal_places=2)
    undiscounted_unit_price_gross_amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    weight_grams = models.PositiveIntegerField(default=0)
    sort_order = models.IntegerField(default=0)
    # Tourism vouchers: copied from the checkout line (backend.tourism.booking).
    visit_date = models.DateField(_("游览日期"), null=True, blank=True)
    visit_slot = models.CharField(_("时段"), max_length=32, blank=True)
    visitor_names = models.JSONField(_("游客姓名"), default=list, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_fulfilled__lte=models.F("quantity")),
                name="order_line_fulfilled_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"

    @property
    def quantity_unfulfilled(self) -> int:
        return self.quantity - self.quantity_fulfilled


class OrderEvent(models.Model):
    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    date = models.DateTimeField(default=timezone.now, db_index=True)
    type = models.CharField(max_length=64, choices=OrderEvents.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.type}@{self.date:%Y-%m-%d %H:%M}"


class FulfillmentStatus(models.TextChoices):
    FULFILLED = "fulfilled", _("已发货")
    CANCELED = "canceled", _("已取消")
    REFUNDED = "refunded", _("已退款")


class Fulfillment(models.Model):
    order = models.ForeignKey(Order, related_name="fulfillments", on_delete=models.CASCADE)
    fulfillment_order = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=FulfillmentStatus.choices, default=FulfillmentStatus.FULFILLED
    )
    tracking_number = models.CharField(_("运单号"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "fulfillment_order"], name="fulfillment_order_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}-{self.fulfillment_order}"


class FulfillmentLine(models.Model):
    fulfillment = models.ForeignKey(Fulfillment, related_name="lines", on_delete=models.CASCADE)
    order_line = models.ForeignKey(OrderLine, related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    stock = models.ForeignKey(
        "inventory.Stock", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"


class OrderGrantedRefund(models.Model):
    """Money the staff decided to give back (Saleor: OrderGrantedRefund)."""

    order = models.ForeignKey(Order, related_name="granted_refunds", on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)
    amount_value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    reason = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.amount_value} {self.currency}"


class OrderGrantedRefundLine(models.Model):
    """An order line a granted refund gives back (Saleor: OrderGrantedRefundLine): which line,
    how many units and why. Its amount is the units at the line's paid unit price; benefit
    ledgers (backend/poverty/) reverse exactly these units."""

    granted_refund = models.ForeignKey(
        OrderGrantedRefund, related_name="lines", on_delete=models.CASCADE
    )
    order_line = models.ForeignKey(
        OrderLine, related_name="granted_refund_lines", on_delete=models.PROTECT
    )
    quantity = models.PositiveIntegerField(_("数量"))
    amount_value = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="granted_refund_line_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} × {self.quantity}"
