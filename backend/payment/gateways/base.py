"""The interface every payment gateway implements.

A gateway turns a request (start a payment, check on it, give money back) into what the
provider reported, as transaction events; the payment services record those events, check
their amounts and update the order. Gateways never write to the database themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backend.payment.models import TransactionItem


class GatewayError(Exception):
    """The provider could not be reached or refused the request; `message` is for the log."""


@dataclass
class ReportedEvent:
    """One thing the provider reported: e.g. CHARGE_SUCCESS of 25.80 CNY for `pi_…`."""

    type: str
    amount: Decimal
    currency: str
    psp_reference: str = ""
    message: str = ""


@dataclass
class GatewayResult:
    events: list[ReportedEvent] = field(default_factory=list)
    psp_reference: str = ""
    payment_method_type: str = ""
    client_secret: str = ""
    # Where the shopper must go to approve the payment (e.g. Alipay's page), if anywhere.
    redirect_url: str = ""


@dataclass(frozen=True)
class RefundLine:
    """Part of a refund given back for one order line (sent to providers that take goods
    details, and kept in the refund event's metadata)."""

    line_id: str
    name: str
    sku: str
    quantity: int
    unit_price: Decimal
    amount: Decimal

    def as_metadata(self) -> dict[str, Any]:
        return {"line": self.line_id, "quantity": self.quantity, "amount": str(self.amount)}


@dataclass
class RefundResult:
    """`status` is "success", "pending" (the provider will confirm later) or "failure"."""

    status: str
    amount: Decimal
    currency: str
    psp_reference: str
    message: str = ""


class PaymentGateway:
    id: str = ""
    name: Any = ""
    currencies: tuple[str, ...] = ("CNY",)

    def is_enabled(self) -> bool:
        return True

    def supports(self, currency: str) -> bool:
        return currency.upper() in self.currencies

    def config(self) -> list[tuple[str, str]]:
        """Public settings a storefront needs to pay with this gateway (never secrets)."""
        return []

    def client_data(self, transaction: TransactionItem) -> dict[str, Any] | None:
        """What the storefront needs to continue the payment (e.g. Stripe's client secret)."""
        return None

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        raise NotImplementedError

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        raise NotImplementedError

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        raise NotImplementedError

    def cancel(self, transaction: TransactionItem) -> GatewayResult:
        """Withdraw a payment the shopper has not completed, so it can no longer be paid."""
        return GatewayResult()
