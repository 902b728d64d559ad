"""Where the Alipay and WeChat Pay gateways get their merchant configuration.

Each gateway is on when its whole configuration is in the settings (from the environment; see
docs/operator-guide.md, "Alipay" and "WeChat Pay") and off when none of it is. Keys and
certificates are given either as PEM text or as the path of a PEM file. With
PAYMENT_SANDBOX=1 and no real configuration, both gateways talk to the local stand-ins in
`backend.payment.sandbox` with generated keys, so `make run` can show a payment end to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ALIPAY_SETTINGS = ("ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY")
WECHATPAY_SETTINGS = (
    "WECHATPAY_MCHID",
    "WECHATPAY_APPID",
    "WECHATPAY_APIV3_KEY",
    "WECHATPAY_PRIVATE_KEY",
    "WECHATPAY_CERT_SERIAL_NO",
)


def pem(value: str) -> str:
    """PEM text as given, or read from the file the value names."""
    value = (value or "").strip()
    if not value or value.startswith("-----BEGIN"):
        return value
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    return value


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    app_private_key: str
    alipay_public_key: str
    gateway_url: str
    notify_url: str
    sandbox: bool = False


@dataclass(frozen=True)
class WeChatPayConfig:
    mchid: str
    appid: str
    apiv3_key: str
    private_key: str
    cert_serial_no: str
    api_base: str
    notify_url: str
    public_key: str = ""
    public_key_id: str = ""
    cert_dir: str = ""
    sandbox: bool = False


def notify_base() -> str:
    return (settings.PAYMENT_NOTIFY_BASE_URL or "http://127.0.0.1:8000").rstrip("/")


def missing(names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not getattr(settings, name, "")]


def alipay_config() -> AlipayConfig | None:
    absent = missing(ALIPAY_SETTINGS)
    if not absent:
        return AlipayConfig(
            app_id=settings.ALIPAY_APP_ID,
            app_private_key=pem(settings.ALIPAY_APP_PRIVATE_KEY),
            alipay_public_key=pem(settings.ALIPAY_PUBLIC_KEY),
            gateway_url=settings.ALIPAY_GATEWAY_URL,
            notify_url=notify_base() + "/webhooks/alipay/",
        )
    if len(absent) == len(ALIPAY_SETTINGS) and settings.PAYMENT_SANDBOX:
        from backend.payment.sandbox.runtime import sandbox

        return sandbox().alipay_config(notify_url=notify_base() + "/webhooks/alipay/")
    return None


def wechatpay_config() -> WeChatPayConfig | None:
    absent = missing(WECHATPAY_SETTINGS)
    if not absent:
        return WeChatPayConfig(
            mchid=settings.WECHATPAY_MCHID,
            appid=settings.WECHATPAY_APPID,
            apiv3_key=settings.WECHATPAY_APIV3_KEY,
            private_key=pem(settings.WECHATPAY_PRIVATE_KEY),
            cert_serial_no=settings.WECHATPAY_CERT_SERIAL_NO,
            api_base=settings.WECHATPAY_API_BASE,
            notify_url=notify_base() + "/webhooks/wechatpay/",
            public_key=pem(settings.WECHATPAY_PUBLIC_KEY),
            public_key_id=settings.WECHATPAY_PUBLIC_KEY_ID,
            cert_dir=settings.WECHATPAY_CERT_DIR,
        )
    if len(absent) == len(WECHATPAY_SETTINGS) and settings.PAYMENT_SANDBOX:
        from backend.payment.sandbox.runtime import sandbox

        return sandbox().wechatpay_config(notify_url=notify_base() + "/webhooks/wechatpay/")
    return None
