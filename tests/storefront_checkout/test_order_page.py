"""The order page: who may open it, the parcel's route and events in the county's time, and
the pickup code with its QR only while the parcel waits at the station."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from backend.routing.models import ShipmentStatus
from backend.routing.pickup_codes import code_for
from backend.routing.services import plan_order
from tests.factories import UserFactory
from tests.storefront_checkout.conftest import carry_to_pickup_station, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client, county):
    user = UserFactory(phone="+8613900001111")
    client.force_login(user)
    return user


def test_the_owner_sees_the_order_lines_totals_and_delivery(client, county, shopper):
    order = place_order(client, county, quantity=3)
    assert order.user == shopper
    response = client.get(f"/orders/{order.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"订单 {order.number}" in html
    assert "东王集大米" in html
    assert "¥38.40" in html
    assert "已支付" in html
    assert "到站自提 · 大伊山村电商服务站" in html
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" in response


def test_another_users_order_is_not_found(client, county, shopper):
    order = place_order(client, county)
    client.force_login(UserFactory(phone="+8613900002222"))
    assert client.get(f"/orders/{order.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/orders/{order.pk}/").status_code == 404


def test_an_unknown_order_is_not_found(client, county):
    assert client.get("/orders/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/orders/not-a-uuid/").status_code == 404


def test_a_guest_order_opens_by_its_uuid_from_another_browser(client, county):
    order = place_order(client, county)
    assert order.user is None
    client.logout()
    client.cookies.clear()
    response = client.get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "请收藏本页链接" in response.content.decode()


def test_the_route_and_events_are_shown_in_beijing_time(client, county, shopper):
    order = place_order(client, county)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "正在安排发货路线" in html
    plan_order(order=order)
    shipment = order.shipments.get()
    first = shipment.legs.order_by("sequence").first()
    first.planned_at = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    first.save(update_fields=["planned_at"])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"包裹 {shipment.code}" in html
    assert "灌云县分拨中心 → 伊山镇中转站" in html
    assert "伊山镇中转站 → 大伊山村电商服务站" in html
    assert "计划 03-01 08:30" in html  # 00:30 UTC is 08:30 in Asia/Shanghai
    assert "已规划路线" in html
    assert "取件码" not in html


def test_the_pickup_code_and_qr_appear_once_the_parcel_is_ready(client, county, shopper):
    order = place_order(client, county)
    plan_order(order=order)
    shipment = order.shipments.get()
    operator = UserFactory(phone="+8613900003333")
    shipment = carry_to_pickup_station(shipment, operator)
    assert shipment.status == ShipmentStatus.READY_FOR_PICKUP
    html = client.get(f"/orders/{order.pk}/").content.decode()
    code = code_for(shipment.pickup_code_salt)
    assert re.search(rf"<strong class=\"price\">{code}</strong>", html)
    assert 'src="data:image/svg+xml;base64,' in html
    assert "到站待取" in html
    done = re.findall(r"完成于 (\d\d-\d\d \d\d:\d\d)", html)
    beijing = ZoneInfo("Asia/Shanghai")
    legs = shipment.legs.order_by("sequence")
    assert done == [leg.done_at.astimezone(beijing).strftime("%m-%d %H:%M") for leg in legs]


def test_a_guest_capability_holder_sees_the_pickup_code(client, county):
    order = place_order(client, county)
    plan_order(order=order)
    shipment = carry_to_pickup_station(order.shipments.get(), UserFactory(phone="+8613900004444"))
    client.cookies.clear()
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'<strong class="price">{code_for(shipment.pickup_code_salt)}</strong>' in html


def test_the_pickup_code_is_gone_once_collected(client, county, shopper):
    order = place_order(client, county)
    plan_order(order=order)
    shipment = order.shipments.get()
    shipment = carry_to_pickup_station(shipment, UserFactory(phone="+8613900005555"))
    code = code_for(shipment.pickup_code_salt)
    shipment.status = ShipmentStatus.PICKED_UP
    shipment.save(update_fields=["status"])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert code not in html
    assert "data:image/svg+xml" not in html
