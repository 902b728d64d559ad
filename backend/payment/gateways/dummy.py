"""A gateway that pays at once, for development, tests and demos.

`data: {"result": "CHARGE_SUCCESS" | "CHARGE_FAILURE" | "AUTHORIZATION_SUCCESS"}` chooses the
outcome (CHARGE_SUCCESS when omitted). It is switched off in production unless
DUMMY_PAYMENTS_ENABLED is set, so real shoppers can never "pay" with it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.payment.error_codes import PaymentErrorCode
from backend.payment.gateways.base import (
    GatewayResult,
    PaymentGateway,
    RefundLine,
    RefundResult,
    ReportedEvent,
)
from backend.payment.models import Gateway, TransactionEventType, TransactionItem

RESULTS = (
    TransactionEventType.CHARGE_SUCCESS,
    TransactionEventType.CHARGE_FAILURE,
    TransactionEventType.AUTHORIZATION_SUCCESS,
)


def _result(data: dict[str, Any], default: str | None) -> str | None:
    value = data.get("result", default)
    if value is None:
        return None
    allowed = {member.name: member.value for member in RESULTS}
    if value not in allowed:
        raise ValidationError(
            {
                "data": ValidationError(
                    _("模拟支付结果只能是 %(allowed)s。") % {"allowed": ", ".join(allowed)},
                    code=PaymentErrorCode.INVALID,
                )
            }
        )
    return allowed[value]


class DummyGateway(PaymentGateway):
    id = Gateway.DUMMY.value
    name = gettext_lazy("模拟支付")

    def is_enabled(self) -> bool:
        return not settings.IS_PRODUCTION or settings.DUMMY_PAYMENTS_ENABLED

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        reference = f"dummy-{transaction.token}"
        result = _result(data, TransactionEventType.CHARGE_SUCCESS.name)
        event = ReportedEvent(str(result), amount, transaction.currency, reference)
        return GatewayResult(events=[event], psp_reference=reference)

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        """An authorised dummy payment is captured with `{"result": "CHARGE_SUCCESS"}`."""
        result = _result(data, None)
        if result is None:
            return GatewayResult()
        amount = transaction.authorized_value or transaction.charge_pending_value
        if result != TransactionEventType.CHARGE_SUCCESS or amount <= 0:
            return GatewayResult()
        reference = transaction.psp_reference or f"dummy-{transaction.token}"
        return GatewayResult(
            events=[ReportedEvent(result, amount, transaction.currency, reference)],
        )

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        return RefundResult(
            status="success",
            amount=amount,
            currency=transaction.currency,
            psp_reference=f"dummy-refund-{uuid.uuid4()}",
        )
