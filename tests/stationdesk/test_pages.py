"""The operator's mobile pages: sign-in, each form (CSRF, errors next to the field, in
Chinese), the printable manifest, the QR code for the order's owner, and the scoping matrix."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from backend.order.models import OrderChargeStatus
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    ShipmentStatus,
    TrackingAction,
)
from backend.stationdesk.models import FirstMileParcel
from backend.stationdesk.qr import parse_payload
from tests.stationdesk.conftest import PASSWORD, code_of, wrong_code_for

pytestmark = pytest.mark.django_db

PAGES = ["inbound", "outbound", "pickup", "cash", "first-mile", "manifest"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_errors(html: str, field: str) -> str:
    """The error list rendered right after the field's input."""
    match = re.search(rf'id="id_{field}-errors">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_login_page_signs_an_operator_in(client, desk):
    page = client.get("/station/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        "/station/login/", {"username": desk.op_a.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/station/"
    assert "站点VA1" in response.content.decode()


def test_login_page_locks_out_after_too_many_wrong_passwords(client, desk, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        page = client.post("/station/login/", {"username": desk.op_a.email, "password": "wrong"})
        assert page.status_code == 200
    page = client.post("/station/login/", {"username": desk.op_a.email, "password": PASSWORD})
    assert page.status_code == 200 and "登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user(client, desk):
    for url in ["/station/", *[f"/station/VA1/{page}/" for page in PAGES]]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/station/login/")


def test_a_user_who_is_no_operator_is_told_so(desk):
    response = signed_in(desk.shopper).get("/station/")
    assert response.status_code == 403
    assert "还不是任何站点的操作员" in response.content.decode()


def test_home_shows_todays_counts_of_my_stations_only(desk):
    desk.parcel()
    desk.parcel(
        status=ShipmentStatus.READY_FOR_PICKUP,
        legs=[("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.DONE)],
    )
    html = signed_in(desk.op_a).get("/station/").content.decode()
    assert "站点VA1" in html and "站点VA2" in html and "站点VB1" not in html
    assert re.search(r"<b>1</b>待签收", html) and re.search(r"<b>1</b>待取件", html)


@pytest.mark.parametrize("page", PAGES)
def test_operator_a_gets_404_for_station_b_pages(desk, page):
    client = signed_in(desk.op_a)
    assert client.get(f"/station/VB1/{page}/").status_code == 404
    assert client.get(f"/station/NOPE/{page}/").status_code == 404
    assert client.post(f"/station/VB1/{page}/", {"code": "P1"}).status_code in (404, 405)
    assert client.get(f"/station/VA1/{page}/").status_code == 200


def test_station_b_parcels_are_not_found_from_station_a_pages(desk):
    theirs = desk.parcel(destination="VB1", status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    client = signed_in(desk.op_a)
    for page, data in [
        ("inbound", {"code": theirs.code}),
        ("outbound", {"code": theirs.code, "action": "dispatch"}),
        ("pickup", {"code": theirs.code, "pickup_code": code_of(theirs)}),
        ("cash", {"code": theirs.code, "amount": "25.60"}),
    ]:
        html = client.post(f"/station/VA1/{page}/", data).content.decode()
        assert "本站没有这个包裹" in field_errors(html, "code"), page
    theirs.refresh_from_db()
    assert theirs.status == ShipmentStatus.READY_FOR_PICKUP
    assert theirs.order.charge_status != OrderChargeStatus.FULL
    assert not theirs.events.exists()
    # Nor do they appear in A's lists.
    assert theirs.code not in client.get("/station/VA1/pickup/").content.decode()


def test_forms_require_the_csrf_token(desk):
    parcel = desk.parcel()
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.op_a)
    response = client.post("/station/VA1/inbound/", {"code": parcel.code})
    assert response.status_code == 403
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.IN_TRANSIT
    page = client.get("/station/VA1/inbound/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        "/station/VA1/inbound/", {"code": parcel.code, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_inbound_page_receives_a_scanned_parcel(desk):
    parcel = desk.parcel()
    client = signed_in(desk.op_a)
    page = client.get("/station/VA1/inbound/").content.decode()
    assert parcel.code in page  # expected at the station
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', page)
    response = client.post("/station/VA1/inbound/", {"code": parcel.code}, follow=True)
    assert f"包裹 {parcel.code}：已签收" in response.content.decode()
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.READY_FOR_PICKUP
    again = client.post("/station/VA1/inbound/", {"code": parcel.code}, follow=True)
    assert "已处理过" in again.content.decode()


def test_inbound_errors_appear_next_to_the_field_in_chinese(desk):
    client = signed_in(desk.op_a)
    html = client.post("/station/VA1/inbound/", {"code": ""}).content.decode()
    assert "这个字段是必填项" in field_errors(html, "code")
    html = client.post("/station/VA1/inbound/", {"code": "P404"}).content.decode()
    assert "本站没有这个包裹" in field_errors(html, "code")


def test_outbound_page_dispatches_and_confirms_delivery(desk):
    parcel = desk.parcel(
        kind=DeliveryKind.HOME_DELIVERY,
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.DONE),
            ("VA1", None, LegKind.TO_SHOPPER, LegStatus.PENDING),
        ],
    )
    client = signed_in(desk.op_a)
    assert parcel.code in client.get("/station/VA1/outbound/").content.decode()
    client.post("/station/VA1/outbound/", {"code": parcel.code, "action": "dispatch"})
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.OUT_FOR_DELIVERY
    client.post("/station/VA1/outbound/", {"code": parcel.code, "action": "deliver"})
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.DELIVERED


def test_pickup_page_hands_over_and_shows_wrong_codes_next_to_the_field(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    client = signed_in(desk.op_a)
    page = client.get("/station/VA1/pickup/").content.decode()
    assert parcel.code in page and code_of(parcel) not in page
    assert 'inputmode="numeric"' in page
    html = client.post(
        "/station/VA1/pickup/", {"code": parcel.code, "pickup_code": wrong_code_for(parcel)}
    ).content.decode()
    assert "取件码不正确" in field_errors(html, "pickup_code")
    assert parcel.events.filter(action=TrackingAction.PICKUP_CODE_REJECTED).count() == 1
    response = client.post(
        "/station/VA1/pickup/", {"code": parcel.code, "pickup_code": code_of(parcel)}, follow=True
    )
    assert "已交给顾客" in response.content.decode()
    html = client.post(
        "/station/VA1/pickup/", {"code": parcel.code, "pickup_code": code_of(parcel)}
    ).content.decode()
    assert "已于" in field_errors(html, "code")
    html = client.post("/station/VA1/pickup/", {}).content.decode()
    assert "请输入包裹码和取件码" in html


def test_cash_page_marks_the_order_paid(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    client = signed_in(desk.op_a)
    assert "¥25.60" in client.get("/station/VA1/cash/").content.decode()
    html = client.post("/station/VA1/cash/", {"code": parcel.code, "amount": "20"}).content.decode()
    assert "金额不符" in field_errors(html, "amount")
    client.post("/station/VA1/cash/", {"code": parcel.code, "amount": "25.60"})
    parcel.order.refresh_from_db()
    assert parcel.order.charge_status == OrderChargeStatus.FULL


def test_first_mile_page_registers_produce(desk):
    client = signed_in(desk.op_a)
    html = client.post(
        "/station/VA1/first-mile/",
        {
            "producer_name": "王",
            "producer_phone": "123",
            "description": "紫菜",
            "weight_grams": "500",
        },
    ).content.decode()
    assert "请填写正确的手机号" in field_errors(html, "producer_phone")
    response = client.post(
        "/station/VA1/first-mile/",
        {
            "producer_name": "王",
            "producer_phone": "13912345678",
            "description": "紫菜",
            "weight_grams": "500",
        },
        follow=True,
    )
    parcel = FirstMileParcel.objects.get()
    assert parcel.code in response.content.decode()


def test_manifest_page_is_printable(desk):
    desk.parcel(
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.DONE),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ],
    )
    html = signed_in(desk.op_ta).get("/station/TA/manifest/?run=15:00").content.decode()
    assert "@media print" in html and "10:00" in html and "15:00" in html
    assert signed_in(desk.op_ta).get("/station/TA/manifest/?date=bad").status_code == 200


def test_qr_code_is_shown_to_the_order_owner_only(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    response = signed_in(desk.shopper).get(f"/station/qr/{parcel.code}.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert "no-store" in response["Cache-Control"]
    for user in (desk.op_a, desk.op_b):
        assert signed_in(user).get(f"/station/qr/{parcel.code}.svg").status_code == 404
    assert Client().get(f"/station/qr/{parcel.code}.svg").status_code == 404
    parcel.status = ShipmentStatus.PICKED_UP
    parcel.save()
    assert signed_in(desk.shopper).get(f"/station/qr/{parcel.code}.svg").status_code == 404


def test_qr_payload_round_trip(desk):
    from backend.stationdesk.qr import payload_for

    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    assert parse_payload(payload_for(parcel)) == (parcel.code, code_of(parcel))
    assert parse_payload("123456") is None
    assert parse_payload("CMPICKUP:P1:12345") is None
