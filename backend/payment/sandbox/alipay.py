"""The Alipay open platform gateway, as a stand-in (https://opendocs.alipay.com/open/).

One endpoint, `/alipay/gateway.do`, takes every method as signed request parameters
(`app_id`, `method`, `charset`, `sign_type=RSA2`, `timestamp`, `version`, `biz_content`,
`sign`), sorted and joined `k=v&…` and signed with RSA-SHA256 by the application key. Server
methods answer `{"<method>_response": {...}, "sign": "..."}` where `sign` covers the exact
JSON text of the response object. Browser methods (`alipay.trade.page.pay`,
`alipay.trade.wap.pay`) show the cashier; paying there sends the asynchronous notification
(form-encoded POST to `notify_url`, signed over every parameter but `sign` and `sign_type`)
and returns the shopper to `return_url` with signed synchronous parameters.

Implemented methods: trade.page.pay, trade.wap.pay, trade.query, trade.refund, trade.close,
data.dataservice.bill.downloadurl.query (the bill: a zip of GBK CSV files as the merchant
console exports them).
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import secrets
import threading
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backend.payment.fen import FenError, parse_yuan, yuan_string

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

BILL_COLUMNS = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
    "终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
    "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
    "退款批次号/请求号,服务费（元）,分润（元）,备注"
)


def now_text() -> str:
    return datetime.datetime.now(SHANGHAI).strftime(TIME_FORMAT)


def sign_rsa2(private_key_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
    return base64.b64encode(signature).decode("ascii")


def verify_rsa2(public_key_pem: str, message: str, signature: str) -> bool:
    key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(
            base64.b64decode(signature),
            message.encode("utf-8"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def signing_string(params: dict[str, str], *, exclude: tuple[str, ...]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in exclude and v != "")


@dataclass
class AlipayTrade:
    out_trade_no: str
    subject: str
    total_fen: int
    product_code: str
    notify_url: str
    return_url: str
    trade_no: str = ""
    status: str = "WAIT_BUYER_PAY"
    created_at: str = field(default_factory=now_text)
    paid_at: str = ""
    buyer_id: str = "2088102177846880"
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def refunded_fen(self) -> int:
        return sum(r["fen"] for r in self.refunds.values())


class AlipayStandIn:
    """The state and the protocol of the stand-in Alipay; HTTP plumbing is in `server.py`."""

    def __init__(self, keys, *, base_url: str = "") -> None:
        self.keys = keys
        self.base_url = base_url
        self.trades: dict[str, AlipayTrade] = {}
        self.notifications: list[dict[str, str]] = []
        # Rows added to a day's bill as if Alipay had them and we did not (for reconciliation).
        self.extra_bill_rows: dict[str, list[list[str]]] = {}
        self.lock = threading.RLock()

    # --- signatures ---------------------------------------------------------------------

    def verify_request(self, params: dict[str, str]) -> bool:
        signature = params.get("sign", "")
        message = signing_string(params, exclude=("sign",))
        return bool(signature) and verify_rsa2(self.keys.alipay_app_public_key, message, signature)

    def sign_params(self, params: dict[str, str]) -> dict[str, str]:
        """Notification and return parameters, signed as Alipay signs them."""
        params = {**{k: v for k, v in params.items() if v != ""}, "sign_type": "RSA2"}
        message = signing_string(params, exclude=("sign", "sign_type"))
        params["sign"] = sign_rsa2(self.keys.alipay_private_key, message)
        return params

    def response(self, method: str, body: dict[str, Any]) -> bytes:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        signature = sign_rsa2(self.keys.alipay_private_key, content)
        key = method.replace(".", "_") + "_response"
        return f'{{"{key}":{content},"sign":"{signature}"}}'.encode()

    # --- methods ------------------------------------------------------------------------

    def error(self, code: str, msg: str, sub_code: str, sub_msg: str) -> dict[str, Any]:
        return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}

    def start_trade(self, method: str, params: dict[str, str], biz: dict[str, Any]) -> AlipayTrade:
        """page.pay / wap.pay: the trade the cashier shows (created, or the same again)."""
        fen = parse_yuan(str(biz["total_amount"]))
        if fen <= 0:
            raise FenError("amount must be positive")
        number = str(biz["out_trade_no"])
        with self.lock:
            trade = self.trades.get(number)
            if trade is not None:
                if trade.total_fen != fen:
                    raise ValueError("ACQ.CONTEXT_INCONSISTENT")
                return trade
            trade = AlipayTrade(
                out_trade_no=number,
                subject=str(biz.get("subject", "")),
                total_fen=fen,
                product_code=str(biz.get("product_code", "")),
                notify_url=params.get("notify_url", ""),
                return_url=params.get("return_url", ""),
            )
            self.trades[number] = trade
            return trade

    def pay(self, out_trade_no: str, *, amount_fen: int | None = None) -> dict[str, str]:
        """The buyer pays at the cashier: the trade succeeds and the notification is built
        (returned, and kept in `notifications`). `amount_fen` forges what the notification
        reports, for tests of a wrong amount."""
        with self.lock:
            trade = self.trades[out_trade_no]
            if trade.status == "WAIT_BUYER_PAY":
                trade.status = "TRADE_SUCCESS"
                trade.trade_no = datetime.datetime.now(SHANGHAI).strftime(
                    "%Y%m%d22001"
                ) + secrets.token_hex(7)
                trade.paid_at = now_text()
            return self.notification(trade, amount_fen=amount_fen)

    def notification(self, trade: AlipayTrade, *, amount_fen: int | None = None) -> dict[str, str]:
        fen = trade.total_fen if amount_fen is None else amount_fen
        params = {
            "notify_time": now_text(),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": self.keys.alipay_app_id,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "seller_id": self.keys.alipay_seller_id,
            "buyer_id": trade.buyer_id,
            "trade_status": trade.status,
            "total_amount": yuan_string(fen),
            "receipt_amount": yuan_string(fen),
            "buyer_pay_amount": yuan_string(fen),
            "subject": trade.subject,
            "gmt_create": trade.created_at,
            "gmt_payment": trade.paid_at,
        }
        signed = self.sign_params(params)
        self.notifications.append(signed)
        return signed

    def return_params(self, trade: AlipayTrade, method: str) -> dict[str, str]:
        return self.sign_params(
            {
                "app_id": self.keys.alipay_app_id,
                "method": f"{method}.return",
                "charset": "utf-8",
                "version": "1.0",
                "timestamp": now_text(),
                "out_trade_no": trade.out_trade_no,
                "trade_no": trade.trade_no,
                "total_amount": yuan_string(trade.total_fen),
                "seller_id": self.keys.alipay_seller_id,
            }
        )

    def query(self, biz: dict[str, Any]) -> dict[str, Any]:
        trade = self.trades.get(str(biz.get("out_trade_no", "")))
        if trade is None:
            return self.error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        body: dict[str, Any] = {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": trade.out_trade_no,
            "trade_status": trade.status,
            "total_amount": yuan_string(trade.total_fen),
            "buyer_logon_id": "csq***@sandbox.com",
        }
        if trade.trade_no:
            body.update(
                trade_no=trade.trade_no,
                buyer_user_id=trade.buyer_id,
                send_pay_date=trade.paid_at,
                receipt_amount=yuan_string(trade.total_fen),
                buyer_pay_amount=yuan_string(trade.total_fen),
            )
        return body

    def refund(self, biz: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            trade = self.trades.get(str(biz.get("out_trade_no", "")))
            if trade is None:
                return self.error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
            try:
                fen = parse_yuan(str(biz.get("refund_amount", "")))
            except FenError:
                return self.error("40002", "Invalid Arguments", "isv.invalid-parameter", "金额无效")
            request_no = str(biz.get("out_request_no") or trade.out_trade_no)
            previous = trade.refunds.get(request_no)
            if previous is not None:
                if previous["fen"] != fen:
                    return self.error(
                        "40004", "Business Failed", "ACQ.REQUEST_AMOUNT_EXCEED", "请求号金额不一致"
                    )
            else:
                if trade.status not in ("TRADE_SUCCESS",):
                    return self.error(
                        "40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"
                    )
                if fen <= 0 or trade.refunded_fen + fen > trade.total_fen:
                    return self.error(
                        "40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"
                    )
                trade.refunds[request_no] = {
                    "fen": fen,
                    "at": now_text(),
                    "reason": str(biz.get("refund_reason", "")),
                    "goods": biz.get("refund_goods_detail") or [],
                }
                if trade.refunded_fen == trade.total_fen:
                    trade.status = "TRADE_CLOSED"
            return {
                "code": "10000",
                "msg": "Success",
                "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no,
                "buyer_logon_id": "csq***@sandbox.com",
                "fund_change": "Y" if previous is None else "N",
                "refund_fee": yuan_string(trade.refunded_fen),
                "gmt_refund_pay": trade.refunds[request_no]["at"],
                "buyer_user_id": trade.buyer_id,
            }

    def close(self, biz: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            trade = self.trades.get(str(biz.get("out_trade_no", "")))
            if trade is None:
                return self.error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
            if trade.status == "TRADE_SUCCESS":
                return self.error(
                    "40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"
                )
            trade.status = "TRADE_CLOSED"
            return {
                "code": "10000",
                "msg": "Success",
                "out_trade_no": trade.out_trade_no,
                "trade_no": trade.trade_no,
            }

    def bill_url(self, biz: dict[str, Any]) -> dict[str, Any]:
        day = str(biz.get("bill_date", ""))
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            return self.error("40004", "Business Failed", "isp.bill_not_exist", "账单不存在")
        url = f"{self.base_url}/alipay/bill/{day}.zip?sign={secrets.token_hex(8)}"
        return {"code": "10000", "msg": "Success", "bill_download_url": url}

    # --- the bill -----------------------------------------------------------------------

    def bill_rows(self, day: str) -> list[list[str]]:
        rows = []
        with self.lock:
            for trade in self.trades.values():
                if trade.paid_at.startswith(day):
                    rows.append(self._row(trade, "交易", trade.total_fen, trade.paid_at, ""))
                for number, refund in trade.refunds.items():
                    if refund["at"].startswith(day):
                        rows.append(self._row(trade, "退款", -refund["fen"], refund["at"], number))
            rows.extend(self.extra_bill_rows.get(day, []))
        return rows

    def _row(self, trade: AlipayTrade, kind: str, fen: int, at: str, request: str) -> list[str]:
        amount = ("-" if fen < 0 else "") + yuan_string(abs(fen))
        fee = (Decimal(abs(fen)) * Decimal("0.006") / 100).quantize(Decimal("0.01"))
        return [
            trade.trade_no,
            trade.out_trade_no,
            kind,
            trade.subject,
            trade.created_at,
            at,
            "",
            "",
            "",
            "",
            "csq***@sandbox.com",
            amount,
            amount,
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "",
            "0.00",
            "0.00",
            request,
            ("-" if fen > 0 else "") + str(fee),
            "0.00",
            "",
        ]

    def bill_zip(self, day: str) -> bytes:
        """The trade bill as the console exports it: a zip of two GBK CSV files, comments
        starting with `#`, values padded with a tab."""
        rows = self.bill_rows(day)
        compact = day.replace("-", "")
        lines = [
            "#支付宝业务明细查询",
            f"#账号：[{self.keys.alipay_seller_id}0156]",
            f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]",
            "#" + "-" * 41 + "业务明细列表" + "-" * 40,
            BILL_COLUMNS,
            *[",".join(f"{value}\t" for value in row) for row in rows],
            "#" + "-" * 41 + "业务明细列表结束" + "-" * 36,
            f"#交易合计：{sum(1 for r in rows if r[2] == '交易')}笔，"
            f"退款合计：{sum(1 for r in rows if r[2] == '退款')}笔",
            f"#导出时间：[{now_text()}]",
        ]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            name = f"{self.keys.alipay_seller_id}0156_{compact}_业务明细.csv"
            archive.writestr(name, "\r\n".join(lines).encode("gbk"))
            summary = f"{self.keys.alipay_seller_id}0156_{compact}_业务明细(汇总).csv"
            archive.writestr(summary, "#支付宝业务汇总查询\r\n".encode("gbk"))
        return buffer.getvalue()
