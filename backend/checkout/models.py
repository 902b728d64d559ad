"""Carts (Saleor: Checkout): lines, contact, addresses and the chosen delivery method.

A checkout lives until it is completed into an order; its token is the order's
`checkout_token`, which is what makes `checkoutComplete` idempotent.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Checkout(models.Model):
    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_change = models.DateTimeField(_("最后修改"), auto_now=True, db_index=True)
    channel = models.ForeignKey(
        "channel.Channel", related_name="checkouts", on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="checkouts",
        on_delete=models.CASCADE,
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    shipping_address = models.ForeignKey(
        "account.Address", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    billing_address = models.ForeignKey(
        "account.Address", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    # The id of the method chosen from the delivery seam (backend.checkout.delivery).
    delivery_method_id = models.CharField(_("配送方式"), max_length=64, blank=True)
    customer_note = models.TextField(_("买家留言"), blank=True, max_length=500)
    # The promo code entered (Saleor: Checkout.voucherCode), stored upper-case; checked again
    # at completion under a row lock (backend.discount.vouchers).
    voucher_code = models.CharField(_("优惠券码"), max_length=32, blank=True)
    language_code = models.CharField(max_length=10, default="zh-hans")
    # Saleor's public metadata (updateMetadata): string keys and values a storefront keeps
    # with the cart, e.g. its own analytics ids; never read by the checkout itself.
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("购物车")
        verbose_name_plural = _("购物车")
        ordering = ["-last_change", "pk"]

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checkout = models.ForeignKey(Checkout, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.ProductVariant", related_name="+", on_delete=models.CASCADE
    )
    quantity = models.PositiveIntegerField(_("数量"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)
    # Tourism vouchers (backend.tourism.booking): the visit date and slot booked, and the
    # visitors' names where the venue requires them (one per unit).
    visit_date = models.DateField(_("游览日期"), null=True, blank=True)
    visit_slot = models.CharField(_("时段"), max_length=32, blank=True)
    visitor_names = models.JSONField(_("游客姓名"), default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "variant"], name="checkout_line_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="checkout_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"
