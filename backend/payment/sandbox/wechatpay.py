"""WeChat Pay API v3 (直连商户), as a stand-in (https://pay.weixin.qq.com/doc/v3/merchant/).

Requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
signature="…",timestamp="…",serial_no="…"`, the signature being RSA-SHA256 by the merchant's
API key over `METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`. Responses and notifications are
signed by the platform key over `TIMESTAMP\\nNONCE\\nBODY\\n` in the `Wechatpay-Timestamp`,
`-Nonce`, `-Signature`, `-Serial` and `-Signature-Type` headers. Platform certificates
(/v3/certificates) and notification resources are encrypted with the APIv3 key
(AEAD_AES_256_GCM, base64 ciphertext with its tag, a 12-character nonce, associated data).

Implemented: /v3/pay/transactions/{native,h5,jsapi}, query and close by out_trade_no,
/v3/refund/domestic/refunds (create and query), /v3/bill/tradebill and its download,
/v3/certificates, and the TRANSACTION.SUCCESS / REFUND.SUCCESS notifications.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.payment.sandbox.alipay import sign_rsa2, verify_rsa2

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUTHORIZATION = re.compile(r'(\w+)="([^"]*)"')

BILL_COLUMNS = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)


def rfc3339() -> str:
    return datetime.datetime.now(SHANGHAI).replace(microsecond=0).isoformat()


def fen_text(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


class WeChatError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class WeChatTrade:
    out_trade_no: str
    trade_type: str
    description: str
    total: int
    currency: str
    notify_url: str
    payer: dict[str, Any]
    prepay_id: str = field(default_factory=lambda: "wx" + secrets.token_hex(15))
    transaction_id: str = ""
    state: str = "NOTPAY"
    success_time: str = ""
    created: str = field(default_factory=rfc3339)
    code: str = field(default_factory=lambda: secrets.token_urlsafe(9))
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def refunded(self) -> int:
        return sum(r["amount"]["refund"] for r in self.refunds.values())


class WeChatPayStandIn:
    def __init__(self, keys, *, base_url: str = "") -> None:
        self.keys = keys
        self.base_url = base_url
        self.trades: dict[str, WeChatTrade] = {}
        self.by_code: dict[str, str] = {}
        self.notifications: list[tuple[str, dict[str, str], bytes]] = []
        self.extra_bill_rows: dict[str, list[list[str]]] = {}
        # "微信支付公钥" mode (merchants since 2024): signatures name this id instead of the
        # platform certificate's serial; the key is the same platform key here.
        self.public_key_id = ""
        self.lock = threading.RLock()

    # --- signatures and encryption ------------------------------------------------------

    def verify_authorization(self, method: str, path: str, body: str, header: str) -> bool:
        if not header.startswith("WECHATPAY2-SHA256-RSA2048 "):
            return False
        fields = dict(AUTHORIZATION.findall(header))
        if fields.get("mchid") != self.keys.wechat_mchid:
            return False
        if fields.get("serial_no") != self.keys.wechat_merchant_serial_no:
            return False
        try:
            if abs(time.time() - int(fields.get("timestamp", "0"))) > 300:
                return False
        except ValueError:
            return False
        message = (
            f"{method}\n{path}\n{fields['timestamp']}\n{fields.get('nonce_str', '')}\n{body}\n"
        )
        return verify_rsa2(
            self.keys.wechat_merchant_public_key, message, fields.get("signature", "")
        )

    def signed_headers(self, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16).upper()
        message = f"{timestamp}\n{nonce}\n{body.decode('utf-8')}\n"
        return {
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign_rsa2(self.keys.wechat_platform_private_key, message),
            "Wechatpay-Serial": self.public_key_id or self.keys.wechat_platform_serial_no,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def encrypt(self, plaintext: str, associated_data: str) -> dict[str, str]:
        nonce = secrets.token_hex(6)
        aes = AESGCM(self.keys.wechat_apiv3_key.encode("utf-8"))
        data = aes.encrypt(
            nonce.encode("utf-8"), plaintext.encode("utf-8"), associated_data.encode()
        )
        return {
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(data).decode("ascii"),
            "associated_data": associated_data,
            "nonce": nonce,
        }

    def certificates(self) -> dict[str, Any]:
        now = datetime.datetime.now(SHANGHAI).replace(microsecond=0)
        return {
            "data": [
                {
                    "serial_no": self.keys.wechat_platform_serial_no,
                    "effective_time": (now - datetime.timedelta(days=1)).isoformat(),
                    "expire_time": (now + datetime.timedelta(days=365 * 5)).isoformat(),
                    "encrypt_certificate": self.encrypt(
                        self.keys.wechat_platform_certificate, "certificate"
                    ),
                }
            ]
        }

    def notification(
        self, event_type: str, resource: dict[str, Any], original_type: str, summary: str
    ) -> tuple[dict[str, str], bytes]:
        """A notification's headers and body as WeChat Pay sends them (also kept)."""
        encrypted = self.encrypt(json.dumps(resource, ensure_ascii=False), original_type)
        body = json.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": rfc3339(),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": summary,
                "resource": {"original_type": original_type, **encrypted},
            },
            ensure_ascii=False,
        ).encode("utf-8")
        headers = self.signed_headers(body)
        return headers, body

    # --- payments -----------------------------------------------------------------------

    def create(self, trade_type: str, body: dict[str, Any]) -> dict[str, Any]:
        for name in ("appid", "mchid", "description", "out_trade_no", "notify_url", "amount"):
            if not body.get(name):
                raise WeChatError(400, "PARAM_ERROR", f"缺少参数 {name}")
        if body["appid"] != self.keys.wechat_appid or body["mchid"] != self.keys.wechat_mchid:
            raise WeChatError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        number = str(body["out_trade_no"])
        if not 6 <= len(number) <= 32:
            raise WeChatError(400, "PARAM_ERROR", "out_trade_no 长度应为 6-32")
        amount = body["amount"]
        total = amount.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
            raise WeChatError(400, "PARAM_ERROR", "amount.total 应为正整数（分）")
        currency = amount.get("currency", "CNY")
        if trade_type == "JSAPI" and not (body.get("payer") or {}).get("openid"):
            raise WeChatError(400, "PARAM_ERROR", "JSAPI 下单需要 payer.openid")
        if trade_type == "MWEB" and not (body.get("scene_info") or {}).get("h5_info"):
            raise WeChatError(400, "PARAM_ERROR", "H5 下单需要 scene_info.h5_info")
        with self.lock:
            trade = self.trades.get(number)
            if trade is not None:
                if trade.total != total or trade.trade_type != trade_type:
                    raise WeChatError(403, "OUT_TRADE_NO_USED", "商户订单号重复")
                if trade.state == "CLOSED":
                    raise WeChatError(400, "ORDER_CLOSED", "订单已关闭")
            else:
                trade = WeChatTrade(
                    out_trade_no=number,
                    trade_type=trade_type,
                    description=str(body["description"]),
                    total=total,
                    currency=currency,
                    notify_url=str(body["notify_url"]),
                    payer=body.get("payer") or {},
                )
                self.trades[number] = trade
                self.by_code[trade.code] = number
                trade.payer.setdefault("openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        if trade_type == "NATIVE":
            return {"code_url": f"weixin://wxpay/bizpayurl?pr={trade.code}"}
        if trade_type == "MWEB":
            return {
                "h5_url": f"{self.base_url}/wechatpay/h5pay?prepay_id={trade.prepay_id}"
                f"&package={trade.code}"
            }
        return {"prepay_id": trade.prepay_id}

    def trade_by_prepay(self, prepay_id: str) -> WeChatTrade | None:
        return next((t for t in self.trades.values() if t.prepay_id == prepay_id), None)

    def trade_by_code(self, code: str) -> WeChatTrade | None:
        number = self.by_code.get(code)
        return self.trades.get(number) if number else None

    def resource(self, trade: WeChatTrade, *, total: int | None = None, currency: str = "") -> dict:
        total = trade.total if total is None else total
        body: dict[str, Any] = {
            "appid": self.keys.wechat_appid,
            "mchid": self.keys.wechat_mchid,
            "out_trade_no": trade.out_trade_no,
            "trade_type": trade.trade_type if trade.trade_type != "MWEB" else "MWEB",
            "trade_state": trade.state,
            "trade_state_desc": {
                "SUCCESS": "支付成功",
                "NOTPAY": "未支付",
                "CLOSED": "已关闭",
                "REFUND": "转入退款",
            }.get(trade.state, trade.state),
            "amount": {
                "total": total,
                "payer_total": total,
                "currency": currency or trade.currency,
                "payer_currency": currency or trade.currency,
            },
            "payer": {"openid": trade.payer.get("openid", "")},
        }
        if trade.transaction_id:
            body.update(
                transaction_id=trade.transaction_id,
                bank_type="OTHERS",
                success_time=trade.success_time,
            )
        return body

    def pay(
        self, out_trade_no: str, *, total: int | None = None, currency: str = ""
    ) -> tuple[dict[str, str], bytes]:
        """The shopper pays (scans the code, confirms in the H5 page): the trade succeeds and
        the TRANSACTION.SUCCESS notification is built and kept. `total`/`currency` forge what
        the notification reports, for tests of a wrong amount or currency."""
        with self.lock:
            trade = self.trades[out_trade_no]
            if trade.state == "NOTPAY":
                trade.state = "SUCCESS"
                trade.transaction_id = "42000" + secrets.token_hex(12)[:23]
                trade.success_time = rfc3339()
            headers, body = self.notification(
                "TRANSACTION.SUCCESS",
                self.resource(trade, total=total, currency=currency),
                "transaction",
                "支付成功",
            )
            self.notifications.append((trade.notify_url, headers, body))
            return headers, body

    def query(self, out_trade_no: str) -> dict[str, Any]:
        trade = self.trades.get(out_trade_no)
        if trade is None:
            raise WeChatError(404, "ORDER_NOT_EXIST", "订单不存在")
        return self.resource(trade)

    def close(self, out_trade_no: str) -> None:
        with self.lock:
            trade = self.trades.get(out_trade_no)
            if trade is None:
                raise WeChatError(404, "ORDER_NOT_EXIST", "订单不存在")
            if trade.state in ("SUCCESS", "REFUND"):
                raise WeChatError(400, "ORDERPAID", "订单已支付")
            trade.state = "CLOSED"

    def refund(self, body: dict[str, Any]) -> dict[str, Any]:
        number = str(body.get("out_trade_no") or "")
        refund_no = str(body.get("out_refund_no") or "")
        amount = body.get("amount") or {}
        refund = amount.get("refund")
        if not refund_no or isinstance(refund, bool) or not isinstance(refund, int) or refund <= 0:
            raise WeChatError(400, "PARAM_ERROR", "参数错误")
        with self.lock:
            trade = self.trades.get(number)
            if trade is None:
                raise WeChatError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
            existing = trade.refunds.get(refund_no)
            if existing is not None:
                if existing["amount"]["refund"] != refund:
                    raise WeChatError(400, "INVALID_REQUEST", "退款单号已用于另一金额")
                return existing
            if trade.state not in ("SUCCESS", "REFUND"):
                raise WeChatError(400, "INVALID_REQUEST", "订单未支付")
            if amount.get("total") != trade.total:
                raise WeChatError(400, "INVALID_REQUEST", "订单金额与原订单不一致")
            if trade.refunded + refund > trade.total:
                raise WeChatError(403, "NOT_ENOUGH", "可退金额不足")
            record = {
                "refund_id": "50300" + secrets.token_hex(12)[:24],
                "out_refund_no": refund_no,
                "transaction_id": trade.transaction_id,
                "out_trade_no": number,
                "channel": "ORIGINAL",
                "user_received_account": "支付用户零钱",
                "create_time": rfc3339(),
                "status": "PROCESSING",
                "funds_account": "AVAILABLE",
                "amount": {
                    "total": trade.total,
                    "refund": refund,
                    "payer_total": trade.total,
                    "payer_refund": refund,
                    "currency": "CNY",
                },
                "goods_detail": body.get("goods_detail") or [],
                "notify_url": body.get("notify_url") or trade.notify_url,
            }
            trade.refunds[refund_no] = record
            trade.state = "REFUND"
            return dict(record)

    def settle_refund(self, out_refund_no: str) -> tuple[str, dict[str, str], bytes]:
        """The refund reaches the shopper: SUCCESS, and the REFUND.SUCCESS notification."""
        with self.lock:
            for trade in self.trades.values():
                record = trade.refunds.get(out_refund_no)
                if record is None:
                    continue
                record["status"] = "SUCCESS"
                record["success_time"] = rfc3339()
                resource = {
                    "mchid": self.keys.wechat_mchid,
                    "out_trade_no": trade.out_trade_no,
                    "transaction_id": trade.transaction_id,
                    "out_refund_no": out_refund_no,
                    "refund_id": record["refund_id"],
                    "refund_status": "SUCCESS",
                    "success_time": record["success_time"],
                    "user_received_account": record["user_received_account"],
                    "amount": {
                        "total": record["amount"]["total"],
                        "refund": record["amount"]["refund"],
                        "payer_total": record["amount"]["total"],
                        "payer_refund": record["amount"]["refund"],
                    },
                }
                headers, body = self.notification("REFUND.SUCCESS", resource, "refund", "退款成功")
                self.notifications.append((record["notify_url"], headers, body))
                return record["notify_url"], headers, body
        raise KeyError(out_refund_no)

    def query_refund(self, out_refund_no: str) -> dict[str, Any]:
        for trade in self.trades.values():
            if out_refund_no in trade.refunds:
                return trade.refunds[out_refund_no]
        raise WeChatError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")

    # --- the bill -----------------------------------------------------------------------

    def bill_rows(self, day: str) -> list[list[str]]:
        rows = []
        with self.lock:
            for trade in self.trades.values():
                if trade.success_time.startswith(day):
                    rows.append(self._row(trade, trade.success_time, trade.total, None))
                for record in trade.refunds.values():
                    if record["create_time"].startswith(day):
                        rows.append(self._row(trade, record["create_time"], trade.total, record))
            rows.extend(self.extra_bill_rows.get(day, []))
        return rows

    def _row(self, trade: WeChatTrade, at: str, total: int, refund: dict | None) -> list[str]:
        refunded = refund["amount"]["refund"] if refund else 0
        return [
            at.replace("T", " ")[:19],
            self.keys.wechat_appid,
            self.keys.wechat_mchid,
            "0",
            "",
            trade.transaction_id,
            trade.out_trade_no,
            trade.payer.get("openid", ""),
            {"MWEB": "MWEB"}.get(trade.trade_type, trade.trade_type),
            "REFUND" if refund else "SUCCESS",
            "OTHERS",
            "CNY",
            fen_text(0 if refund else total),
            "0.00",
            refund["refund_id"] if refund else "0",
            refund["out_refund_no"] if refund else "0",
            fen_text(refunded),
            "0.00",
            "ORIGINAL" if refund else "",
            refund["status"] if refund else "",
            trade.description,
            "",
            "0.00",
            "0.60%",
            fen_text(total if not refund else 0),
            fen_text(refunded),
            "",
        ]

    def trade_bill(self, day: str) -> bytes:
        """The trade bill, gzip-compressed CSV whose values are prefixed with a backquote."""
        rows = self.bill_rows(day)
        lines = [BILL_COLUMNS, *[",".join(f"`{value}" for value in row) for row in rows]]
        lines.append(
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
        )
        lines.append(f"`{len(rows)},`0.00,`0.00,`0.00,`0.00,`0.00,`0.00")
        return gzip.compress(("\r\n".join(lines) + "\r\n").encode("utf-8"), mtime=0)

    def bill_descriptor(self, day: str, token: str) -> dict[str, Any]:
        content = self.trade_bill(day)
        return {
            "hash_type": "SHA1",
            "hash_value": hashlib.sha1(content).hexdigest(),
            "download_url": f"{self.base_url}/wechatpay/v3/billdownload/file?token={token}",
        }
