"""The HTTP side of the stand-ins: one loopback server for both providers.

`/alipay/gateway.do` is Alipay's gateway; `/alipay/cashier/<out_trade_no>` the cashier page a
shopper pays on; `/alipay/bill/<day>.zip` a downloaded bill. `/wechatpay/v3/...` is WeChat
Pay's API (the SDK's base URL is `<url>/wechatpay`); `/wechatpay/scan?pr=…` stands for the
shopper's phone scanning a Native QR code, `/wechatpay/h5pay?prepay_id=…` for WeChat's H5
cashier. With `auto_notify` (the demo and the browser tests) the server posts each
notification to the merchant's `notify_url` itself; otherwise tests take them from
`alipay.notifications` / `wechatpay.notifications` and deliver them with Django's client.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from backend.payment.fen import FenError, yuan_string
from backend.payment.sandbox.alipay import AlipayStandIn
from backend.payment.sandbox.keys import SandboxKeys
from backend.payment.sandbox.wechatpay import WeChatError, WeChatPayStandIn

logger = logging.getLogger(__name__)

PAGE = """<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body{{font-family:system-ui,sans-serif;max-width:390px;margin:0 auto;padding:16px;color:#222}}
.box{{border:1px solid #ddd;border-radius:8px;padding:16px;margin:12px 0}}
.amount{{font-size:32px;font-weight:bold;margin:8px 0}}
button{{width:100%;padding:14px;font-size:18px;border:0;border-radius:6px;color:#fff;background:{color}}}
.note{{color:#888;font-size:13px}}</style></head><body>
<h1>{title}</h1><p class="note">本地模拟环境（沙箱），不会发生真实扣款。</p>
<div class="box"><div>{subject}</div><div class="amount">¥{amount}</div>
<div class="note">商户订单号 {number}</div></div>{body}</body></html>"""


class PaymentSandbox:
    """Both stand-ins behind one HTTP server. `start()` binds 127.0.0.1 (port 0: any)."""

    def __init__(self, keys: SandboxKeys | None = None, *, auto_notify: bool = False) -> None:
        self.keys = keys or SandboxKeys.generate()
        self.auto_notify = auto_notify
        self.alipay = AlipayStandIn(self.keys)
        self.wechatpay = WeChatPayStandIn(self.keys)
        self.requests: list[tuple[str, str]] = []
        self.bill_tokens: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # --- lifecycle ----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every trade, refund and notification (tests share one server)."""
        self.alipay = AlipayStandIn(self.keys, base_url=self.url)
        self.wechatpay = WeChatPayStandIn(self.keys, base_url=self.url)
        self.requests.clear()
        self.bill_tokens.clear()

    def start(self, port: int = 0) -> PaymentSandbox:
        sandbox = self

        class Handler(SandboxHandler):
            pass

        Handler.sandbox = sandbox
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.alipay.base_url = self.url
        self.wechatpay.base_url = self.url
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def alipay_gateway_url(self) -> str:
        return f"{self.url}/alipay/gateway.do"

    @property
    def wechatpay_api_base(self) -> str:
        return f"{self.url}/wechatpay"

    # --- notifications ------------------------------------------------------------------

    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """Post a notification the way the providers do: retried a few times on failure."""

        def send() -> None:
            for attempt in range(5):
                request = urllib.request.Request(url, data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        answer = response.read()
                    if response.status == 200 and (b"success" in answer or b"SUCCESS" in answer):
                        return
                    if response.status == 204:
                        return
                except Exception as error:
                    logger.info("Sandbox notification to %s failed: %s", url, error)
                time.sleep(0.3 * (attempt + 1))

        threading.Thread(target=send, daemon=True).start()

    def notify_alipay(self, params: dict[str, str], url: str) -> None:
        if self.auto_notify and url:
            body = urlencode(params).encode("utf-8")
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            self.deliver(url, body, headers)

    def notify_wechatpay(self, url: str, headers: dict[str, str], body: bytes) -> None:
        if self.auto_notify and url:
            self.deliver(url, body, {**headers, "Content-Type": "application/json"})


class SandboxHandler(BaseHTTPRequestHandler):
    sandbox: PaymentSandbox
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sandbox: " + format, *args)

    # --- plumbing -----------------------------------------------------------------------

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, title: str, color: str, subject: str, fen: int, number: str, body: str):
        page = PAGE.format(
            title=html.escape(title),
            color=color,
            subject=html.escape(subject),
            amount=yuan_string(fen),
            number=html.escape(number),
            body=body,
        )
        self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    def do_GET(self) -> None:
        self._dispatch("GET", b"")

    def do_POST(self) -> None:
        self._dispatch("POST", self._body())

    def _dispatch(self, method: str, body: bytes) -> None:
        url = urlsplit(self.path)
        self.sandbox.requests.append((method, self.path))
        try:
            if url.path == "/alipay/gateway.do":
                params = dict(parse_qsl(url.query, keep_blank_values=True))
                if body:
                    params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                return self._alipay_gateway(params)
            if url.path.startswith("/alipay/cashier/"):
                return self._alipay_cashier(method, url.path.rsplit("/", 1)[-1], body)
            if url.path.startswith("/alipay/bill/"):
                day = url.path.rsplit("/", 1)[-1].removesuffix(".zip")
                return self._send(200, self.sandbox.alipay.bill_zip(day), "application/zip")
            if url.path in ("/wechatpay/scan", "/wechatpay/h5pay"):
                return self._wechat_cashier(method, url, body)
            if url.path.startswith("/wechatpay/v3/"):
                return self._wechat_api(method, self.path.removeprefix("/wechatpay"), body)
            self._send(404, b'{"error":"not found"}')
        except Exception:
            logger.exception("sandbox error on %s %s", method, self.path)
            self._send(500, b'{"code":"SYSTEM_ERROR","message":"stand-in error"}')

    # --- Alipay -------------------------------------------------------------------------

    def _alipay_gateway(self, params: dict[str, str]) -> None:
        alipay = self.sandbox.alipay
        method = params.get("method", "")
        if params.get("app_id") != alipay.keys.alipay_app_id or not alipay.verify_request(params):
            error = alipay.error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错")
            return self._send(200, alipay.response(method or "error", error))
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            biz = None
        if not isinstance(biz, dict):
            error = alipay.error("40002", "Invalid Arguments", "isv.invalid-parameter", "参数无效")
            return self._send(200, alipay.response(method, error))
        if method in ("alipay.trade.page.pay", "alipay.trade.wap.pay"):
            try:
                trade = alipay.start_trade(method, params, biz)
            except (KeyError, FenError, ValueError) as error:
                return self._send(
                    400, f"支付请求无效：{error}".encode(), "text/plain; charset=utf-8"
                )
            return self._redirect(f"/alipay/cashier/{trade.out_trade_no}?method={method}")
        handlers = {
            "alipay.trade.query": alipay.query,
            "alipay.trade.refund": alipay.refund,
            "alipay.trade.close": alipay.close,
            "alipay.data.dataservice.bill.downloadurl.query": alipay.bill_url,
        }
        handler = handlers.get(method)
        if handler is None:
            refusal = alipay.error("40004", "Business Failed", "isv.invalid-method", "不支持的接口")
            return self._send(200, alipay.response(method, refusal))
        self._send(200, alipay.response(method, handler(biz)))

    def _alipay_cashier(self, method: str, number: str, body: bytes) -> None:
        alipay = self.sandbox.alipay
        trade = alipay.trades.get(number)
        if trade is None:
            return self._send(404, "交易不存在".encode(), "text/plain; charset=utf-8")
        query = dict(parse_qsl(urlsplit(self.path).query))
        pay_method = query.get("method", "alipay.trade.page.pay")
        if method == "POST":
            params = alipay.pay(number)
            self.sandbox.notify_alipay(params, trade.notify_url)
            if trade.return_url:
                returned = urlencode(alipay.return_params(trade, pay_method))
                separator = "&" if "?" in trade.return_url else "?"
                return self._redirect(f"{trade.return_url}{separator}{returned}")
            return self._send(200, "支付成功".encode(), "text/plain; charset=utf-8")
        if trade.status != "WAIT_BUYER_PAY":
            state = {"TRADE_SUCCESS": "已付款", "TRADE_CLOSED": "交易已关闭"}.get(trade.status, "")
            body_html = f"<p>{html.escape(state or trade.status)}</p>"
        else:
            body_html = (
                f'<form method="post" action="/alipay/cashier/{html.escape(number)}'
                f'?method={html.escape(pay_method)}"><button type="submit">确认付款</button></form>'
            )
        self._page("支付宝 · 收银台", "#1677ff", trade.subject, trade.total_fen, number, body_html)

    # --- WeChat Pay ---------------------------------------------------------------------

    def _wechat_cashier(self, method: str, url, body: bytes) -> None:
        wechat = self.sandbox.wechatpay
        query = dict(parse_qsl(url.query))
        if url.path == "/wechatpay/scan":
            trade = wechat.trade_by_code(query.get("pr", ""))
        else:
            trade = wechat.trade_by_prepay(query.get("prepay_id", ""))
        if trade is None:
            return self._send(404, "订单不存在".encode(), "text/plain; charset=utf-8")
        if method == "POST":
            headers, notification = wechat.pay(trade.out_trade_no)
            self.sandbox.notify_wechatpay(trade.notify_url, headers, notification)
            redirect_url = query.get("redirect_url", "")
            if redirect_url:
                return self._redirect(redirect_url)
            return self._page(
                "微信支付",
                "#07c160",
                trade.description,
                trade.total,
                trade.out_trade_no,
                "<p>支付成功，请回到商户页面查看订单。</p>",
            )
        if trade.state != "NOTPAY":
            state = {"SUCCESS": "已支付", "CLOSED": "订单已关闭", "REFUND": "已支付"}
            body_html = f"<p>{html.escape(state.get(trade.state, trade.state))}</p>"
        else:
            action = html.escape(self.path)
            body_html = (
                f'<form method="post" action="{action}">'
                '<button type="submit">确认支付</button></form>'
            )
        self._page(
            "微信支付", "#07c160", trade.description, trade.total, trade.out_trade_no, body_html
        )

    def _wechat_api(self, method: str, path: str, body: bytes) -> None:
        wechat = self.sandbox.wechatpay
        text = body.decode("utf-8")
        if not wechat.verify_authorization(
            method, path, text, self.headers.get("Authorization", "")
        ):
            return self._wechat_error(WeChatError(401, "SIGN_ERROR", "签名错误"))
        url = urlsplit(path)
        try:
            data = json.loads(text) if text else {}
            status, answer = self._wechat_route(method, url, data)
        except WeChatError as error:
            return self._wechat_error(error)
        except (ValueError, KeyError, TypeError, AttributeError):
            return self._wechat_error(WeChatError(400, "PARAM_ERROR", "参数错误"))
        if isinstance(answer, bytes):
            return self._send(status, answer, "application/octet-stream")
        payload = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode("utf-8")
        self._send(status, payload, headers=wechat.signed_headers(payload))

    def _wechat_route(self, method: str, url, data: dict[str, Any]) -> tuple[int, Any]:
        wechat = self.sandbox.wechatpay
        path = url.path
        query = dict(parse_qsl(url.query))
        trade_types = {"native": "NATIVE", "h5": "MWEB", "jsapi": "JSAPI"}
        if method == "POST" and path.startswith("/v3/pay/transactions/"):
            kind = path.rsplit("/", 1)[-1]
            if kind in trade_types:
                return 200, wechat.create(trade_types[kind], data)
            if kind == "close":
                number = path.split("/")[-2]
                wechat.close(number)
                return 204, None
        if method == "GET" and path.startswith("/v3/pay/transactions/out-trade-no/"):
            if query.get("mchid") != wechat.keys.wechat_mchid:
                raise WeChatError(400, "PARAM_ERROR", "mchid 无效")
            return 200, wechat.query(path.rsplit("/", 1)[-1])
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            return 200, wechat.refund(data)
        if method == "GET" and path.startswith("/v3/refund/domestic/refunds/"):
            return 200, wechat.query_refund(path.rsplit("/", 1)[-1])
        if method == "GET" and path == "/v3/certificates":
            return 200, wechat.certificates()
        if method == "GET" and path == "/v3/bill/tradebill":
            day = query.get("bill_date", "")
            token = secrets.token_hex(12)
            self.sandbox.bill_tokens[token] = day
            return 200, wechat.bill_descriptor(day, token)
        if method == "GET" and path == "/v3/billdownload/file":
            day = self.sandbox.bill_tokens.get(query.get("token", ""), "")
            if not day:
                raise WeChatError(404, "RESOURCE_NOT_EXISTS", "账单不存在")
            return 200, wechat.trade_bill(day)
        raise WeChatError(404, "NOT_FOUND", "接口不存在")

    def _wechat_error(self, error: WeChatError) -> None:
        payload = json.dumps({"code": error.code, "message": error.message}, ensure_ascii=False)
        self._send(error.status, payload.encode("utf-8"))
