"""The manifest of a county run (10:00 and 15:00 Asia/Shanghai, settings.COUNTY_DISPATCH_RUNS)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.routing.models import LegKind, LegStatus, ShipmentLeg, ShipmentStatus
from backend.stationdesk import selectors, services
from backend.stationdesk.models import FirstMileParcel
from backend.stationdesk.selectors import local_zone

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
MORNING, AFTERNOON = dt.time(10), dt.time(15)


def leaving_ta_at(desk, moment: dt.datetime):
    parcel = desk.parcel(
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.DONE),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ],
    )
    ShipmentLeg.objects.filter(shipment=parcel, sequence=2).update(planned_at=moment)
    return parcel


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), local_zone())


def codes(manifest) -> set[str]:
    return {leg.shipment.code for leg in manifest.legs}


def test_each_parcel_goes_with_the_run_its_leg_is_planned_for(desk):
    ta = desk.stations["TA"]
    late = leaving_ta_at(desk, at(DAY - dt.timedelta(days=1), 16))
    early = leaving_ta_at(desk, at(DAY, 10))
    noon = leaving_ta_at(desk, at(DAY, 12, 30))
    evening = leaving_ta_at(desk, at(DAY, 21))
    tomorrow = leaving_ta_at(desk, at(DAY + dt.timedelta(days=1), 0))
    assert codes(selectors.manifest(ta, DAY, MORNING)) == {late.code, early.code}
    assert codes(selectors.manifest(ta, DAY, AFTERNOON)) == {noon.code, evening.code}
    assert tomorrow.code in codes(selectors.manifest(ta, DAY + dt.timedelta(days=1), MORNING))
    # Another station's manifest never lists them.
    assert codes(selectors.manifest(desk.stations["TB"], DAY, MORNING)) == set()


def test_dispatched_parcels_leave_the_manifest(desk):
    ta = desk.stations["TA"]
    parcel = leaving_ta_at(desk, at(DAY, 9))
    services.dispatch_parcel(station=ta, code=parcel.code, user=desk.op_ta)
    assert codes(selectors.manifest(ta, DAY, MORNING)) == set()


def test_first_mile_produce_goes_with_the_next_run_after_registration(desk):
    parcel = services.register_first_mile(
        station=desk.stations["VA1"],
        producer_name="张大爷",
        producer_phone="13912345678",
        description="紫菜",
        weight_grams=800,
        user=desk.op_a,
    )
    FirstMileParcel.objects.filter(pk=parcel.pk).update(created_at=at(DAY, 11))
    va1 = desk.stations["VA1"]
    assert selectors.manifest(va1, DAY, MORNING).first_mile == []
    assert [p.code for p in selectors.manifest(va1, DAY, AFTERNOON).first_mile] == [parcel.code]
    # Still waiting the next morning: it goes with the first run (late).
    next_morning = selectors.manifest(va1, DAY + dt.timedelta(days=1), MORNING)
    assert [p.code for p in next_morning.first_mile] == [parcel.code]
    assert next_morning.count == 1


def test_runs_follow_the_setting(desk, settings):
    settings.COUNTY_DISPATCH_RUNS = ["15:30", "09:00", "12:00"]
    assert selectors.dispatch_runs() == [dt.time(9), dt.time(12), dt.time(15, 30)]
    ta = desk.stations["TA"]
    parcel = leaving_ta_at(desk, at(DAY, 11))
    assert codes(selectors.manifest(ta, DAY, dt.time(12))) == {parcel.code}
