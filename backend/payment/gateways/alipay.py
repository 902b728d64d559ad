"""Alipay (支付宝) open platform: PC web pay and mobile web (WAP) pay, query, refund, close.

Signing and verification are python-alipay-sdk's (RSA2, the application private key and
"支付宝公钥"). The SDK hard-codes the gateway address, so the client's `_gateway` attribute is
set from ALIPAY_GATEWAY_URL after construction (the stand-in's address in tests and sandbox
demos); the SDK stamps requests with the machine's local time, so every call passes its own
`timestamp` in Beijing time, as the gateway requires.

Our trade number (`out_trade_no`) is the transaction token in hex; Alipay's own `trade_no`,
known once the shopper paid, is the reference of the CHARGE_SUCCESS event, so the
notification and a query reporting the same payment count it once. Amounts are whole fen
converted exactly to and from Alipay's yuan strings (`backend.payment.fen`).

References: https://opendocs.alipay.com/open/270/105899 (page pay),
https://opendocs.alipay.com/open/203/105285 (wap pay), https://opendocs.alipay.com/open/02ekfh
(alipay.trade.query), /02ekfk (refund), /02o6e7 (close), /028woc (bill download URL),
https://opendocs.alipay.com/open/203/105286 (asynchronous notification).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig as SDKConfig
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.payment import transactions
from backend.payment.config import AlipayConfig, alipay_config
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.fen import FenError, from_fen, parse_yuan, to_fen, yuan_string
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
SHANGHAI = ZoneInfo("Asia/Shanghai")
PRODUCT_CODES = {"PAGE": "FAST_INSTANT_TRADE_PAY", "WAP": "QUICK_WAP_PAY"}
METHODS = {"PAGE": "alipay.trade.page.pay", "WAP": "alipay.trade.wap.pay"}
PAID = ("TRADE_SUCCESS", "TRADE_FINISHED")
TIMEOUT_SECONDS = 15


def beijing(moment: datetime.datetime | None = None) -> str:
    return (moment or timezone.now()).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def out_trade_no(transaction: TransactionItem) -> str:
    return transaction.token.hex


def request_number(idempotency_key: str) -> str:
    """A refund's `out_request_no` (≤ 64 characters), the same for the same request."""
    return "R" + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]


@functools.lru_cache(maxsize=4)
def _client(config: AlipayConfig) -> AliPay:
    client = AliPay(
        appid=config.app_id,
        app_notify_url=config.notify_url,
        app_private_key_string=config.app_private_key,
        alipay_public_key_string=config.alipay_public_key,
        sign_type="RSA2",
        config=SDKConfig(timeout=TIMEOUT_SECONDS),
    )
    client._gateway = config.gateway_url
    return client


def client() -> AliPay:
    config = alipay_config()
    if config is None:
        raise GatewayError("Alipay is not configured")
    return _client(config)


def call(method: str, biz: dict[str, Any]) -> dict[str, Any]:
    """A server method; the verified response object (business errors included)."""
    try:
        return client().server_api(method, biz, timestamp=beijing())
    except AliPayValidationError as error:
        raise GatewayError(f"{method}: the response's signature is not Alipay's") from error
    except AliPayException as error:
        raise GatewayError(f"{method}: {error}") from error
    except (OSError, ValueError) as error:
        raise GatewayError(f"{method}: {error}") from error


def events_from_trade(trade: dict[str, Any], expected: Decimal | None) -> list[ReportedEvent]:
    """What `alipay.trade.query` (or a notification's trade status) means for us."""
    status = str(trade.get("trade_status") or "")
    trade_no = str(trade.get("trade_no") or "")
    try:
        amount = from_fen(parse_yuan(str(trade.get("total_amount") or "0")))
    except FenError:
        amount = Decimal("0.00")
    currency = str(trade.get("trans_currency") or "CNY").upper()
    if status in PAID or (
        status == "TRADE_CLOSED"
        and trade_no
        and (trade.get("send_pay_date") or trade.get("gmt_payment"))
    ):
        # A trade closed after a full refund was paid first; the refunds are ours to count.
        return [ReportedEvent(Type.CHARGE_SUCCESS, amount, currency, trade_no)]
    if status == "TRADE_CLOSED":
        return [
            ReportedEvent(
                Type.CANCEL_SUCCESS,
                expected if expected is not None else amount,
                "CNY",
                f"closed:{trade.get('out_trade_no', '')}",
                _("支付宝交易已关闭"),
            )
        ]
    return []


