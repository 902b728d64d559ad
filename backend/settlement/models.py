"""Vendor settlement: statements per vendor and period, their frozen lines, payment.

A statement (对账单) lists what the marketplace owes one vendor for one period — by default a
calendar month in Asia/Shanghai. Its lines are the vendor's sales delivered to shoppers, the
refunds attributed to the vendor's lines, and manual adjustments. Every sale (a delivered
shipment line) and every refund share (a refund event × an order line) is on at most ONE
statement: unique constraints enforce it. Once issued, a statement and its lines are frozen by
database triggers (migration 0002); only the payment fields may still change.

Signs: `amount`, `discount` of sales and refunds are positive; `commission` is positive on a
sale and negative on a refund (the commission is given back with the money); `net` is the
line's signed contribution to the net payable. Adjustments carry a signed `amount`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _money(label) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=0)


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已出账")
    PAID = "paid", _("已付款")


class StatementLineKind(models.TextChoices):
    SALE = "sale", _("销售")
    REFUND = "refund", _("退款")
    ADJUSTMENT = "adjustment", _("调整")


class VendorStatement(models.Model):
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        related_name="statements",
        on_delete=models.PROTECT,
    )
    # Inclusive calendar dates in Asia/Shanghai (settings.TIME_ZONE).
    period_start = models.DateField(_("账期开始"))
    period_end = models.DateField(_("账期结束"))
    status = models.CharField(
        _("状态"), max_length=16, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    currency = models.CharField(max_length=3, default="CNY")
    # The vendor's rate when the statement was (re)drafted; fixed when it is issued.
    commission_rate = models.DecimalField(_("佣金比例"), max_digits=5, decimal_places=4, default=0)
    gross_amount = _money(_("销售总额"))
    refund_amount = _money(_("退款"))
    discount_amount = _money(_("商家承担优惠"))
    commission_amount = _money(_("平台佣金"))
    adjustment_amount = _money(_("调整"))
    net_amount = _money(_("应付金额"))
    line_count = models.PositiveIntegerField(_("明细条数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    drafted_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    issued_at = models.DateTimeField(_("出账时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出账人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("付款登记人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    payment_reference = models.CharField(_("付款凭证号"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("商家对账单")
        verbose_name_plural = _("商家对账单")
        ordering = ["-period_start", "vendor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "period_start", "period_end"], name="statement_vendor_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="statement_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="statement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=StatementStatus.DRAFT) | Q(issued_at__isnull=False),
                name="statement_issued_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=StatementStatus.PAID)
                | (Q(paid_at__isnull=False) & ~Q(payment_reference="")),
                name="statement_paid_has_reference",
            ),
        ]
        indexes = [models.Index(fields=["status", "period_start"], name="statement_status")]

    def __str__(self) -> str:
        return f"{self.vendor_id} {self.period_start}–{self.period_end}"

    @property
    def is_frozen(self) -> bool:
        return self.status != StatementStatus.DRAFT


class StatementLine(models.Model):
    statement = models.ForeignKey(VendorStatement, related_name="lines", on_delete=models.CASCADE)
    kind = models.CharField(_("类型"), max_length=16, choices=StatementLineKind.choices)
    order_line = models.ForeignKey(
        "order.OrderLine", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    # The sale: one delivered shipment line (a parcel's part of an order line).
    shipment_line = models.ForeignKey(
        "routing.ShipmentLine", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    # The refund: a REFUND_SUCCESS event of the order's payment, shared out over its lines.
    refund_event = models.ForeignKey(
        "payment.TransactionEvent",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    order_number = models.BigIntegerField(_("订单号"), null=True, blank=True)
    product_name = models.CharField(_("商品名称"), max_length=386, blank=True)
    quantity = models.IntegerField(_("数量"), default=0)
    amount = _money(_("金额"))
    discount = _money(_("商家承担优惠"))
    commission = _money(_("佣金"))
    net = _money(_("应结金额"))
    occurred_at = models.DateTimeField(_("发生时间"))
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("对账单明细")
        verbose_name_plural = _("对账单明细")
        ordering = ["occurred_at", "pk"]
        constraints = [
            # A sale or a refund share is settled on one statement only.
            models.UniqueConstraint(
                fields=["shipment_line"],
                condition=Q(kind="sale"),
                name="statement_line_sale_once",
            ),
            models.UniqueConstraint(
                fields=["refund_event", "order_line"],
                condition=Q(kind="refund"),
                name="statement_line_refund_once",
            ),
            models.CheckConstraint(
                condition=~Q(kind="sale")
                | (Q(shipment_line__isnull=False) & Q(order_line__isnull=False)),
                name="statement_line_sale_reference",
            ),
            models.CheckConstraint(
                condition=~Q(kind="refund")
                | (Q(refund_event__isnull=False) & Q(order_line__isnull=False)),
                name="statement_line_refund_reference",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StatementLineKind.values), name="statement_line_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
