"""Re-routing when a station is suspended or closed (issue #4)."""

from __future__ import annotations

import pytest

from backend.order.models import OrderEvent, OrderEvents
from backend.routing.models import LegKind, LegStatus, Shipment, ShipmentStatus, TrackingAction
from backend.routing.services import plan_order, reroute_station
from backend.stations.models import StationStatus
from backend.stations.services import close_station, suspend_station
from tests.factories import UserFactory
from tests.routing.conftest import paid_order, stock
from tests.routing.test_plan_order import legs_of

pytestmark = pytest.mark.django_db


def planned_pickup(net, station_code: str, village: str = "a1") -> Shipment:
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)], village=village, method=f"pickup:{station_code}")
    [shipment] = plan_order(order=order).shipments
    return shipment


def test_suspended_station_reroutes_pending_parcels_to_the_nearest_station_of_the_town(
    net, eager_celery, django_capture_on_commit_callbacks
):
    shipment = planned_pickup(net, "VA1")
    staff = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        suspend_station(station=net["stations"]["VA1"], reason="店面装修", actor=staff)

    shipment.refresh_from_db()
    # VA2 is 0.3 km away, VA3 much farther: the nearest active one of town A wins.
    assert shipment.destination_station == net["stations"]["VA2"]
    assert shipment.status == ShipmentStatus.PLANNED
    assert legs_of(shipment) == [(LegKind.TO_TOWN, "C", "TA"), (LegKind.TO_VILLAGE, "TA", "VA2")]
    event = shipment.events.get(action=TrackingAction.REROUTED)
    assert event.station == net["stations"]["VA1"] and event.actor == staff
    assert "站点VA2" in event.note
    assert shipment.plan["rerouted"]["to_station"] == "VA2"
    notice = OrderEvent.objects.get(order=shipment.order, type=OrderEvents.NOTIFICATION_SENT)
    assert notice.parameters["kind"] == "rerouted"
    assert notice.parameters["channels"] == ["sms", "email"]


def test_closed_station_without_neighbours_sends_parcels_to_the_town_station(net):
    shipment = planned_pickup(net, "VB1", village="b1")
    station = net["stations"]["VB1"]
    station.status = StationStatus.CLOSED
    station.save()

    [changed] = reroute_station(station=station)

    assert changed.pk == shipment.pk
    shipment.refresh_from_db()
    assert shipment.destination_station == net["stations"]["TB"]
    assert legs_of(shipment) == [(LegKind.TO_TOWN, "C", "TB")]


def test_legs_already_done_are_kept_and_the_rest_replanned(net):
    shipment = planned_pickup(net, "VA1")
    first = shipment.legs.get(sequence=1)
    first.status = LegStatus.DONE
    first.save()
    shipment.status = ShipmentStatus.IN_TRANSIT
    shipment.save()
    station = net["stations"]["VA1"]
    station.status = StationStatus.SUSPENDED
    station.save()

    reroute_station(station=station)

    shipment.refresh_from_db()
    assert legs_of(shipment) == [(LegKind.TO_TOWN, "C", "TA"), (LegKind.TO_VILLAGE, "TA", "VA2")]
    assert list(shipment.legs.values_list("sequence", "status")) == [
        (1, LegStatus.DONE),
        (2, LegStatus.PENDING),
    ]


def test_parcels_already_at_the_station_or_collected_are_left_alone(net):
    shipment = planned_pickup(net, "VA1")
    shipment.status = ShipmentStatus.PICKED_UP
    shipment.save()
    station = net["stations"]["VA1"]
    station.status = StationStatus.SUSPENDED
    station.save()
    assert reroute_station(station=station) == []
    shipment.refresh_from_db()
    assert shipment.destination_station == station


def test_active_station_reroutes_nothing(net):
    planned_pickup(net, "VA1")
    assert reroute_station(station=net["stations"]["VA1"]) == []


def test_parcel_with_no_station_left_in_reach_is_held_for_staff(
    net, django_capture_on_commit_callbacks
):
    shipment = planned_pickup(net, "VB1", village="b1")
    for code in ("TB", "C"):
        station = net["stations"][code]
        station.status = StationStatus.SUSPENDED
        station.save()
    with django_capture_on_commit_callbacks(execute=True):
        close_station(station=net["stations"]["VB1"], reason="合作到期", actor=None)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.HELD
    assert "没有可替代的站点" in shipment.reason
    note = OrderEvent.objects.get(order=shipment.order, type=OrderEvents.NOTE_ADDED)
    assert shipment.code in note.parameters["message"]


def test_rerouting_leaves_an_audit_record(net):
    from backend.core.models import AuditLogEntry

    shipment = planned_pickup(net, "VA1")
    station = net["stations"]["VA1"]
    station.status = StationStatus.SUSPENDED
    station.save()
    reroute_station(station=station)
    entry = AuditLogEntry.objects.get(action="shipment.rerouted", object_id=str(shipment.pk))
    assert entry.before["destination_station"] == station.pk
    assert entry.after["destination_station"] == net["stations"]["VA2"].pk
