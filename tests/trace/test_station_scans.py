"""The station scans become trace events of the batches in the parcel (receiving, shipping,
hand-over), through the station desk's own services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from backend.routing.models import ShipmentLine
from backend.stationdesk import services as desk_services
from backend.trace.chain import verify_batch
from backend.trace.models import Batch, BatchAllocation, TraceEvent
from tests.factories import VendorFactory
from tests.stationdesk.conftest import desk  # noqa: F401  (a fixture used here)

pytestmark = pytest.mark.django_db


def test_receiving_a_parcel_records_the_station_on_its_batch(desk):  # noqa: F811
    parcel = desk.parcel()
    line = parcel.order.lines.get()
    batch = Batch.objects.create(
        code="SCANTEST01",
        vendor=VendorFactory(),
        variant=line.variant,
        lot_number="L1",
        packed_on=timezone.localdate(),
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        quantity=10,
    )
    BatchAllocation.objects.create(order_line=line, batch=batch, quantity=2)
    ShipmentLine.objects.create(shipment=parcel, order_line=line, quantity=2)
    desk_services.receive_parcel(station=desk.stations["VA1"], code=parcel.code, user=desk.op_a)
    event = TraceEvent.objects.get(batch=batch)
    assert (event.biz_step, event.source, event.read_point_kind) == (
        "receiving",
        "station_scan",
        "station",
    )
    assert event.read_point_name == desk.stations["VA1"].name
    assert (event.quantity, event.shipment_code, event.disposition) == (
        2,
        parcel.code,
        "in_transit",
    )
    assert verify_batch(Batch.objects.get(pk=batch.pk)) == []


def test_a_parcel_without_batches_scans_as_before(desk):  # noqa: F811
    parcel = desk.parcel()
    result = desk_services.receive_parcel(
        station=desk.stations["VA1"], code=parcel.code, user=desk.op_a
    )
    assert result.events and not TraceEvent.objects.exists()
