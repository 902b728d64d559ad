"""Sign-up and login by mobile number on the web pages, the cart following the shopper into
the account, logout, the order list and the address book."""

from __future__ import annotations

import re

import pytest

from backend.account.models import User
from backend.checkout.models import Checkout
from backend.order.models import Order
from tests.factories import AddressFactory, UserFactory
from tests.storefront_checkout.conftest import add_to_cart, address_form, place_order

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
E164 = "+8613912345678"


def _field_errors(html: str, field: str) -> list[str]:
    return re.findall(
        rf'<p class="field-error" id="id_{field}-error" role="alert">([^<]*)</p>', html
    )


def _send_code(client, purpose: str, phone: str = PHONE):
    return client.post("/account/code/", {"phone": phone, "purpose": purpose})


def test_signup_by_texted_code_signs_the_shopper_in(client, county, sms):
    response = _send_code(client, "register")
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码已发送" in html
    assert f'value="{PHONE}"' in html  # the number stays in the form
    code = sms.code(E164)
    response = client.post(
        "/account/signup/", {"phone": PHONE, "code": code, "password": "", "next": "/checkout/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    user = User.objects.get(phone=E164)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.has_usable_password()


def test_signup_with_a_wrong_code_is_refused_next_to_the_code(client, county, sms):
    _send_code(client, "register")
    wrong = "000000" if sms.code(E164) != "000000" else "111111"
    response = client.post("/account/signup/", {"phone": PHONE, "code": wrong})
    assert response.status_code == 200
    assert _field_errors(response.content.decode(), "code") == ["验证码不正确或已失效。"]
    assert not User.objects.filter(phone=E164).exists()


def test_signup_without_a_code_asks_for_it(client, county):
    response = client.post("/account/signup/", {"phone": PHONE, "code": ""})
    assert _field_errors(response.content.decode(), "code") == ["请填写短信验证码。"]


def test_a_code_for_an_invalid_number_is_refused_next_to_the_number(client, county, sms):
    response = _send_code(client, "register", phone="12345")
    html = response.content.decode()
    assert _field_errors(html, "phone") == ["请输入有效的中国大陆手机号。"]
    assert _field_errors(html, "code") == []


def test_an_unknown_purpose_is_not_found(client, county):
    assert _send_code(client, "account_delete").status_code == 404


def test_login_by_texted_code(client, county, sms):
    user = UserFactory(phone=E164)
    _send_code(client, "login")
    response = client.post("/account/login/", {"phone": PHONE, "code": sms.code(E164)})
    assert response.status_code == 302
    assert response["Location"] == "/account/orders/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_password_and_a_wrong_password_in_chinese(client, county):
    user = UserFactory(phone=E164)
    response = client.post("/account/login/", {"phone": PHONE, "password": "wrong-password"})
    assert _field_errors(response.content.decode(), "password") == ["手机号或密码不正确。"]
    assert "_auth_user_id" not in client.session
    response = client.post("/account/login/", {"phone": PHONE, "password": "secret-password-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_needs_a_password_or_a_code(client, county):
    response = client.post("/account/login/", {"phone": PHONE})
    assert _field_errors(response.content.decode(), "password") == ["请输入密码或短信验证码。"]


def test_the_next_url_must_stay_on_this_site(client, county):
    UserFactory(phone=E164)
    response = client.post(
        "/account/login/",
        {"phone": PHONE, "password": "secret-password-1", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/account/orders/"


def test_the_cart_filled_while_signed_out_joins_the_account_on_login(client, county):
    user = UserFactory(phone=E164)
    earlier = Checkout.objects.create(channel=county.channel, user=user, currency="CNY")
    earlier.lines.create(variant=county.millet, quantity=2)
    add_to_cart(client, county.rice, 3)
    guest_token = client.session["storefront_checkout_token"]
    client.post("/account/login/", {"phone": PHONE, "password": "secret-password-1"})
    checkout = Checkout.objects.get(user=user)
    assert str(checkout.token) == guest_token == client.session["storefront_checkout_token"]
    quantities = {line.variant_id: line.quantity for line in checkout.lines.all()}
    assert quantities == {county.rice.pk: 3, county.millet.pk: 2}
    html = client.get("/cart/").content.decode()
    assert "东王集大米" in html and "小米" in html


def test_login_with_an_empty_cart_picks_up_the_accounts_cart(client, county):
    user = UserFactory(phone=E164)
    earlier = Checkout.objects.create(channel=county.channel, user=user, currency="CNY")
    earlier.lines.create(variant=county.millet, quantity=1)
    client.post("/account/login/", {"phone": PHONE, "password": "secret-password-1"})
    assert client.session["storefront_checkout_token"] == str(earlier.token)


def test_logout_is_a_post(client, county):
    user = UserFactory(phone=E164)
    client.force_login(user)
    assert client.get("/account/logout/").status_code == 405
    assert client.post("/account/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_pages_ask_to_sign_in(client, county):
    for path in ("/account/orders/", "/account/addresses/", "/account/addresses/new/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/account/login/?next={path}"


def test_the_order_list_shows_the_shoppers_own_orders(client, county):
    user = UserFactory(phone=E164)
    client.force_login(user)
    mine = place_order(client, county)
    client.force_login(UserFactory(phone="+8613900009999"))
    theirs = place_order(client, county)
    client.force_login(user)
    html = client.get("/account/orders/").content.decode()
    assert f'href="/orders/{mine.pk}/"' in html
    assert str(theirs.pk) not in html
    assert Order.objects.count() == 2


def test_the_address_book_adds_edits_sets_default_and_deletes(client, county):
    user = UserFactory(phone=E164)
    client.force_login(user)
    response = client.post("/account/addresses/new/", address_form(county.village))
    assert response["Location"] == "/account/addresses/"
    address = user.addresses.get()
    assert (address.town, address.village) == (county.town, county.village)
    html = client.get("/account/addresses/").content.decode()
    assert "伊山镇大伊山村" in html
    edit = address_form(county.other_village, full_name="李四")
    assert client.post(f"/account/addresses/{address.pk}/edit/", edit).status_code == 302
    address.refresh_from_db()
    assert (address.full_name, address.village) == ("李四", county.other_village)
    client.post(f"/account/addresses/{address.pk}/default/")
    user.refresh_from_db()
    assert user.default_shipping_address == address
    client.post(f"/account/addresses/{address.pk}/delete/")
    assert not user.addresses.exists()
    user.refresh_from_db()
    assert user.default_shipping_address is None


def test_the_address_book_refuses_a_village_of_another_town(client, county):
    user = UserFactory(phone=E164)
    client.force_login(user)
    data = address_form(county.village, village=county.other_village.code)
    response = client.post("/account/addresses/new/", data)
    assert _field_errors(response.content.decode(), "village") == ["所选村/社区不属于伊山镇。"]
    assert not user.addresses.exists()


def test_someone_elses_address_is_not_found(client, county):
    owner = UserFactory(phone="+8613900007777")
    address = AddressFactory()
    owner.addresses.add(address)
    client.force_login(UserFactory(phone=E164))
    assert client.get(f"/account/addresses/{address.pk}/edit/").status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/delete/").status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/default/").status_code == 404
    assert owner.addresses.filter(pk=address.pk).exists()


def test_checkout_starts_from_the_default_address(client, county):
    user = UserFactory(phone=E164)
    client.force_login(user)
    client.post("/account/addresses/new/", address_form(county.village, full_name="赵六"))
    client.post(f"/account/addresses/{user.addresses.get().pk}/default/")
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": PHONE})
    html = client.get("/checkout/address/").content.decode()
    assert 'value="赵六"' in html
    assert '<option value="320723100001" selected>大伊山村</option>' in html
