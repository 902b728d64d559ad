"""The consumer's trace page /trace/<code>/: product, producer, base with its map pin, dates,
inspection results, the journey through stations, brand and certification status — and no
personal data. Unknown codes get a clear page; a code scanned from many places at once is
flagged to staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from backend.routing.models import TrackingAction, TrackingEvent
from backend.trace import scans, services
from backend.trace.models import Batch, CopyFlag
from tests.trace.test_recalls import ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(trace_world):
    from decimal import Decimal

    from backend.stations.models import Station, StationLevel
    from tests.factories import UserFactory

    batch = trace_world.batch(
        "DWJ-2026-001",
        inputs=[{"kind": "fertiliser", "name": "腐熟有机肥", "amount": "300kg/亩"}],
    )
    services.add_inspection(
        actor=trace_world.owner,
        batch=batch,
        lab="连云港市农产品质量检测中心",
        tested_on=batch.packed_on,
        result="pass",
        report_number="LYG-JC-0815",
        values=[{"item": "农药残留", "value": "未检出"}],
    )
    shopper = UserFactory(
        phone="+8613912340000", email="zhao.liu@example.com", first_name="赵六", last_name=""
    )
    order = trace_world.order(
        2, user=shopper, user_phone="13912340000", user_email="zhao.liu@example.com"
    )
    station = Station.objects.create(
        code="C-GY",
        name="灌云县分拨中心",
        level=StationLevel.COUNTY,
        latitude=Decimal("34.3"),
        longitude=Decimal("119.2"),
    )
    shipment = ship(order, station)
    scans.parcel_scanned(
        TrackingEvent.objects.create(
            shipment=shipment, station=station, action=TrackingAction.RECEIVED
        )
    )
    batch.refresh_from_db()
    return batch, order, shopper


def test_the_trace_page_shows_the_whole_journey(trace_world, sold):
    batch, _order, _shopper = sold
    page = Client().get(reverse("trace:page", args=[batch.code]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "东王集大米",
        trace_world.market.vendor.name,
        "东王集万亩稻田",
        "东王集镇稻香村",
        "uri.amap.com/marker?position=119.246200,34.289100",
        "DWJ-2026-001",
        "连云港市农产品质量检测中心",
        "未检出",
        "腐熟有机肥",
        "种植/养殖",
        "收获",
        "包装",
        "检验",
        "售出",
        "灌云县分拨中心",
        "到站",
        "JC-RICE",
        "YSYS-",
    ):
        assert text in html, text
    assert "Content-Security-Policy" in page.headers


def test_the_trace_page_shows_no_personal_data(trace_world, sold):
    batch, order, _shopper = sold
    html = Client().get(reverse("trace:page", args=[batch.code])).content.decode()
    address = order.shipping_address
    owner = trace_world.owner
    for secret in (
        "赵六",
        "13912340000",
        "zhao.liu@example.com",
        address.full_name,
        address.phone,
        address.street_address,
        str(order.number),
        str(owner.phone),
        owner.get_full_name() or "\x00",
        trace_world.market.vendor.legal_representative or "\x00",
        trace_world.market.vendor.contact_phone or "\x00",
        str(order.pk),
    ):
        assert secret not in html, secret


def test_an_unknown_or_forged_code_gets_a_clear_page(trace_world):
    for code in ("NOSUCHCODE", "<script>", "x" * 80):
        page = Client().get(reverse("trace:page", args=[code]))
        assert page.status_code == 404
        assert "查不到这个追溯码" in page.content.decode()


def test_one_code_scanned_from_many_places_at_once_is_flagged(trace_world, settings):
    settings.TRACE_COPY_PLACES = 3
    batch = trace_world.batch("COPY-1")
    url = reverse("trace:page", args=[batch.code])
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        Client(REMOTE_ADDR=address).get(url)
    assert not CopyFlag.objects.exists()
    for address in ("10.0.0.3", "10.0.0.4", "10.0.0.5"):
        Client(REMOTE_ADDR=address).get(url)
    flag = CopyFlag.objects.get()
    assert (flag.batch, flag.places) == (batch, 3)
    inspector = Client()
    inspector.force_login(trace_world.inspector)
    assert batch.code in inspector.get(reverse("inspect:index")).content.decode()


def test_the_pack_qr_encodes_the_trace_page(trace_world):
    batch = trace_world.batch("QR-1")
    response = Client().get(reverse("trace:qr", args=[batch.code]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert Client().get(reverse("trace:qr", args=["NOPE"])).status_code == 404


def test_the_product_page_links_to_the_batch_on_sale(trace_world):
    trace_world.batch("OLD", packed_days_ago=60, shelf=90, quantity=1)
    newer = trace_world.batch("NEW", packed_days_ago=5, shelf=365)
    page = Client().get(reverse("storefront:product", args=[trace_world.product.slug]))
    html = page.content.decode()
    old = Batch.objects.get(lot_number="OLD")
    assert reverse("trace:page", args=[old.code]) in html  # FEFO: the one sold next
    trace_world.order(1)  # sells OLD's last unit
    html = Client().get(reverse("storefront:product", args=[trace_world.product.slug])).content
    assert reverse("trace:page", args=[newer.code]).encode() in html
