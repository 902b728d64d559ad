"""Online payment through Stripe: cards, Alipay and WeChat Pay, as PaymentIntents in CNY.

Amounts go to Stripe in the currency's smallest unit (fen for CNY). Every create carries an
idempotency key derived from the transaction's token, so a retried request (by the client, by
the library's network retries, or by a shopper pressing the button twice with the same
idempotency key) returns Stripe's first object instead of a second PaymentIntent or refund.
An app confirms the PaymentIntent with Stripe.js using `client_secret`; for Alipay a
`returnUrl` in the gateway data confirms it on the server instead, and the shopper is sent to
`redirect_url` (the web storefront does this). The outcome
reaches us by `transactionProcess` (which retrieves the PaymentIntent) and by the signed
webhook (`backend.payment.webhooks`), whichever comes first, counted once.

References: https://docs.stripe.com/api/payment_intents, https://docs.stripe.com/api/refunds,
https://docs.stripe.com/payments/alipay, https://docs.stripe.com/payments/wechat-pay.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.money import quantize_fen
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.gateways.base import (
    GatewayError,
    GatewayResult,
    PaymentGateway,
    RefundLine,
    RefundResult,
    ReportedEvent,
)
from backend.payment.models import Gateway, TransactionEventType, TransactionItem

Type = TransactionEventType

# Payment methods a PaymentIntent can confirm on the server and finish by redirecting the
# shopper to the provider and back (https://docs.stripe.com/payments/alipay/accept-a-payment).
REDIRECT_METHOD_TYPES = ("alipay",)

# Currencies without a minor unit would be sent as-is; CNY has two decimals (fen).
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND"}


def to_minor_units(amount: Decimal, currency: str) -> int:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return int(amount.to_integral_value())
    return int((quantize_fen(amount) * 100).to_integral_value())


def from_minor_units(value: int | None, currency: str) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return Decimal(value)
    return quantize_fen(Decimal(value) / 100)


# Connect and read timeouts (seconds) for Stripe's API: a shopper's request, and the web
# worker serving it (GUNICORN_TIMEOUT, 30 s by default), must not wait on Stripe for longer.
TIMEOUT = (5, 20)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    options: dict[str, Any] = {
        "max_network_retries": 2,
        "http_client": stripe.RequestsClient(timeout=TIMEOUT),
    }
    if api_base:
        options["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(api_key, **options)


def client() -> stripe.StripeClient:
    """One client (and connection pool) per key and address, built from the settings."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def plain(obj) -> dict[str, Any]:
    """A Stripe object as plain dictionaries (the library's objects are not dicts)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def events_from_intent(intent: dict[str, Any]) -> list[ReportedEvent]:
    """What a PaymentIntent's status means for the transaction
    (https://docs.stripe.com/payments/paymentintents/lifecycle)."""
    currency = str(intent["currency"]).upper()
    reference = intent["id"]
    amount = from_minor_units(intent["amount"], currency)
    status = intent["status"]
    if status == "succeeded":
        received = from_minor_units(intent.get("amount_received") or intent["amount"], currency)
        return [ReportedEvent(Type.CHARGE_SUCCESS, received, currency, reference)]
    if status == "requires_capture":
        capturable = from_minor_units(intent.get("amount_capturable") or intent["amount"], currency)
        return [ReportedEvent(Type.AUTHORIZATION_SUCCESS, capturable, currency, reference)]
    if status == "processing":
        return [ReportedEvent(Type.CHARGE_PENDING, amount, currency, reference)]
    if status in ("requires_action", "requires_confirmation"):
        return [ReportedEvent(Type.CHARGE_ACTION_REQUIRED, amount, currency, reference)]
    if status == "canceled":
        reason = intent.get("cancellation_reason") or ""
        return [ReportedEvent(Type.CANCEL_SUCCESS, amount, currency, reference, str(reason))]
    if status == "requires_payment_method":
        error = intent.get("last_payment_error")
        if not error:
            return []
        # One failure per attempt: each attempt has its own charge.
        attempt = error.get("charge") or intent.get("latest_charge") or reference
        if isinstance(attempt, dict):
            attempt = attempt.get("id") or reference
        message = str(error.get("message") or error.get("code") or "")
        return [ReportedEvent(Type.CHARGE_FAILURE, amount, currency, str(attempt), message)]
    return []


def events_from_refund(refund: dict[str, Any]) -> list[ReportedEvent]:
    """A Refund object's status as transaction events (https://docs.stripe.com/api/refunds)."""
    currency = str(refund["currency"]).upper()
    amount = from_minor_units(refund["amount"], currency)
    reference = refund["id"]
    status = refund_status(refund["status"])
    request = ReportedEvent(Type.REFUND_REQUEST, amount, currency, reference)
    if status == "success":
        return [request, ReportedEvent(Type.REFUND_SUCCESS, amount, currency, reference)]
    if status == "failure":
        reason = str(refund.get("failure_reason") or refund["status"])
        return [request, ReportedEvent(Type.REFUND_FAILURE, amount, currency, reference, reason)]
    return [request]


def refund_status(value: str) -> str:
    if value == "succeeded":
        return "success"
    if value in ("failed", "canceled"):
        return "failure"
    return "pending"


class StripeGateway(PaymentGateway):
    id = Gateway.STRIPE.value
    name = gettext_lazy("在线支付（银行卡/支付宝/微信支付）")
    currencies = ("CNY",)

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def payment_method_types(self) -> list[str]:
        return list(settings.STRIPE_PAYMENT_METHOD_TYPES)

    def config(self) -> list[tuple[str, str]]:
        return [
            ("api_key", settings.STRIPE_PUBLISHABLE_KEY),
            ("payment_method_types", ",".join(self.payment_method_types())),
        ]

    def client_data(self, transaction: TransactionItem) -> dict[str, Any] | None:
        return {
            "client_secret": transaction.client_secret,
            "payment_intent": transaction.psp_reference,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        }

    def _method_types(self, data: dict[str, Any]) -> list[str]:
        allowed = self.payment_method_types()
        requested = data.get("paymentMethodType")
        if requested is None:
            return allowed
        if requested not in allowed:
            raise ValidationError(
                {
                    "data": ValidationError(
                        _("不支持的支付方式：%(type)s。") % {"type": requested},
                        code=PaymentErrorCode.INVALID,
                    )
                }
            )
        return [str(requested)]

    def _return_url(self, data: dict[str, Any], method_types: list[str]) -> str:
        """`returnUrl` asks for a redirect payment confirmed on the server (no Stripe.js): the
        shopper is sent to the provider's page and comes back to this URL. Only one method
        type, and one that works by redirect, can be confirmed this way."""
        url = data.get("returnUrl")
        if url is None:
            return ""
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ValidationError(
                {"data": ValidationError(_("返回地址无效。"), code=PaymentErrorCode.INVALID)}
            )
        if len(method_types) != 1 or method_types[0] not in REDIRECT_METHOD_TYPES:
            raise ValidationError(
                {
                    "data": ValidationError(
                        _("跳转支付需要指定支付宝作为支付方式。"), code=PaymentErrorCode.INVALID
                    )
                }
            )
        return url

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        method_types = self._method_types(data)
        return_url = self._return_url(data, method_types)
        params: dict[str, Any] = {
            "amount": to_minor_units(amount, transaction.currency),
            "currency": transaction.currency.lower(),
            "payment_method_types": method_types,
            "metadata": {
                "checkout_token": str(transaction.checkout_id or ""),
                "transaction_token": str(transaction.token),
            },
        }
        if return_url:
            params.update(
                confirm=True,
                payment_method_data={"type": method_types[0]},
                return_url=return_url,
            )
        try:
            created = client().v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"transaction-initialize-{transaction.token}"},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error.user_message or error)) from error
        intent = plain(created)
        return GatewayResult(
            events=events_from_intent(intent),
            psp_reference=intent["id"],
            client_secret=intent.get("client_secret") or "",
            payment_method_type=method_types[0] if len(method_types) == 1 else "",
            redirect_url=((intent.get("next_action") or {}).get("redirect_to_url") or {}).get(
                "url", ""
            ),
        )

    def retrieve(self, transaction: TransactionItem) -> dict[str, Any]:
        try:
            return plain(client().v1.payment_intents.retrieve(transaction.psp_reference))
        except stripe.StripeError as error:
            raise GatewayError(str(error.user_message or error)) from error

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        intent = self.retrieve(transaction)
        return GatewayResult(events=events_from_intent(intent), psp_reference=intent["id"])

    def cancel(self, transaction: TransactionItem) -> GatewayResult:
        """https://docs.stripe.com/api/payment_intents/cancel: possible until it succeeded."""
        if not transaction.psp_reference:
            return GatewayResult()
        try:
            canceled = client().v1.payment_intents.cancel(
                transaction.psp_reference,
                params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": f"transaction-cancel-{transaction.token}"},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error.user_message or error)) from error
        return GatewayResult(events=events_from_intent(plain(canceled)))

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        params: dict[str, Any] = {
            "payment_intent": transaction.psp_reference,
            "amount": to_minor_units(amount, transaction.currency),
            "metadata": {"transaction_token": str(transaction.token)},
        }
        try:
            created = client().v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise GatewayError(str(error.user_message or error)) from error
        refund = plain(created)
        currency = str(refund["currency"]).upper()
        return RefundResult(
            status=refund_status(refund["status"]),
            amount=from_minor_units(refund["amount"], currency),
            currency=currency,
            psp_reference=refund["id"],
            message=str(refund.get("failure_reason") or ""),
        )
