"""The workspace's pages: sign-in by phone, the 403 page for non-vendors, each page and form
(CSRF, errors next to the field, in Chinese), and the scoping matrix by URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from backend.core.models import AuditLogEntry
from backend.inventory.models import Stock
from backend.routing.models import ShipmentStatus
from backend.vendordesk.models import PackingStatus, VendorParcel
from tests.vendordesk.conftest import PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def field_errors(html: str, field: str) -> str:
    """The error list rendered right after the field's input."""
    match = re.search(rf'id="id_{field}-errors">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


# --- sign-in ----------------------------------------------------------------------------------


def test_login_by_phone_and_password_lands_on_the_home_page(client, world):
    page = client.get("/vendor/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        "/vendor/login/", {"username": "13800000001", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/vendor/"
    html = response.content.decode()
    assert "莲藕合作社" in html and "待打包" in html


def test_wrong_password_is_refused_on_the_form(client, world):
    page = client.post("/vendor/login/", {"username": "13800000001", "password": "nope"})
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "errorlist" in page.content.decode()


def test_logout_is_a_post_and_returns_to_login(world):
    client = signed_in(world.a.owner)
    response = client.post("/vendor/logout/")
    assert response.status_code == 302 and response.url == "/vendor/login/"
    assert "_auth_user_id" not in client.session


def test_login_form_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/vendor/login/", {"username": "13800000001", "password": PASSWORD})
    assert response.status_code == 403


# --- who may see the pages --------------------------------------------------------------------

PAGES = [
    "/vendor/",
    "/vendor/orders/",
    "/vendor/orders/packing-list/",
    "/vendor/stock/",
    "/vendor/products/",
    "/vendor/sales/",
    "/vendor/staff/",
    "/vendor/more/",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/vendor/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_a_user_who_works_for_no_vendor_gets_403_with_how_to_apply(world, url):
    response = signed_in(world.shopper).get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "您还不是任何商家的员工" in html and "如何入驻" in html


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_a_vendors_staff(world, url):
    world.parcel(world.a)
    response = signed_in(world.a_staff).get(url)
    assert response.status_code == 200, url
    assert "粉丝合作社" not in response.content.decode()


def test_home_counts(world):
    world.parcel(world.a)
    world.parcel(world.b)
    Stock.objects.filter(pk=world.a.stock.pk).update(quantity=3)
    html = signed_in(world.a.owner).get("/vendor/").content.decode()
    assert re.search(r"<b>1</b>待打包", html)
    assert re.search(r"<b>1</b>库存不足", html)
    assert re.search(r"<b>1</b>已通过", html)


# --- orders -----------------------------------------------------------------------------------


def test_orders_show_only_this_vendors_lines_and_no_personal_data(world):
    parcel = world.parcel(world.a, extra_lines=[(world.b.variant, 1)])
    html = signed_in(world.a.owner).get("/vendor/orders/").content.decode()
    assert parcel.code in html
    assert world.a.variant.product.name in html
    assert world.b.variant.product.name not in html
    assert "乙镇 · 站点VB1" in html and "站点TA" in html
    for secret in ("13900001111", "买家", parcel.order.shipping_address.street_address):
        assert secret not in html


def test_packing_list_is_printable_and_lists_the_parcels(world):
    parcel = world.parcel(world.a, quantity=3)
    html = signed_in(world.a.owner).get("/vendor/orders/packing-list/").content.decode()
    assert "@page { size: A4" in html
    assert parcel.code in html and world.a.variant.sku in html


def test_packed_then_handed_over_with_audit(world):
    parcel = world.parcel(world.a)
    client = signed_in(world.a_staff)
    response = client.post(f"/vendor/orders/{parcel.pk}/packed/", follow=True)
    assert "已打包" in response.content.decode()
    assert VendorParcel.objects.get(shipment=parcel).status == PackingStatus.PACKED
    response = client.post(f"/vendor/orders/{parcel.pk}/hand-over/", follow=True)
    assert "已交给站点" in response.content.decode()
    done = VendorParcel.objects.get(shipment=parcel)
    assert done.status == PackingStatus.HANDED_OVER
    assert done.station == world.stations["TA"] and done.handed_over_by == world.a_staff
    actions = set(
        AuditLogEntry.objects.filter(object_id=str(parcel.pk)).values_list("action", flat=True)
    )
    assert {"shipment.packed_by_vendor", "shipment.handed_to_station_by_vendor"} <= actions
    # The shopper's tracking shows it, but the station's scan is what moves the parcel: it is
    # still planned at the warehouse.
    event = parcel.events.get(action="handed_to_station")
    assert event.station == world.stations["TA"] and event.actor == world.a_staff
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.PLANNED


def test_a_second_hand_over_changes_nothing(world):
    parcel = world.parcel(world.a)
    client = signed_in(world.a.owner)
    client.post(f"/vendor/orders/{parcel.pk}/hand-over/")
    response = client.post(f"/vendor/orders/{parcel.pk}/hand-over/", follow=True)
    assert "已处理过" in response.content.decode()
    assert VendorParcel.objects.filter(shipment=parcel).count() == 1


def test_a_dispatched_parcel_cannot_be_handed_over(world):
    parcel = world.parcel(world.a, status=ShipmentStatus.IN_TRANSIT)
    response = signed_in(world.a.owner).post(f"/vendor/orders/{parcel.pk}/hand-over/", follow=True)
    assert "不能再操作" in response.content.decode()
    assert not VendorParcel.objects.filter(shipment=parcel).exists()


def test_parcel_actions_need_post_and_csrf(world):
    parcel = world.parcel(world.a)
    assert signed_in(world.a.owner).get(f"/vendor/orders/{parcel.pk}/hand-over/").status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.owner)
    assert client.post(f"/vendor/orders/{parcel.pk}/hand-over/").status_code == 403
    assert not VendorParcel.objects.filter(shipment=parcel).exists()


# --- stock ------------------------------------------------------------------------------------


def test_stock_page_lists_the_vendors_warehouses(world):
    html = signed_in(world.a.owner).get("/vendor/stock/").content.decode()
    assert world.a.warehouse.name in html and world.a.variant.sku in html
    assert world.b.warehouse.name not in html
    page = signed_in(world.a.owner).get(f"/vendor/warehouses/{world.a.warehouse.pk}/")
    assert page.status_code == 200 and world.a.variant.sku in page.content.decode()


def test_stock_edit_saves_and_audits(world):
    client = signed_in(world.a_staff)
    page = client.get(f"/vendor/stock/{world.a.stock.pk}/")
    assert page.status_code == 200 and 'name="quantity"' in page.content.decode()
    response = client.post(f"/vendor/stock/{world.a.stock.pk}/", {"quantity": "35"})
    assert response.status_code == 302
    world.a.stock.refresh_from_db()
    assert world.a.stock.quantity == 35
    entry = AuditLogEntry.objects.filter(action="stock.quantity_set").latest("pk")
    assert entry.before["quantity"] == 20 and entry.after["quantity"] == 35


def test_stock_cannot_go_below_allocated(world):
    Stock.objects.filter(pk=world.a.stock.pk).update(quantity_allocated=8)
    response = signed_in(world.a.owner).post(
        f"/vendor/stock/{world.a.stock.pk}/", {"quantity": "5"}
    )
    assert response.status_code == 200
    assert "已分配给订单的 8 件" in field_errors(response.content.decode(), "quantity")
    world.a.stock.refresh_from_db()
    assert world.a.stock.quantity == 20


@pytest.mark.parametrize(
    ("value", "message"), [("-1", "不能为负数"), ("abc", "整数"), ("", "请填写")]
)
def test_bad_stock_input_is_shown_next_to_the_field(world, value, message):
    response = signed_in(world.a.owner).post(
        f"/vendor/stock/{world.a.stock.pk}/", {"quantity": value}
    )
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), "quantity")
    world.a.stock.refresh_from_db()
    assert world.a.stock.quantity == 20