class AlipayGateway(PaymentGateway):
    id = Gateway.ALIPAY.value
    name = gettext_lazy("支付宝")
    currencies = ("CNY",)

    def is_enabled(self) -> bool:
        return alipay_config() is not None

    def config(self) -> list[tuple[str, str]]:
        config = alipay_config()
        return [("app_id", config.app_id if config else ""), ("trade_types", "PAGE,WAP")]

    def client_data(self, transaction: TransactionItem) -> dict[str, Any] | None:
        return {"out_trade_no": out_trade_no(transaction)}

    def _trade_type(self, data: dict[str, Any]) -> str:
        value = str(data.get("tradeType") or "PAGE").upper()
        if value not in PRODUCT_CODES:
            raise ValidationError(
                {
                    "data": ValidationError(
                        _("支付宝支付方式只能是 PAGE（电脑网站）或 WAP（手机网站）。"),
                        code=PaymentErrorCode.INVALID,
                    )
                }
            )
        return value

    def _return_url(self, data: dict[str, Any]) -> str:
        url = data.get("returnUrl") or ""
        if url and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
            raise ValidationError(
                {"data": ValidationError(_("返回地址无效。"), code=PaymentErrorCode.INVALID)}
            )
        return str(url)

    def pay_url(
        self, transaction: TransactionItem, amount: Decimal, *, trade_type: str, return_url: str
    ) -> str:
        """The cashier address the shopper is sent to. It can be built again for the same
        trade (same number and amount): Alipay treats it as the same trade."""
        config = alipay_config()
        if config is None:
            raise GatewayError("Alipay is not configured")
        expires = transaction.created_at + datetime.timedelta(
            minutes=settings.ORDER_UNPAID_EXPIRY_MINUTES
        )
        biz = {
            "out_trade_no": out_trade_no(transaction),
            "total_amount": yuan_string(to_fen(amount)),
            "subject": str(transaction.name or _("订单付款"))[:256],
            "product_code": PRODUCT_CODES[trade_type],
            "time_expire": beijing(expires),
        }
        signed = _client(config).client_api(
            METHODS[trade_type], biz, return_url=return_url or None, timestamp=beijing()
        )
        return f"{config.gateway_url}?{signed}"

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        trade_type = self._trade_type(data)
        return_url = self._return_url(data)
        url = self.pay_url(transaction, amount, trade_type=trade_type, return_url=return_url)
        return GatewayResult(
            events=[ReportedEvent(Type.CHARGE_ACTION_REQUIRED, amount, transaction.currency)],
            psp_reference=out_trade_no(transaction),
            payment_method_type=f"alipay_{trade_type.lower()}",
            redirect_url=url,
        )

    def query(self, transaction: TransactionItem) -> dict[str, Any] | None:
        """The trade as Alipay has it, or None while the shopper has not opened the cashier."""
        trade = call("alipay.trade.query", {"out_trade_no": out_trade_no(transaction)})
        if trade.get("code") == "10000":
            return trade
        if trade.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return None
        raise GatewayError(f"alipay.trade.query: {trade.get('sub_code')} {trade.get('sub_msg')}")

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        trade = self.query(transaction)
        if trade is None:
            return GatewayResult()
        return GatewayResult(
            events=events_from_trade(trade, transactions.expected_amount(transaction))
        )

    def cancel(self, transaction: TransactionItem) -> GatewayResult:
        """alipay.trade.close. A trade the shopper never opened does not exist at Alipay; its
        cashier address stops working at `time_expire`, so it is as good as closed."""
        expected = transactions.expected_amount(transaction) or Decimal("0.00")
        answer = call("alipay.trade.close", {"out_trade_no": out_trade_no(transaction)})
        closed = ReportedEvent(
            Type.CANCEL_SUCCESS,
            expected,
            transaction.currency,
            f"closed:{out_trade_no(transaction)}",
            _("支付宝交易已关闭"),
        )
        if answer.get("code") == "10000" or answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return GatewayResult(events=[closed])
        if answer.get("sub_code") == "ACQ.TRADE_STATUS_ERROR":
            # Paid meanwhile: what the trade says is what happened.
            return self.process(transaction, {})
        raise GatewayError(f"alipay.trade.close: {answer.get('sub_code')} {answer.get('sub_msg')}")

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        number = request_number(idempotency_key)
        biz: dict[str, Any] = {
            "out_trade_no": out_trade_no(transaction),
            "refund_amount": yuan_string(to_fen(amount)),
            "out_request_no": number,
        }
        if lines:
            biz["refund_goods_detail"] = [
                {
                    "goods_id": line.sku or line.line_id,
                    "goods_name": line.name[:256],
                    "refund_amount": yuan_string(to_fen(line.amount)),
                    "quantity": line.quantity,
                }
                for line in lines
            ]
        answer = call("alipay.trade.refund", biz)
        if answer.get("code") != "10000":
            raise GatewayError(
                f"alipay.trade.refund: {answer.get('sub_code')} {answer.get('sub_msg')}"
            )
        # A repeated request number answers fund_change "N": the same refund, already made.
        return RefundResult(
            status="success", amount=amount, currency=transaction.currency, psp_reference=number
        )

    def download_statement(self, day: datetime.date) -> bytes:
        """The day's trade bill (a zip of CSV files), through the download address Alipay
        gives for it."""
        import urllib.request

        answer = call(
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day.isoformat()},
        )
        if answer.get("code") != "10000" or not answer.get("bill_download_url"):
            raise GatewayError(
                f"bill download URL: {answer.get('sub_code')} {answer.get('sub_msg')}"
            )
        try:
            with urllib.request.urlopen(
                answer["bill_download_url"], timeout=TIMEOUT_SECONDS * 4
            ) as response:
                return response.read()
        except OSError as error:
            raise GatewayError(f"bill download: {error}") from error
