"""Service figures on a synthetic day: the same-day share (orders before the cut-off that were
ready at the station or delivered the same local day), per town and day, time per leg, and the
backlog per station."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from backend.routing.figures import cutoff_time, service_figures
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from tests.routing.conftest import paid_order, stock

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 30)


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=SH)


@pytest.fixture(autouse=True)
def _rice_in_stock(net):
    stock(net["dc"], net["rice"], 100)


def parcel(net, ordered, *, station, kind=DeliveryKind.PICKUP, status=ShipmentStatus.PLANNED):
    order = paid_order(net, [(net["rice"], 1)], created_at=ordered)
    return Shipment.objects.create(
        order=order,
        sequence=1,
        code=f"P{Shipment.objects.count():010d}",
        status=status,
        delivery_kind=kind,
        destination_station=net["stations"][station] if station else None,
        created_at=ordered,
    )


def arrive(shipment, when, action=TrackingAction.READY_FOR_PICKUP):
    TrackingEvent.objects.create(
        shipment=shipment, station=shipment.destination_station, action=action, at=when
    )


def test_cutoff_is_the_last_van_minus_packing():
    # Van runs at 10:00 and 15:00; packing takes 60 minutes.
    assert cutoff_time() == dt.time(14, 0)


def test_same_day_share_on_a_synthetic_day(net):
    early = parcel(net, at("08:00"), station="VA1", status=ShipmentStatus.READY_FOR_PICKUP)
    arrive(early, at("11:30"))
    home = parcel(net, at("12:00"), station="VB1", kind=DeliveryKind.HOME_DELIVERY)
    arrive(home, at("16:45"), TrackingAction.DELIVERED)
    late_arrival = parcel(net, at("13:30"), station="VA2")
    arrive(late_arrival, at("11:00", DAY + dt.timedelta(days=1)))
    parcel(net, at("15:00"), station="VA1")  # after the cut-off: not counted
    parcel(net, at("09:00"), station=None, kind=DeliveryKind.EXPRESS)  # leaves the county
    never = parcel(net, at("09:30"), station="VA3")  # eligible, still on its way

    figures = service_figures(DAY, DAY)

    assert (figures.total.eligible, figures.total.same_day) == (4, 2)
    assert figures.total.share == Decimal("0.500")
    assert list(figures.by_day) == [DAY]
    assert {town: (b.eligible, b.same_day) for town, b in figures.by_town.items()} == {
        "甲镇": (3, 1),
        "乙镇": (1, 1),
    }
    assert never.events.count() == 0


def test_time_per_leg_and_backlog(net):
    stations = net["stations"]
    waiting = parcel(net, at("08:00"), station="VA1", status=ShipmentStatus.READY_FOR_PICKUP)
    ShipmentLeg.objects.create(
        shipment=waiting,
        sequence=1,
        kind=LegKind.TO_TOWN,
        from_station=stations["C"],
        to_station=stations["TA"],
        status=LegStatus.DONE,
        planned_at=at("10:00"),
        planned_arrival_at=at("11:00"),
        done_at=at("10:30"),
    )
    ShipmentLeg.objects.create(
        shipment=waiting,
        sequence=2,
        kind=LegKind.TO_VILLAGE,
        from_station=stations["TA"],
        to_station=stations["VA1"],
        status=LegStatus.DONE,
        planned_at=at("11:00"),
        planned_arrival_at=at("11:45"),
        done_at=at("11:30"),
    )
    in_town = parcel(net, at("08:30"), station="VA2", status=ShipmentStatus.AT_STATION)
    ShipmentLeg.objects.create(
        shipment=in_town,
        sequence=1,
        kind=LegKind.TO_TOWN,
        from_station=stations["C"],
        to_station=stations["TA"],
        status=LegStatus.DONE,
        planned_at=at("10:00"),
        planned_arrival_at=at("11:00"),
        done_at=at("11:00"),
    )
    ShipmentLeg.objects.create(
        shipment=in_town,
        sequence=2,
        kind=LegKind.TO_VILLAGE,
        from_station=stations["TA"],
        to_station=stations["VA2"],
        status=LegStatus.PENDING,
        planned_at=at("15:00"),
        planned_arrival_at=at("15:45"),
    )

    figures = service_figures(DAY, DAY)

    legs = {leg.kind: (leg.count, leg.average_minutes) for leg in figures.legs}
    # to_town: 150 min (08:00 → 10:30) and 150 min (08:30 → 11:00); to_village: 60 min.
    assert legs == {"to_town": (2, Decimal("150.0")), "to_village": (1, Decimal("60.0"))}
    assert {(b.station_name, b.waiting) for b in figures.backlog} == {
        (stations["VA1"].name, 1),
        (stations["TA"].name, 1),
    }


def test_figures_take_a_fixed_number_of_queries(net, django_assert_max_num_queries):
    for hour in ("08:00", "09:00", "10:00", "11:00"):
        arrive(parcel(net, at(hour), station="VA1"), at("12:00"))
    with django_assert_max_num_queries(4):
        service_figures(DAY, DAY)


FIGURES = """query($from: Date, $to: Date) { stationServiceFigures(dateFrom: $from, dateTo: $to) {
  cutoff total { eligible sameDay share } byDay { date eligible sameDay share }
  byTown { town eligible sameDay } legs { kind count averageMinutes }
  backlog { stationName waiting } } }"""


def test_figures_in_the_api_for_station_managers_only(net, client, gql):
    from django.contrib.auth.models import Permission as DjangoPermission

    from backend.account.jwt import create_access_token
    from backend.core.permissions import Permission
    from tests.conftest import GraphQLClient
    from tests.factories import UserFactory

    arrive(parcel(net, at("08:00"), station="VA1"), at("11:00"))
    variables = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    refused = gql.post(FIGURES, variables).json()
    assert refused["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_STATIONS.codename)
    )
    api = GraphQLClient(client, create_access_token(manager))
    data = api.query(FIGURES, variables)["stationServiceFigures"]
    assert data["cutoff"] == "14:00:00"
    assert data["total"] == {"eligible": 1, "sameDay": 1, "share": 1.0}
    assert data["byDay"] == [{"date": "2026-11-30", "eligible": 1, "sameDay": 1, "share": 1.0}]
    assert data["byTown"] == [{"town": "甲镇", "eligible": 1, "sameDay": 1}]
    backwards = api.post(FIGURES, {"from": "2026-12-02", "to": "2026-12-01"}).json()
    assert backwards["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