# --- scoping by URL ---------------------------------------------------------------------------


def test_another_vendors_objects_by_url_are_404(world):
    parcel = world.parcel(world.b)
    client = signed_in(world.a.owner)
    b_product = world.b.variant.product
    for url in (
        f"/vendor/orders/{parcel.pk}/",
        f"/vendor/stock/{world.b.stock.pk}/",
        f"/vendor/warehouses/{world.b.warehouse.pk}/",
        f"/vendor/products/{b_product.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/vendor/orders/{parcel.pk}/packed/",
        f"/vendor/orders/{parcel.pk}/hand-over/",
    ):
        assert client.post(url).status_code == 404, url
    assert client.post(f"/vendor/stock/{world.b.stock.pk}/", {"quantity": "0"}).status_code == 404
    world.b.stock.refresh_from_db()
    assert world.b.stock.quantity == 20
    assert not VendorParcel.objects.exists()


def test_missing_objects_are_404_too(world):
    client = signed_in(world.a.owner)
    for url in ("/vendor/orders/999999/", "/vendor/stock/999999/", "/vendor/products/999999/"):
        assert client.get(url).status_code == 404


def test_every_form_needs_the_csrf_token(world):
    parcel = world.parcel(world.a)
    product = world.a.variant.product
    member = world.a_staff.vendor_membership
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a.owner)
    for url, data in (
        (f"/vendor/stock/{world.a.stock.pk}/", {"quantity": "1"}),
        (f"/vendor/orders/{parcel.pk}/packed/", {}),
        ("/vendor/products/new/", {"name": "x"}),
        (f"/vendor/products/{product.pk}/edit/", {"name": "x"}),
        (f"/vendor/products/{product.pk}/submit/", {}),
        (f"/vendor/products/{product.pk}/photos/", {}),
        (f"/vendor/products/{product.pk}/certificates/", {}),
        ("/vendor/staff/", {"phone": "13812345678", "role": "staff"}),
        (f"/vendor/staff/{member.pk}/remove/", {}),
        ("/vendor/logout/", {}),
    ):
        assert client.post(url, data).status_code == 403, url
    world.a.stock.refresh_from_db()
    assert world.a.stock.quantity == 20
    assert not VendorParcel.objects.exists()


def test_forms_render_without_javascript(world):
    """Plain HTML forms: a CSRF field, a method and (for files) multipart; no script needed."""
    client = signed_in(world.a.owner)
    product = world.a.variant.product
    for url in (
        f"/vendor/stock/{world.a.stock.pk}/",
        "/vendor/products/new/",
        f"/vendor/products/{product.pk}/edit/",
        f"/vendor/products/{product.pk}/photos/",
        f"/vendor/products/{product.pk}/certificates/",
        "/vendor/staff/",
    ):
        html = client.get(url).content.decode()
        assert '<form method="post"' in html and "csrfmiddlewaretoken" in html, url
        assert "<script" not in html, url
