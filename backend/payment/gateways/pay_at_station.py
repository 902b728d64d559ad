"""到站付款: the shopper pays in cash (or by the station's own QR code) when collecting the
parcel at a village service station or town transfer station (county plan: the three-tier
station network). Nothing is charged online; the transaction carries the whole amount as
pending until the station operator or staff confirms the money (`mark_order_paid`)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy

from backend.payment.gateways.base import (
    GatewayResult,
    PaymentGateway,
    RefundLine,
    RefundResult,
    ReportedEvent,
)
from backend.payment.models import Gateway, TransactionEventType, TransactionItem


class PayAtStationGateway(PaymentGateway):
    id = Gateway.PAY_AT_STATION.value
    name = gettext_lazy("到站付款")

    def is_enabled(self) -> bool:
        return settings.PAY_AT_STATION_ENABLED

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        pending = ReportedEvent(TransactionEventType.CHARGE_PENDING, amount, transaction.currency)
        return GatewayResult(events=[pending])

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        return GatewayResult()

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        """Cash handed back at the station: done when staff records it."""
        return RefundResult(
            status="success",
            amount=amount,
            currency=transaction.currency,
            psp_reference=f"station-refund-{uuid.uuid4()}",
        )
