# ruff: noqa: F811  (the county fixture is imported from the storefront checkout tests)
"""The web checkout's payment step with Alipay and WeChat Pay, without JavaScript: the waiting
page asks the gateway (the local stand-in, see conftest) on every load and places the order
once it is paid; a desktop gets Alipay's PC cashier or WeChat Pay's QR code, a phone the WAP
cashier or WeChat's H5 page."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from backend.order.models import Order
from backend.payment.models import TransactionItem
from tests.payment.native.conftest import open_cashier, post_alipay
from tests.storefront_checkout.conftest import (  # noqa: F401  (the county fixture)
    add_to_cart,
    checkout_to_review,
    county,
)

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def place(client, county, gateway, **headers):
    add_to_cart(client, county.rice, 2)
    review = checkout_to_review(client, county, gateway=gateway)
    assert review.status_code == 200
    response = client.post("/checkout/place/", **headers)
    assert response.status_code == 302
    return response["Location"]


def test_both_gateways_are_offered_when_configured(client, county, sandbox, settings):
    add_to_cart(client, county.rice)
    checkout_to_review(client, county)
    html = client.get("/checkout/payment/").content.decode()
    assert 'value="alipay"' in html and 'value="wechatpay"' in html
    settings.ALIPAY_APP_ID = ""
    html = client.get("/checkout/payment/").content.decode()
    assert 'value="alipay"' not in html and 'value="wechatpay"' in html


def test_alipay_on_a_desktop_goes_to_the_cashier_and_places_the_order_once_paid(
    client, county, sandbox
):
    location = place(client, county, "alipay")
    assert location == "/checkout/pay/wait/?go=1"
    page = client.get(location)
    html = page.content.decode()
    (item,) = TransactionItem.objects.all()
    provider = html.split('content="0;url=')[1].split('"')[0].replace("&amp;", "&")
    assert provider.startswith(sandbox.alipay_gateway_url)
    assert parse_qs(urlsplit(provider).query)["method"] == ["alipay.trade.page.pay"]
    assert page["Content-Security-Policy"]
    number = open_cashier(provider)
    assert Order.objects.count() == 0
    waiting = client.get("/checkout/pay/wait/")
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.content.decode()
    notification = sandbox.alipay.pay(number)
    # Back from Alipay before the notification: the page asks Alipay and places the order.
    done = client.get("/checkout/pay/wait/")
    order = Order.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/orders/{order.pk}/"
    assert order.charge_status == "full" and order.payment_gateway == "alipay"
    assert post_alipay(notification).content == b"success"
    item.refresh_from_db()
    assert item.order_id == order.pk and item.charged_value == order.total_gross_amount


def test_alipay_on_a_phone_is_wap_pay(client, county, sandbox):
    place(client, county, "alipay", HTTP_USER_AGENT=PHONE)
    html = client.get("/checkout/pay/wait/?go=1", HTTP_USER_AGENT=PHONE).content.decode()
    provider = html.split('content="0;url=')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(provider).query)["method"] == ["alipay.trade.wap.pay"]


def test_wechatpay_on_a_desktop_shows_the_qr_code_until_paid(client, county, sandbox):
    location = place(client, county, "wechatpay")
    assert location == "/checkout/pay/wait/"
    html = client.get(location).content.decode()
    assert 'src="data:image/svg+xml' in html and "扫一扫" in html
    assert client.get("/checkout/pay/status/").json() == {"paid": False}
    (item,) = TransactionItem.objects.all()
    sandbox.wechatpay.pay(item.token.hex)
    assert client.get("/checkout/pay/status/").json() == {"paid": True}
    done = client.get("/checkout/pay/wait/")
    order = Order.objects.get()
    assert done["Location"] == f"/orders/{order.pk}/" and order.charge_status == "full"


def test_wechatpay_on_a_phone_browser_is_h5_returning_to_the_waiting_page(client, county, sandbox):
    place(client, county, "wechatpay", HTTP_USER_AGENT=PHONE)
    html = client.get("/checkout/pay/wait/?go=1", HTTP_USER_AGENT=PHONE).content.decode()
    provider = html.split('content="0;url=')[1].split('"')[0].replace("&amp;", "&")
    assert provider.startswith(sandbox.url + "/wechatpay/h5pay?prepay_id=")
    back = unquote(parse_qs(urlsplit(provider).query)["redirect_url"][0])
    assert urlsplit(back).path == "/checkout/pay/wait/"
