"""A guest pays for the county's rice in Chromium with each native gateway, through the local
stand-ins (backend/payment/sandbox, on 127.0.0.1, which post their notifications back to the
live server as the providers do):

- Alipay on a 390 px phone: the payment step → WAP cashier → "确认付款" → back on the waiting
  page, which asks Alipay and places the order;
- WeChat Pay on a desktop: the waiting page shows the Native QR code; a second page plays the
  shopper's phone scanning it; the waiting page sees the payment and places the order.

Screenshots: `pay-<gateway>-<nn>-<step>.png` in the screenshots folder (the shopper's guide
uses them)."""

from __future__ import annotations

import re

import pytest

from backend.order.models import Order
from backend.payment.sandbox.server import PaymentSandbox
from tests.browser.conftest import DESKTOP, PHONE, _serve_media, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def live_sandbox(settings, seeded):
    server = PaymentSandbox(auto_notify=True).start()
    keys = server.keys
    settings.ALIPAY_APP_ID = keys.alipay_app_id
    settings.ALIPAY_APP_PRIVATE_KEY = keys.alipay_app_private_key
    settings.ALIPAY_PUBLIC_KEY = keys.alipay_public_key
    settings.ALIPAY_GATEWAY_URL = server.alipay_gateway_url
    settings.WECHATPAY_MCHID = keys.wechat_mchid
    settings.WECHATPAY_APPID = keys.wechat_appid
    settings.WECHATPAY_APIV3_KEY = keys.wechat_apiv3_key
    settings.WECHATPAY_PRIVATE_KEY = keys.wechat_merchant_private_key
    settings.WECHATPAY_CERT_SERIAL_NO = keys.wechat_merchant_serial_no
    settings.WECHATPAY_API_BASE = server.wechatpay_api_base
    settings.PAYMENT_NOTIFY_BASE_URL = seeded
    yield server
    server.stop()


def to_payment_step(page, base: str) -> None:
    page.goto(base + "/p/dongwangji-rice/")
    page.get_by_role("button", name="加入购物车").click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.goto(base + "/checkout/")
    page.wait_for_url(re.compile(r"/checkout/contact/$"))
    page.fill("#id_phone", "13912345678")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/checkout/address/$"))
    page.fill("#id_full_name", "王小梅")
    page.select_option("#id_town", label="伊山镇")
    page.select_option("#id_village", label="大伊山村")
    page.fill("#id_street_address", "三组 12 号")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/checkout/delivery/$"))
    page.locator("label[for^=method-]", has_text="大伊山村电商服务站").click()
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/checkout/payment/$"))


def new_orders(before: set) -> list[Order]:
    """Orders placed by the test (the seed has demo orders of its own)."""
    return list(Order.objects.exclude(pk__in=before))


def fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: {widths[0]} px wide on {widths[1]} px"


def test_paying_with_alipay_on_a_phone(browser, seeded, live_sandbox, screenshots):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", user_agent=PHONE_AGENT)
    context.route("**/media/**", _serve_media)
    page = context.new_page()
    before = set(Order.objects.values_list("pk", flat=True))
    try:
        to_payment_step(page, seeded)
        page.locator("label.variant", has_text="支付宝").click()
        page.screenshot(path=screenshots / "pay-alipay-01-payment.png", full_page=True)
        fits(page)
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/review/$"))
        page.get_by_role("button", name=re.compile("^提交订单")).click()
        # The waiting page sends the phone on to Alipay's cashier (WAP pay on a phone).
        page.wait_for_url(re.compile(r"/alipay/cashier/[0-9a-f]{32}"))
        assert page.url.endswith("method=alipay.trade.wap.pay")
        page.screenshot(path=screenshots / "pay-alipay-02-cashier.png", full_page=True)
        assert not new_orders(before)
        page.get_by_role("button", name="确认付款").click()
        page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"), timeout=30_000)
        (order,) = new_orders(before)
        assert order.charge_status == "full" and order.payment_gateway == "alipay"
        assert f"订单 {order.number}" in page.locator("h1").inner_text()
        fits(page)
        page.screenshot(path=screenshots / "pay-alipay-03-order.png", full_page=True)
    finally:
        context.close()


def test_paying_with_wechatpay_by_qr_code_on_a_desktop(browser, seeded, live_sandbox, screenshots):
    context, page = open_page(browser, viewport=DESKTOP)
    before = set(Order.objects.values_list("pk", flat=True))
    try:
        to_payment_step(page, seeded)
        page.locator("label.variant", has_text="微信支付").click()
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/review/$"))
        page.get_by_role("button", name=re.compile("^提交订单")).click()
        page.wait_for_url(re.compile(r"/checkout/pay/wait/$"))
        qr = page.locator("img.pay-qr")
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        page.screenshot(path=screenshots / "pay-wechatpay-01-qr.png", full_page=True)
        (trade,) = live_sandbox.wechatpay.trades.values()
        # The shopper's phone scans the code and pays (the stand-in's scan page).
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{live_sandbox.url}/wechatpay/scan?pr={trade.code}")
        phone.get_by_role("button", name="确认支付").click()
        phone.wait_for_selector("text=支付成功")
        # The waiting page notices (script poll or meta refresh) and places the order.
        page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"), timeout=30_000)
        (order,) = new_orders(before)
        assert order.charge_status == "full" and order.payment_gateway == "wechatpay"
        page.screenshot(path=screenshots / "pay-wechatpay-02-order.png", full_page=True)
    finally:
        context.close()
