"""The checkout pages, step by step: what each shows, what each refuses (in Chinese, next to
the field) and the order it places."""

from __future__ import annotations

import re

import pytest

from backend.checkout.models import Checkout
from backend.order.models import Order, OrderChargeStatus
from backend.payment.models import TransactionItem
from tests.storefront_checkout.conftest import add_to_cart, address_form, checkout_to_review

pytestmark = pytest.mark.django_db


def _field_errors(html: str, field: str) -> list[str]:
    """The error paragraphs rendered right after the field's control."""
    return re.findall(
        rf'<p class="field-error" id="id_{field}-error" role="alert">([^<]*)</p>', html
    )


def test_checkout_without_a_cart_sends_the_shopper_to_the_cart(client, county):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"] == "/cart/"


def test_checkout_starts_at_the_contact_step(client, county):
    add_to_cart(client, county.rice)
    response = client.get("/checkout/")
    assert response["Location"] == "/checkout/contact/"
    page = client.get("/checkout/contact/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="phone"' in html
    assert "csrfmiddlewaretoken" in html
    assert "¥12.80" in html


def test_a_later_step_is_refused_until_the_earlier_ones_are_done(client, county):
    add_to_cart(client, county.rice)
    for step in ("address", "delivery", "payment", "review"):
        response = client.get(f"/checkout/{step}/")
        assert response.status_code == 302
        assert response["Location"] == "/checkout/contact/"


def test_an_invalid_mobile_number_is_refused_next_to_the_field_in_chinese(client, county):
    add_to_cart(client, county.rice)
    response = client.post("/checkout/contact/", {"phone": "12345"})
    assert response.status_code == 200
    assert _field_errors(response.content.decode(), "phone") == ["请输入有效的手机号码。"]
    assert Checkout.objects.get().phone == ""


def test_a_missing_mobile_number_is_refused_in_chinese(client, county):
    add_to_cart(client, county.rice)
    response = client.post("/checkout/contact/", {"phone": ""})
    assert _field_errors(response.content.decode(), "phone") == ["请填写手机号。"]


def test_the_contact_step_stores_the_number_and_moves_on(client, county):
    add_to_cart(client, county.rice)
    response = client.post("/checkout/contact/", {"phone": "138 1234 5678"})
    assert response["Location"] == "/checkout/"
    assert Checkout.objects.get().phone == "+8613812345678"
    assert client.get("/checkout/")["Location"] == "/checkout/address/"


def test_the_address_step_offers_towns_and_every_village_grouped_by_town(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    html = client.get("/checkout/address/").content.decode()
    assert '<option value="320723100">伊山镇</option>' in html
    assert '<optgroup label="伊山镇">' in html
    assert '<optgroup label="杨集镇">' in html
    assert '<option value="320723101001">杨集村</option>' in html
    assert "县外地址" in html


def test_a_village_of_another_town_is_refused_next_to_the_village(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    data = address_form(county.village, village=county.other_village.code)
    response = client.post("/checkout/address/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert _field_errors(html, "village") == ["所选村/社区不属于伊山镇。"]
    assert _field_errors(html, "town") == []
    assert Checkout.objects.get().shipping_address is None


def test_missing_address_fields_are_named_in_chinese(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    data = address_form(county.village, full_name="", town="", village="", postal_code="12")
    html = client.post("/checkout/address/", data).content.decode()
    assert _field_errors(html, "full_name") == ["请填写收货人姓名。"]
    assert _field_errors(html, "town") == ["县内地址请选择乡镇/街道。"]
    assert _field_errors(html, "village") == ["县内地址请选择村/社区。"]
    assert _field_errors(html, "postal_code") == ["邮编应为 6 位数字。"]


def test_an_out_of_county_address_needs_its_district_and_gets_express(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    data = address_form(county.village, scope="other", country_area="江苏省", city="南京市")
    html = client.post("/checkout/address/", data).content.decode()
    assert _field_errors(html, "city_area") == ["请填写区县。"]
    data["city_area"] = "玄武区"
    assert client.post("/checkout/address/", data).status_code == 302
    address = Checkout.objects.get().shipping_address
    assert (address.city, address.city_area, address.village_id) == ("南京市", "玄武区", None)
    html = client.get("/checkout/delivery/").content.decode()
    assert "到站自提" not in html
    assert 'value="pickup:' not in html
    assert 'name="delivery_method"' in html


def test_the_delivery_step_lists_the_village_station_with_hours_distance_and_date(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post("/checkout/address/", address_form(county.village))
    html = client.get("/checkout/delivery/").content.decode()
    assert 'value="pickup:GY-V1"' in html
    assert "大伊山村电商服务站" in html
    assert "大伊山村村委会东侧" in html
    assert re.search(r"营业时间 (08:00–18:00|今天休息)", html)
    assert re.search(r"预计 \d{4}-\d{2}-\d{2} 起可取件", html)
    # Stations other than the village's own are listed with their distance.
    assert re.search(r"距您约 [\d.]+ 公里", html)
    # Home delivery by the station network is offered too.
    assert "送货上门" in html


def test_an_unknown_delivery_method_is_refused_next_to_the_list(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post("/checkout/address/", address_form(county.village))
    response = client.post("/checkout/delivery/", {"delivery_method": "pickup:NOWHERE"})
    assert response.status_code == 200
    errors = _field_errors(response.content.decode(), "delivery_method")
    assert errors == ["这个配送方式不适用于当前地址或商品。"]
    assert Checkout.objects.get().delivery_method_id == ""


def test_the_payment_step_offers_dummy_and_pay_at_station(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post("/checkout/address/", address_form(county.village))
    client.post("/checkout/delivery/", {"delivery_method": "pickup:GY-V1"})
    html = client.get("/checkout/payment/").content.decode()
    assert 'value="dummy"' in html
    assert 'value="pay_at_station"' in html
    assert 'value="stripe"' not in html  # not configured
    response = client.post("/checkout/payment/", {"gateway": "stripe"})
    assert _field_errors(response.content.decode(), "gateway") == [
        "这个支付方式暂不可用，请选择其他方式。"
    ]


def test_stripe_without_alipay_is_shown_as_unavailable_on_the_web_pages(client, county, settings):
    """Cards and WeChat Pay need Stripe.js, which the pages do not load: only Alipay, which
    finishes on Alipay's own page, is offered on the web (tests/storefront_checkout/
    test_alipay.py)."""
    settings.STRIPE_SECRET_KEY = "sk_test_storefront"
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["card", "wechat_pay"]
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post("/checkout/address/", address_form(county.village))
    client.post("/checkout/delivery/", {"delivery_method": "pickup:GY-V1"})
    html = client.get("/checkout/payment/").content.decode()
    assert re.search(r'value="stripe"[^>]* disabled', html)
    assert "网页版暂不支持在线支付" in html
    response = client.post("/checkout/payment/", {"gateway": "stripe"})
    assert response.status_code == 200
    assert TransactionItem.objects.count() == 0


def test_the_review_shows_lines_address_delivery_payment_and_totals(client, county):
    add_to_cart(client, county.rice, 2)
    response = checkout_to_review(client, county)
    html = response.content.decode()
    assert response.status_code == 200
    assert "东王集大米" in html
    assert "王小梅" in html
    assert "伊山镇大伊山村" in html
    assert "大伊山村电商服务站" in html
    assert "模拟支付" in html
    assert "¥25.60" in html
    assert 'action="/checkout/place/"' in html


def test_a_guest_places_the_order_and_lands_on_its_page(client, county):
    add_to_cart(client, county.rice, 2)
    checkout_to_review(client, county)
    response = client.post("/checkout/place/", {"customer_note": "放门卫室"})
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.user is None
    assert order.user_phone == "+8613812345678"
    assert order.charge_status == OrderChargeStatus.FULL
    assert order.customer_note == "放门卫室"
    assert order.delivery_method_id == "pickup:GY-V1"
    assert not Checkout.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert f"订单 {order.number}" in html
    assert "¥25.60" in html
    # The session's cart is gone: the cart page is empty again.
    assert "购物车是空的" in client.get("/cart/").content.decode()


def test_placing_twice_returns_the_same_order(client, county):
    add_to_cart(client, county.rice)
    checkout_to_review(client, county)
    token = client.session["storefront_checkout_token"]
    first = client.post("/checkout/place/")
    session = client.session
    session["storefront_checkout_token"] = token  # a retry from a stale tab of the same session
    session.save()
    second = client.post("/checkout/place/")
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_pay_at_station_places_an_unpaid_order_to_collect_at_the_station(client, county):
    add_to_cart(client, county.rice)
    checkout_to_review(client, county, gateway="pay_at_station")
    response = client.post("/checkout/place/")
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.payment_gateway == "pay_at_station"
    assert order.charge_status == OrderChargeStatus.NONE
    assert "到站付款" in client.get(response["Location"]).content.decode()


def test_a_failed_completion_sends_the_shopper_back_with_the_reason(client, county):
    add_to_cart(client, county.rice)
    checkout_to_review(client, county)
    # The station stops offering pickup between the review and the click.
    county.village_station.capabilities = ["parcel_send_receive"]
    county.village_station.save()
    county.town_station.capabilities = ["parcel_send_receive"]
    county.town_station.save()
    county.centre.capabilities = ["parcel_send_receive"]
    county.centre.save()
    response = client.post("/checkout/place/", follow=True)
    assert not Order.objects.exists()
    assert response.redirect_chain[0][0] == "/checkout/delivery/"
    assert "所选配送方式已不适用，请重新选择。" in response.content.decode()


def test_pay_at_station_is_only_for_parcels_collected_at_a_station(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post("/checkout/address/", address_form(county.village))
    html = client.get("/checkout/delivery/").content.decode()
    home_delivery = re.search(
        r'value="([^"]+)"[^>]*>\s*<span class="variant-name"><strong>县内配送', html
    )
    assert home_delivery, html
    client.post("/checkout/delivery/", {"delivery_method": home_delivery.group(1)})
    html = client.get("/checkout/payment/").content.decode()
    assert re.search(r'value="pay_at_station"[^>]* disabled', html)
    assert "仅限到站自提的订单。" in html
    response = client.post("/checkout/payment/", {"gateway": "pay_at_station"})
    assert _field_errors(response.content.decode(), "gateway") == [
        "这个支付方式暂不可用，请选择其他方式。"
    ]
    assert client.post("/checkout/payment/", {"gateway": "dummy"}).status_code == 302


def test_a_too_long_note_is_refused_on_the_review_page(client, county):
    add_to_cart(client, county.rice)
    checkout_to_review(client, county)
    response = client.post("/checkout/place/", {"customer_note": "长" * 501})
    assert response.status_code == 200
    assert _field_errors(response.content.decode(), "customer_note") == [
        "确保该变量包含不超过 500 字符 (目前字符数 501)。"
    ]
    assert not Order.objects.exists()
