"""WeChat Pay API v3 (微信支付): Native (a QR code for desktop browsers), H5 (phone browsers
outside WeChat) and JSAPI (inside WeChat, with the shopper's openid); query, close, refund.

Requests, response signatures, platform certificates and notification decryption are
wechatpayv3's. Its `Core` hard-codes https://api.mch.weixin.qq.com and downloads the platform
certificates while it is being constructed, so `_BaseURLCore` sets the address
(WECHATPAY_API_BASE: the stand-in in tests and sandbox demos) before that download, and the
`WeChatPay` facade is assembled around it. Both modes of verifying WeChat Pay's signatures
are supported: platform certificates (downloaded, or kept in WECHATPAY_CERT_DIR) and the
newer "微信支付公钥" (WECHATPAY_PUBLIC_KEY with WECHATPAY_PUBLIC_KEY_ID).

Amounts are integers of fen in both directions (`amount.total`). Our `out_trade_no` is the
transaction token in hex (32 characters, the API's maximum); WeChat Pay's `transaction_id` is
the reference of the CHARGE_SUCCESS event, so a notification and a query count it once.

References: https://pay.weixin.qq.com/doc/v3/merchant/4012791877 (Native order),
/4012791834 (H5), /4012791856 (JSAPI), /4012791879 (query by out_trade_no), /4012791881
(close), /4012791883 (refund), /4012791886 (trade bill), /4012791861 (payment notification),
/4012791865 (refund notification), /4012068829 (signatures), /4012071382 (decryption).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import secrets
import time
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wechatpayv3 import SignType, WeChatPay, WeChatPayType
from wechatpayv3.core import Core

from backend.payment import transactions
from backend.payment.config import WeChatPayConfig, wechatpay_config
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.fen import FenError, from_fen, to_fen
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
TRADE_TYPES = {
    "NATIVE": WeChatPayType.NATIVE,
    "H5": WeChatPayType.H5,
    "JSAPI": WeChatPayType.JSAPI,
}
TIMEOUT = (5, 20)


class _BaseURLCore(Core):
    """wechatpayv3's Core talking to another address (see the module's docstring)."""

    def __init__(self, *, base_url: str, **kwargs: Any) -> None:
        self._base_url = base_url.rstrip("/")
        super().__init__(**kwargs)
        self._gate_way = self._base_url

    def _init_certificates(self) -> None:
        self._gate_way = self._base_url
        super()._init_certificates()


@functools.lru_cache(maxsize=4)
def _client(config: WeChatPayConfig) -> WeChatPay:
    try:
        core = _BaseURLCore(
            base_url=config.api_base,
            mchid=config.mchid,
            cert_serial_no=config.cert_serial_no,
            private_key=config.private_key,
            apiv3_key=config.apiv3_key,
            cert_dir=config.cert_dir or None,
            timeout=TIMEOUT,
            public_key=config.public_key or None,
            public_key_id=config.public_key_id or None,
        )
    except Exception as error:
        raise GatewayError(f"WeChat Pay client: {error}") from error
    client = WeChatPay.__new__(WeChatPay)
    client._type = WeChatPayType.NATIVE
    client._mchid = config.mchid
    client._appid = config.appid
    client._notify_url = config.notify_url
    client._core = core
    client._partner_mode = False
    return client


def client() -> WeChatPay:
    config = wechatpay_config()
    if config is None:
        raise GatewayError("WeChat Pay is not configured")
    return _client(config)


def out_trade_no(transaction: TransactionItem) -> str:
    return transaction.token.hex


def refund_number(idempotency_key: str) -> str:
    return "R" + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]


def call(action: str, function, *args, **kwargs) -> tuple[int, Any]:
    """Run one SDK call: (HTTP status, parsed JSON or bytes). The SDK raises bare Exceptions
    for a bad response signature and requests' errors for the network."""
    try:
        status, body = function(*args, **kwargs)
    except Exception as error:
        raise GatewayError(f"{action}: {error}") from error
    if isinstance(body, str):
        try:
            return status, json.loads(body) if body else {}
        except ValueError as error:
            raise GatewayError(f"{action}: unreadable answer") from error
    return status, body


