"""Transactions in the spirit of Saleor's transactions API.

A `TransactionItem` is one payment attempt with one gateway, attached to a checkout and, once
the checkout becomes an order, to the order. Its amounts (authorized, charged, refunded,
pending) are the sum of its events; every change arrives as a `TransactionEvent`. An event
that carries a provider reference is unique per transaction and type, so a replayed webhook
or a retried request cannot count the same money twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Gateway(models.TextChoices):
    DUMMY = "dummy", _("模拟支付")
    PAY_AT_STATION = "pay_at_station", _("到站付款")
    STRIPE = "stripe", _("在线支付（银行卡/支付宝/微信支付）")
    ALIPAY = "alipay", _("支付宝")
    WECHATPAY = "wechatpay", _("微信支付")


class TransactionEventType(models.TextChoices):
    AUTHORIZATION_SUCCESS = "authorization_success", _("授权成功")
    AUTHORIZATION_FAILURE = "authorization_failure", _("授权失败")
    CHARGE_REQUEST = "charge_request", _("请求扣款")
    CHARGE_PENDING = "charge_pending", _("待扣款")
    CHARGE_SUCCESS = "charge_success", _("扣款成功")
    CHARGE_FAILURE = "charge_failure", _("扣款失败")
    CHARGE_ACTION_REQUIRED = "charge_action_required", _("待买家操作")
    REFUND_REQUEST = "refund_request", _("请求退款")
    REFUND_SUCCESS = "refund_success", _("退款成功")
    REFUND_FAILURE = "refund_failure", _("退款失败")
    CANCEL_SUCCESS = "cancel_success", _("已撤销")
    AMOUNT_MISMATCH = "amount_mismatch", _("金额不符（已拒绝）")
    INFO = "info", _("信息")


class TransactionItem(models.Model):
    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    modified_at = models.DateTimeField(auto_now=True)
    gateway = models.CharField(_("支付网关"), max_length=32, choices=Gateway.choices)
    name = models.CharField(max_length=512, blank=True)
    message = models.CharField(max_length=512, blank=True)
    # The provider's id (Stripe PaymentIntent id); unique per gateway when set.
    psp_reference = models.CharField(max_length=512, blank=True)
    payment_method_type = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    authorized_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    charged_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    charge_pending_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    refunded_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    canceled_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    checkout = models.ForeignKey(
        "checkout.Checkout",
        null=True,
        blank=True,
        related_name="payment_transactions",
        on_delete=models.SET_NULL,
    )
    order = models.ForeignKey(
        "order.Order",
        null=True,
        blank=True,
        related_name="payment_transactions",
        on_delete=models.PROTECT,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    # The client's idempotency key for transactionInitialize: a retry returns the same item.
    idempotency_key = models.CharField(max_length=64, blank=True)
    client_secret = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "psp_reference"],
                condition=~Q(psp_reference=""),
                name="transaction_psp_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["checkout", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="transaction_checkout_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.psp_reference or self.token}"


class TransactionEvent(models.Model):
    transaction = models.ForeignKey(
        TransactionItem, related_name="events", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(default=timezone.now)
    type = models.CharField(max_length=64, choices=TransactionEventType.choices)
    amount_value = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="CNY")
    psp_reference = models.CharField(max_length=512, blank=True)
    message = models.CharField(max_length=512, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    # What a refund request gave back per order line: {"lines": [{"line": "<uuid>",
    # "quantity": 1, "amount": "12.80"}]} (the order app has no granted-refund lines yet).
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "type", "psp_reference"],
                condition=~Q(psp_reference=""),
                name="transaction_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.amount_value} {self.currency}"


class ProcessedWebhookEvent(models.Model):
    """A provider webhook event that has been applied; a replay is acknowledged, not applied."""

    gateway = models.CharField(max_length=32, choices=Gateway.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id}"


class ReconciliationReport(models.Model):
    """One gateway's statement for one day compared with our transactions.

    `mismatches` lists every difference, each {"kind", "out_trade_no", "reference",
    "statement_amount", "our_amount", "order", "detail"}; kinds are `missing_here` (money in
    the statement we have not recorded), `missing_there` (money we recorded that the statement
    does not have) and `amount` (both have it, for different amounts)."""

    gateway = models.CharField(_("支付网关"), max_length=32, choices=Gateway.choices)
    day = models.DateField(_("账单日期"))
    created_at = models.DateTimeField(_("对账时间"), default=timezone.now)
    statement_rows = models.PositiveIntegerField(_("账单笔数"), default=0)
    matched = models.PositiveIntegerField(_("一致笔数"), default=0)
    statement_total = models.DecimalField(_("账单净额"), max_digits=14, decimal_places=2, default=0)
    our_total = models.DecimalField(_("本系统净额"), max_digits=14, decimal_places=2, default=0)
    mismatches = models.JSONField(_("差异"), default=list, blank=True)

    class Meta:
        ordering = ["-day", "gateway"]
        verbose_name = _("对账报告")
        verbose_name_plural = _("对账报告")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "day"], name="reconciliation_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.day}"
