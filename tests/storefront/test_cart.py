"""Add to cart without JavaScript (a plain POST with CSRF), the minimal cart page with lines
and totals from the checkout calculations, and errors in Chinese."""

import pytest
from django.test import Client

from backend.catalog.models import ProductChannelListing
from backend.checkout.models import Checkout
from backend.inventory.models import Stock
from backend.storefront.cart import SESSION_KEY

pytestmark = pytest.mark.django_db


def add(client, variant, quantity="1", product="dongwangji-rice"):
    return client.post(
        "/cart/add/", {"variant": str(variant.pk), "quantity": quantity, "product": product}
    )


def test_add_to_cart_creates_a_checkout_and_shows_line_and_total(client, rice):
    small, large = rice.variants.order_by("pk")
    response = add(client, small, "2")
    assert response.status_code == 302 and response["Location"] == "/cart/"
    add(client, large)
    add(client, small)

    checkout = Checkout.objects.get(pk=client.session[SESSION_KEY])
    assert {line.variant_id: line.quantity for line in checkout.lines.all()} == {
        small.pk: 3,
        large.pk: 1,
    }
    html = client.get("/cart/").content.decode()
    assert "东王集大米" in html and "2.5kg 袋装" in html
    assert 'value="3"' in html
    assert "¥38.40" in html  # 3 × ¥12.80
    assert '<dd class="total">¥95.20</dd>' in html  # ¥38.40 + ¥56.80
    assert "已加入购物车。" in html
    assert '<a class="checkout-link" href="/checkout/">' in html


def test_add_to_cart_requires_csrf(rice):
    client = Client(enforce_csrf_checks=True)
    response = add(client, rice.variants.first())
    assert response.status_code == 403
    assert not Checkout.objects.exists()


def test_add_to_cart_works_with_the_token_from_the_product_page(rice):
    client = Client(enforce_csrf_checks=True)
    client.get("/p/dongwangji-rice/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/cart/add/",
        {"variant": rice.variants.first().pk, "quantity": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Checkout.objects.count() == 1


def test_get_is_not_allowed_on_add(client, rice):
    assert client.get("/cart/add/").status_code == 405


def test_too_many_units_show_a_chinese_error_on_the_product_page(client, rice):
    variant = rice.variants.first()
    Stock.objects.filter(product_variant=variant).update(quantity=2)
    response = add(client, variant, "5")
    assert response["Location"] == "/p/dongwangji-rice/"
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert "“东王集大米”库存不足，仅剩 2 件。" in html
    assert not Checkout.objects.exists()


def test_bad_quantity_and_unknown_variant_are_refused(client, rice):
    add(client, rice.variants.first(), "abc")
    assert "数量必须是大于 0 的整数。" in client.get("/p/dongwangji-rice/").content.decode()
    client.post("/cart/add/", {"variant": "999999", "quantity": "1", "product": rice.slug})
    assert "请选择规格。" in client.get("/p/dongwangji-rice/").content.decode()
    assert not Checkout.objects.exists()


def test_unpublished_variant_cannot_be_added(client, rice):
    ProductChannelListing.objects.filter(product=rice).update(is_published=False)
    add(client, rice.variants.first())
    assert not Checkout.objects.exists()


def test_update_quantity_and_remove_line(client, rice):
    variant = rice.variants.first()
    add(client, variant, "2")
    line = Checkout.objects.get().lines.get()
    client.post("/cart/update/", {"line": str(line.pk), "quantity": "4"})
    line.refresh_from_db()
    assert line.quantity == 4
    client.post("/cart/update/", {"line": str(line.pk), "quantity": "0"})
    assert not Checkout.objects.get().lines.exists()
    assert "购物车是空的。" in client.get("/cart/").content.decode()


def test_updating_someone_elses_line_is_refused(client, rice):
    other = Client()
    add(other, rice.variants.first())
    line = Checkout.objects.get().lines.get()
    add(client, rice.variants.last())
    client.post("/cart/update/", {"line": str(line.pk), "quantity": "9"})
    line.refresh_from_db()
    assert line.quantity == 1
    assert "购物车中没有这一行。" in client.get("/cart/").content.decode()


def test_out_of_stock_line_is_flagged_in_place(client, rice):
    variant = rice.variants.first()
    add(client, variant, "3")
    Stock.objects.filter(product_variant=variant).update(quantity=1)
    html = client.get("/cart/").content.decode()
    assert 'class="has-problem"' in html
    assert "库存不足，仅剩 1 件，请减少数量。" in html


def test_empty_cart(client, db):
    html = client.get("/cart/").content.decode()
    assert "购物车是空的。" in html


def test_stale_session_token_is_forgotten(client, rice):
    add(client, rice.variants.first())
    Checkout.objects.all().delete()
    assert "购物车是空的。" in client.get("/cart/").content.decode()
    assert SESSION_KEY not in client.session