def fen_of(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FenError(f"not a number of fen: {value!r}")
    return value


def events_from_transaction(trade: dict[str, Any], expected: Decimal | None) -> list[ReportedEvent]:
    """What a transaction (query answer or TRANSACTION.* notification resource) means."""
    state = str(trade.get("trade_state") or "")
    amount_info = trade.get("amount") or {}
    currency = str(amount_info.get("currency") or "CNY").upper()
    reference = str(trade.get("transaction_id") or "")
    if state in ("SUCCESS", "REFUND"):
        amount = from_fen(fen_of(amount_info.get("total")))
        return [ReportedEvent(Type.CHARGE_SUCCESS, amount, currency, reference)]
    if state in ("CLOSED", "REVOKED"):
        return [
            ReportedEvent(
                Type.CANCEL_SUCCESS,
                expected if expected is not None else Decimal("0.00"),
                "CNY",
                f"closed:{trade.get('out_trade_no', '')}",
                _("微信支付订单已关闭"),
            )
        ]
    if state == "PAYERROR":
        return [
            ReportedEvent(
                Type.CHARGE_FAILURE,
                expected or Decimal("0.00"),
                currency,
                f"payerror:{trade.get('out_trade_no', '')}",
                str(trade.get("trade_state_desc") or ""),
            )
        ]
    return []


def refund_status(value: str) -> str:
    if value == "SUCCESS":
        return "success"
    if value in ("CLOSED", "ABNORMAL"):
        return "failure"
    return "pending"


class WeChatPayGateway(PaymentGateway):
    id = Gateway.WECHATPAY.value
    name = gettext_lazy("微信支付")
    currencies = ("CNY",)

    def is_enabled(self) -> bool:
        return wechatpay_config() is not None

    def config(self) -> list[tuple[str, str]]:
        config = wechatpay_config()
        return [("app_id", config.appid if config else ""), ("trade_types", "NATIVE,H5,JSAPI")]

    def client_data(self, transaction: TransactionItem) -> dict[str, Any] | None:
        data: dict[str, Any] = {"out_trade_no": out_trade_no(transaction)}
        kind = transaction.payment_method_type
        if kind == "wechatpay_native" and transaction.client_secret:
            data["code_url"] = transaction.client_secret
        elif kind == "wechatpay_jsapi" and transaction.client_secret:
            data["jsapi"] = self.jsapi_parameters(transaction.client_secret)
        return data

    def jsapi_parameters(self, prepay_id: str) -> dict[str, str]:
        """What WeixinJSBridge's getBrandWCPayRequest takes, signed with the merchant key."""
        config = wechatpay_config()
        if config is None:
            return {}
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        signature = client().sign([config.appid, timestamp, nonce, package], SignType.RSA_SHA256)
        return {
            "appId": config.appid,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signature,
        }

    def _invalid(self, message: str) -> ValidationError:
        return ValidationError({"data": ValidationError(message, code=PaymentErrorCode.INVALID)})

    def initialize(
        self, transaction: TransactionItem, amount: Decimal, data: dict[str, Any]
    ) -> GatewayResult:
        kind = str(data.get("tradeType") or "NATIVE").upper()
        if kind not in TRADE_TYPES:
            raise self._invalid(_("微信支付方式只能是 NATIVE、H5 或 JSAPI。"))
        expires = transaction.created_at + datetime.timedelta(
            minutes=settings.ORDER_UNPAID_EXPIRY_MINUTES
        )
        params: dict[str, Any] = {
            "description": str(transaction.name or _("订单付款"))[:127],
            "out_trade_no": out_trade_no(transaction),
            "amount": {"total": to_fen(amount), "currency": transaction.currency},
            "time_expire": expires.astimezone(SHANGHAI).replace(microsecond=0).isoformat(),
            "pay_type": TRADE_TYPES[kind],
        }
        return_url = ""
        if kind == "JSAPI":
            openid = data.get("openid")
            if not isinstance(openid, str) or not openid.strip():
                raise self._invalid(_("公众号支付需要用户的 openid。"))
            params["payer"] = {"openid": openid.strip()}
        if kind == "H5":
            client_ip = str(data.get("clientIp") or "127.0.0.1")
            params["scene_info"] = {"payer_client_ip": client_ip, "h5_info": {"type": "Wap"}}
            return_url = str(data.get("returnUrl") or "")
            if return_url and urlsplit(return_url).scheme not in ("http", "https"):
                raise self._invalid(_("返回地址无效。"))
        status, body = call("pay", client().pay, **params)
        if status != 200:
            raise GatewayError(f"pay: {status} {body}")
        result = GatewayResult(
            events=[ReportedEvent(Type.CHARGE_ACTION_REQUIRED, amount, transaction.currency)],
            psp_reference=out_trade_no(transaction),
            payment_method_type=f"wechatpay_{kind.lower()}",
        )
        if kind == "NATIVE":
            result.client_secret = str(body["code_url"])
        elif kind == "JSAPI":
            result.client_secret = str(body["prepay_id"])
        else:
            url = str(body["h5_url"])
            if return_url:
                url += "&redirect_url=" + quote(return_url, safe="")
            result.redirect_url = url
        return result

    def query(self, transaction: TransactionItem) -> dict[str, Any] | None:
        status, body = call("query", client().query, out_trade_no=out_trade_no(transaction))
        if status == 200:
            return body
        if status == 404:
            return None
        raise GatewayError(f"query: {status} {body}")

    def process(self, transaction: TransactionItem, data: dict[str, Any]) -> GatewayResult:
        trade = self.query(transaction)
        if trade is None:
            return GatewayResult()
        try:
            events = events_from_transaction(trade, transactions.expected_amount(transaction))
        except FenError as error:
            raise GatewayError(f"query: {error}") from error
        return GatewayResult(events=events)

    def cancel(self, transaction: TransactionItem) -> GatewayResult:
        status, body = call("close", client().close, out_trade_no=out_trade_no(transaction))
        expected = transactions.expected_amount(transaction) or Decimal("0.00")
        if status in (200, 204) or (status == 404 and body.get("code") == "ORDER_NOT_EXIST"):
            return GatewayResult(
                events=[
                    ReportedEvent(
                        Type.CANCEL_SUCCESS,
                        expected,
                        transaction.currency,
                        f"closed:{out_trade_no(transaction)}",
                        _("微信支付订单已关闭"),
                    )
                ]
            )
        if isinstance(body, dict) and body.get("code") == "ORDERPAID":
            return self.process(transaction, {})
        raise GatewayError(f"close: {status} {body}")

    def refund(
        self,
        transaction: TransactionItem,
        amount: Decimal,
        *,
        idempotency_key: str,
        lines: list[RefundLine] | None = None,
    ) -> RefundResult:
        total = transactions.expected_amount(transaction) or transaction.charged_value
        number = refund_number(idempotency_key)
        config = wechatpay_config()
        params: dict[str, Any] = {
            "out_refund_no": number,
            "amount": {"refund": to_fen(amount), "total": to_fen(total), "currency": "CNY"},
            "out_trade_no": out_trade_no(transaction),
            "notify_url": config.notify_url if config else None,
        }
        if lines:
            params["goods_detail"] = [
                {
                    "merchant_goods_id": line.sku or line.line_id,
                    "goods_name": line.name[:256],
                    "unit_price": to_fen(line.unit_price),
                    "refund_amount": to_fen(line.amount),
                    "refund_quantity": line.quantity,
                }
                for line in lines
            ]
        status, body = call("refund", client().refund, **params)
        if status != 200:
            raise GatewayError(f"refund: {status} {body}")
        return RefundResult(
            status=refund_status(str(body.get("status") or "")),
            amount=from_fen(fen_of((body.get("amount") or {}).get("refund"))),
            currency=transaction.currency,
            psp_reference=number,
            message=str(body.get("status") or ""),
        )

    def download_statement(self, day: datetime.date) -> bytes:
        """The day's trade bill (gzip-compressed CSV) through the download address given."""
        status, body = call("trade_bill", client().trade_bill, bill_date=day.isoformat())
        if status != 200 or not isinstance(body, dict) or not body.get("download_url"):
            raise GatewayError(f"trade_bill: {status} {body}")
        status, content = call("download_bill", client().download_bill, url=body["download_url"])
        if status != 200 or not isinstance(content, bytes):
            raise GatewayError(f"download_bill: {status}")
        if body.get("hash_type") == "SHA1" and hashlib.sha1(content).hexdigest() != body.get(
            "hash_value"
        ):
            raise GatewayError("download_bill: the file's SHA1 is not the one announced")
        return content
