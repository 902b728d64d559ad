"""Fixtures for the native Alipay and WeChat Pay tests.

Neither provider can be reached from a test machine: `backend.payment.sandbox` serves their
HTTP contracts on 127.0.0.1 with keys and a platform certificate generated for the session,
and the settings give the production gateways (python-alipay-sdk, wechatpayv3) its address
and keys exactly as an operator gives the real ones. Notifications the stand-in builds are
delivered with Django's test client, signed and encrypted as the providers send them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from backend.payment.sandbox.server import PaymentSandbox
from backend.payment.services import initialize_transaction


@pytest.fixture(scope="session")
def sandbox_server():
    server = PaymentSandbox().start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(settings, sandbox_server):
    """The stand-ins, with both gateways configured to talk to them."""
    keys = sandbox_server.keys
    settings.ALIPAY_APP_ID = keys.alipay_app_id
    settings.ALIPAY_APP_PRIVATE_KEY = keys.alipay_app_private_key
    settings.ALIPAY_PUBLIC_KEY = keys.alipay_public_key
    settings.ALIPAY_GATEWAY_URL = sandbox_server.alipay_gateway_url
    settings.WECHATPAY_MCHID = keys.wechat_mchid
    settings.WECHATPAY_APPID = keys.wechat_appid
    settings.WECHATPAY_APIV3_KEY = keys.wechat_apiv3_key
    settings.WECHATPAY_PRIVATE_KEY = keys.wechat_merchant_private_key
    settings.WECHATPAY_CERT_SERIAL_NO = keys.wechat_merchant_serial_no
    settings.WECHATPAY_API_BASE = sandbox_server.wechatpay_api_base
    settings.PAYMENT_NOTIFY_BASE_URL = "http://testserver"
    sandbox_server.auto_notify = False
    sandbox_server.reset()
    return sandbox_server


def start(checkout, gateway: str, **data):
    return initialize_transaction(checkout=checkout, gateway_id=gateway, amount=None, data=data)


def open_cashier(url: str) -> str:
    """What the shopper's browser does with Alipay's pay URL: the stand-in checks the signed
    request and answers with the cashier; returns the trade number it shows."""
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        final = response.geturl()
    assert "/alipay/cashier/" in final
    return urlsplit(final).path.rsplit("/", 1)[-1]


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def post_alipay(params: dict[str, str]):
    return Client().post("/webhooks/alipay/", data=params)


def post_wechatpay(headers: dict[str, str], body: bytes):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return Client().post(
        "/webhooks/wechatpay/", data=body, content_type="application/json", **extra
    )
