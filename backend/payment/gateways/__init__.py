"""Payment gateways: one class per provider behind the interface in `base.py`.

`available_gateways(channel)` is what a checkout offers (Saleor: availablePaymentGateways):
the enabled gateways that accept the channel's currency.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.payment.error_codes import PaymentErrorCode
from backend.payment.gateways.alipay import AlipayGateway
from backend.payment.gateways.base import PaymentGateway
from backend.payment.gateways.dummy import DummyGateway
from backend.payment.gateways.pay_at_station import PayAtStationGateway
from backend.payment.gateways.stripe import StripeGateway
from backend.payment.gateways.wechatpay import WeChatPayGateway

GATEWAYS: dict[str, PaymentGateway] = {
    gateway.id: gateway
    for gateway in (
        AlipayGateway(),
        WeChatPayGateway(),
        StripeGateway(),
        PayAtStationGateway(),
        DummyGateway(),
    )
}


def available_gateways(channel) -> list[PaymentGateway]:
    currency = getattr(channel, "currency_code", None) or "CNY"
    return [g for g in GATEWAYS.values() if g.is_enabled() and g.supports(currency)]


def get_gateway(gateway_id: str, *, field: str = "paymentGateway") -> PaymentGateway:
    """The enabled gateway of that id, or a GATEWAY_NOT_AVAILABLE error for `field`."""
    gateway = GATEWAYS.get(gateway_id)
    if gateway is None or not gateway.is_enabled():
        raise ValidationError(
            {
                field: ValidationError(
                    _("支付方式不可用：%(id)s。") % {"id": gateway_id},
                    code=PaymentErrorCode.GATEWAY_NOT_AVAILABLE,
                )
            }
        )
    return gateway


def gateway_of(transaction) -> PaymentGateway:
    """The gateway that handles an existing transaction, even if it was switched off since
    (its refunds and status checks must still work)."""
    return GATEWAYS[transaction.gateway]
