"""CSRF on every form, the Content-Security-Policy, and shopper text never rendered as markup."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.storefront_checkout.conftest import add_to_cart, address_form

pytestmark = pytest.mark.django_db


def _forms_without_token(html: str) -> list[str]:
    forms = re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, flags=re.S)
    assert forms
    return [form[:80] for form in forms if "csrfmiddlewaretoken" not in form]


def test_every_post_form_of_checkout_carries_a_csrf_token(client, county):
    add_to_cart(client, county.rice)
    pages = ["/checkout/contact/"]
    client.post("/checkout/contact/", {"phone": "13812345678"})
    pages.append("/checkout/address/")
    client.post("/checkout/address/", address_form(county.village))
    pages.append("/checkout/delivery/")
    client.post("/checkout/delivery/", {"delivery_method": "pickup:GY-V1"})
    pages.append("/checkout/payment/")
    client.post("/checkout/payment/", {"gateway": "dummy"})
    pages.append("/checkout/review/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _forms_without_token(response.content.decode()) == [], path
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_post_form_of_the_account_carries_a_csrf_token(client, county):
    for path in ("/account/signup/", "/account/login/"):
        assert _forms_without_token(client.get(path).content.decode()) == [], path
    user = UserFactory(phone="+8613912345678")
    client.force_login(user)
    client.post("/account/addresses/new/", address_form(county.village))
    for path in ("/account/orders/", "/account/addresses/", "/account/addresses/new/"):
        assert _forms_without_token(client.get(path).content.decode()) == [], path


def test_a_post_without_the_csrf_token_is_refused(county):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/account/login/", {"phone": "13912345678"}).status_code == 403
    assert strict.post("/checkout/place/").status_code == 403
    assert strict.post("/account/code/", {"phone": "1", "purpose": "login"}).status_code == 403


def test_shopper_text_is_escaped_on_review_and_order_pages(client, county):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    client.post(
        "/checkout/address/",
        address_form(county.village, full_name="<script>x</script>", street_address="<b>1</b>"),
    )
    client.post("/checkout/delivery/", {"delivery_method": "pickup:GY-V1"})
    client.post("/checkout/payment/", {"gateway": "dummy"})
    html = client.get("/checkout/review/").content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    response = client.post("/checkout/place/", {"customer_note": "<img src=x onerror=alert(1)>"})
    html = client.get(response["Location"]).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>1</b>" not in html
