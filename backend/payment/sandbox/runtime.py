"""The stand-ins for `make run` with PAYMENT_SANDBOX=1.

The first process that needs a gateway starts the sandbox server on PAYMENT_SANDBOX_PORT in a
background thread (or finds one already listening there, e.g. another web process's or
`manage.py payment_sandbox`'s); keys live in `.data/payment_sandbox/keys.json`, so all of a
demo's processes agree on them. The sandbox posts notifications back to
PAYMENT_NOTIFY_BASE_URL (the dev server, http://127.0.0.1:8000 by default).
"""

from __future__ import annotations

import functools
import socket
import threading
from dataclasses import dataclass

from django.conf import settings

from backend.payment.config import AlipayConfig, WeChatPayConfig
from backend.payment.sandbox.keys import SandboxKeys
from backend.payment.sandbox.server import PaymentSandbox

_lock = threading.Lock()
_server: PaymentSandbox | None = None


def keys_path():
    return settings.BASE_DIR / ".data" / "payment_sandbox" / "keys.json"


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def ensure_server() -> str:
    """The sandbox's base URL, starting it in this process if nobody serves it yet."""
    global _server
    port = settings.PAYMENT_SANDBOX_PORT
    with _lock:
        if _server is None and not _listening(port):
            _server = PaymentSandbox(SandboxKeys.load_or_create(keys_path()), auto_notify=True)
            try:
                _server.start(port)
            except OSError:
                _server = None  # another process won the port meanwhile
    return f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class Sandbox:
    keys: SandboxKeys
    url: str

    def alipay_config(self, *, notify_url: str) -> AlipayConfig:
        return AlipayConfig(
            app_id=self.keys.alipay_app_id,
            app_private_key=self.keys.alipay_app_private_key,
            alipay_public_key=self.keys.alipay_public_key,
            gateway_url=f"{self.url}/alipay/gateway.do",
            notify_url=notify_url,
            sandbox=True,
        )

    def wechatpay_config(self, *, notify_url: str) -> WeChatPayConfig:
        return WeChatPayConfig(
            mchid=self.keys.wechat_mchid,
            appid=self.keys.wechat_appid,
            apiv3_key=self.keys.wechat_apiv3_key,
            private_key=self.keys.wechat_merchant_private_key,
            cert_serial_no=self.keys.wechat_merchant_serial_no,
            api_base=f"{self.url}/wechatpay",
            notify_url=notify_url,
            sandbox=True,
        )


@functools.lru_cache(maxsize=1)
def _sandbox(port: int) -> Sandbox:
    url = ensure_server()
    return Sandbox(keys=SandboxKeys.load_or_create(keys_path()), url=url)


def sandbox() -> Sandbox:
    return _sandbox(settings.PAYMENT_SANDBOX_PORT)
