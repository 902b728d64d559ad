"""The operator services: each scan, its tracking event and audit record, and each refusal."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.core.models import AuditLogEntry
from backend.order.models import OrderChargeStatus, OrderEvents
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from backend.stationdesk import services
from backend.stationdesk.error_codes import StationDeskErrorCode as Code
from backend.stationdesk.models import FirstMileParcel, FirstMileStatus
from backend.stationdesk.qr import payload_for
from backend.stationdesk.services import StationDeskError
from tests.stationdesk.conftest import code_of, sms_texts, wrong_code_for

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> StationDeskError:
    with pytest.raises(StationDeskError) as info:
        call(**kwargs)
    return info.value


def test_receiving_at_the_pickup_station_makes_the_parcel_ready_and_texts_the_code(
    desk, caplog, django_capture_on_commit_callbacks
):
    parcel = desk.parcel()
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.receive_parcel(
            station=desk.stations["VA1"], code=parcel.code.lower(), user=desk.op_a
        )
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.READY_FOR_PICKUP
    assert result.events == [TrackingAction.RECEIVED, TrackingAction.READY_FOR_PICKUP]
    assert parcel.legs.get(sequence=2).status == LegStatus.DONE
    received = parcel.events.get(action=TrackingAction.RECEIVED)
    assert (received.actor, received.station) == (desk.op_a, desk.stations["VA1"])
    texts = sms_texts(caplog)
    assert len(texts) == 1 and code_of(parcel) in texts[0] and parcel.code in texts[0]
    assert parcel.order.events.filter(
        type=OrderEvents.NOTIFICATION_SENT, parameters__kind="parcel_ready"
    ).exists()
    entry = AuditLogEntry.objects.get(action="shipment.received", object_id=str(parcel.pk))
    assert entry.actor == desk.op_a and entry.after["custody"] == desk.stations["VA1"].pk


def test_receiving_twice_is_harmless(desk):
    parcel = desk.parcel()
    services.receive_parcel(station=desk.stations["VA1"], code=parcel.code, user=desk.op_a)
    again = services.receive_parcel(station=desk.stations["VA1"], code=parcel.code, user=desk.op_a)
    assert again.repeated
    assert parcel.events.filter(action=TrackingAction.RECEIVED).count() == 1


def test_receiving_at_a_transfer_station_leaves_the_parcel_at_station(desk):
    parcel = desk.parcel(
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.IN_PROGRESS),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ]
    )
    services.receive_parcel(station=desk.stations["TA"], code=parcel.code, user=desk.op_ta)
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.AT_STATION


def test_a_parcel_bound_elsewhere_is_not_at_station(desk):
    # The parcel passes TA, whose operator scans it at the wrong time (its leg ends at VA1).
    parcel = desk.parcel()
    error = refused(
        services.receive_parcel, station=desk.stations["TA"], code=parcel.code, user=desk.op_ta
    )
    assert error.desk_code == Code.NOT_AT_STATION


def test_another_stations_parcel_is_not_found(desk):
    parcel = desk.parcel()
    error = refused(
        services.receive_parcel, station=desk.stations["VB1"], code=parcel.code, user=desk.op_b
    )
    assert error.desk_code == Code.NOT_FOUND
    unknown = refused(
        services.receive_parcel, station=desk.stations["VB1"], code="P0000000000", user=desk.op_b
    )
    assert (unknown.desk_code, unknown.desk_message) == (error.desk_code, error.desk_message)


def test_a_user_who_does_not_work_at_the_station_is_refused(desk):
    parcel = desk.parcel()
    error = refused(
        services.receive_parcel, station=desk.stations["VA1"], code=parcel.code, user=desk.op_b
    )
    assert error.desk_code == Code.PERMISSION_DENIED
    assert not parcel.events.filter(action=TrackingAction.RECEIVED).exists()


def test_a_held_parcel_cannot_be_received(desk):
    parcel = desk.parcel(status=ShipmentStatus.HELD)
    error = refused(
        services.receive_parcel, station=desk.stations["VA1"], code=parcel.code, user=desk.op_a
    )
    assert error.desk_code == Code.WRONG_STATUS


def test_dispatch_hands_the_parcel_to_the_next_leg(desk):
    parcel = desk.parcel(
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.DONE),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ],
    )
    services.dispatch_parcel(station=desk.stations["TA"], code=parcel.code, user=desk.op_ta)
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.IN_TRANSIT
    assert parcel.legs.get(sequence=2).status == LegStatus.IN_PROGRESS
    event = parcel.events.get(action=TrackingAction.DISPATCHED)
    assert event.station == desk.stations["TA"] and event.actor == desk.op_ta
    assert AuditLogEntry.objects.filter(action="shipment.dispatched").count() == 1
    again = services.dispatch_parcel(station=desk.stations["TA"], code=parcel.code, user=desk.op_ta)
    assert again.repeated


def test_dispatch_of_a_parcel_that_is_not_here_is_refused(desk):
    parcel = desk.parcel(
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.PENDING),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ],
    )
    error = refused(
        services.dispatch_parcel, station=desk.stations["TA"], code=parcel.code, user=desk.op_ta
    )
    assert error.desk_code == Code.NOT_AT_STATION


def test_a_ready_parcel_cannot_be_dispatched(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    error = refused(
        services.dispatch_parcel, station=desk.stations["VA1"], code=parcel.code, user=desk.op_a
    )
    assert error.desk_code == Code.WRONG_STATUS


def test_home_delivery_goes_out_and_is_confirmed(desk):
    parcel = desk.parcel(kind=DeliveryKind.HOME_DELIVERY)
    station = desk.stations["VA1"]
    services.receive_parcel(station=station, code=parcel.code, user=desk.op_a)
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.AT_STATION
    error = refused(services.confirm_delivery, station=station, code=parcel.code, user=desk.op_a)
    assert error.desk_code == Code.WRONG_STATUS
    services.dispatch_parcel(station=station, code=parcel.code, user=desk.op_a)
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.OUT_FOR_DELIVERY
    services.confirm_delivery(station=station, code=parcel.code, user=desk.op_a)
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.DELIVERED
    assert parcel.legs.get(kind=LegKind.TO_SHOPPER).status == LegStatus.DONE
    assert list(parcel.events.values_list("action", flat=True)) == [
        TrackingAction.RECEIVED,
        TrackingAction.OUT_FOR_DELIVERY,
        TrackingAction.DELIVERED,
    ]
    assert services.confirm_delivery(station=station, code=parcel.code, user=desk.op_a).repeated


def test_confirm_delivery_by_a_station_that_does_not_deliver_it(desk):
    parcel = desk.parcel(
        kind=DeliveryKind.HOME_DELIVERY,
        status=ShipmentStatus.OUT_FOR_DELIVERY,
        legs=[
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.DONE),
            ("VA1", None, LegKind.TO_SHOPPER, LegStatus.IN_PROGRESS),
        ],
    )
    error = refused(
        services.confirm_delivery, station=desk.stations["TA"], code=parcel.code, user=desk.op_ta
    )
    assert error.desk_code == Code.NOT_AT_STATION


# --- hand-over --------------------------------------------------------------------------------


def test_the_right_pickup_code_releases_the_parcel(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    services.hand_over(
        station=desk.stations["VA1"], code=parcel.code, pickup_code=code_of(parcel), user=desk.op_a
    )
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.PICKED_UP
    assert parcel.events.get(action=TrackingAction.PICKED_UP).actor == desk.op_a
    entry = AuditLogEntry.objects.get(action="shipment.picked_up")
    assert entry.before["status"] == "ready_for_pickup" and entry.after["custody"] == "shopper"


def test_the_qr_payload_releases_the_parcel_from_either_field(desk):
    first = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    second = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    station = desk.stations["VA1"]
    services.hand_over(station=station, code="", pickup_code=payload_for(first), user=desk.op_a)
    services.hand_over(station=station, code=payload_for(second), pickup_code="", user=desk.op_a)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == ShipmentStatus.PICKED_UP


def test_a_wrong_code_is_refused_and_logged(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    error = refused(
        services.hand_over,
        station=desk.stations["VA1"],
        code=parcel.code,
        pickup_code=wrong_code_for(parcel),
        user=desk.op_a,
    )
    assert (error.desk_code, error.desk_field) == (Code.INVALID_PICKUP_CODE, "pickupCode")
    rejected = parcel.events.get(action=TrackingAction.PICKUP_CODE_REJECTED)
    assert rejected.actor == desk.op_a and rejected.station == desk.stations["VA1"]
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.READY_FOR_PICKUP


def test_sixth_wrong_try_in_the_hour_is_refused_even_with_the_right_code(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    station = desk.stations["VA1"]
    for _ in range(5):
        error = refused(
            services.hand_over,
            station=station,
            code=parcel.code,
            pickup_code=wrong_code_for(parcel),
            user=desk.op_a,
        )
        assert error.desk_code == Code.INVALID_PICKUP_CODE
    error = refused(
        services.hand_over,
        station=station,
        code=parcel.code,
        pickup_code=code_of(parcel),
        user=desk.op_a,
    )
    assert error.desk_code == Code.TOO_MANY_ATTEMPTS
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.READY_FOR_PICKUP
    # An hour after the wrong tries the limit has reset.
    TrackingEvent.objects.filter(action=TrackingAction.PICKUP_CODE_REJECTED).update(
        at=timezone.now() - dt.timedelta(minutes=61)
    )
    services.hand_over(
        station=station, code=parcel.code, pickup_code=code_of(parcel), user=desk.op_a
    )
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.PICKED_UP


def test_the_limit_follows_the_setting(desk, settings):
    settings.PICKUP_MAX_WRONG_CODES_PER_HOUR = 1
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    kwargs = {"station": desk.stations["VA1"], "code": parcel.code, "user": desk.op_a}
    refused(services.hand_over, pickup_code=wrong_code_for(parcel), **kwargs)
    error = refused(services.hand_over, pickup_code=code_of(parcel), **kwargs)
    assert error.desk_code == Code.TOO_MANY_ATTEMPTS


def test_a_second_hand_over_says_already_picked_up(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    kwargs = {
        "station": desk.stations["VA1"],
        "code": parcel.code,
        "pickup_code": code_of(parcel),
        "user": desk.op_a,
    }
    services.hand_over(**kwargs)
    error = refused(services.hand_over, **kwargs)
    assert error.desk_code == Code.ALREADY_PICKED_UP
    assert parcel.events.filter(action=TrackingAction.PICKED_UP).count() == 1


def test_hand_over_refusals(desk):
    station = desk.stations["VA1"]
    in_transit = desk.parcel()
    error = refused(
        services.hand_over,
        station=station,
        code=in_transit.code,
        pickup_code=code_of(in_transit),
        user=desk.op_a,
    )
    assert error.desk_code == Code.NOT_AT_STATION
    unpaid = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    error = refused(
        services.hand_over,
        station=station,
        code=unpaid.code,
        pickup_code=code_of(unpaid),
        user=desk.op_a,
    )
    assert error.desk_code == Code.NOT_PAID
    home = desk.parcel(kind=DeliveryKind.HOME_DELIVERY, status=ShipmentStatus.AT_STATION)
    error = refused(
        services.hand_over, station=station, code=home.code, pickup_code="123456", user=desk.op_a
    )
    assert error.desk_code == Code.WRONG_STATUS
    error = refused(
        services.hand_over, station=station, code="", pickup_code="123456", user=desk.op_a
    )
    assert error.desk_code == Code.REQUIRED
    returned = desk.parcel(status=ShipmentStatus.RETURNED)
    error = refused(
        services.hand_over,
        station=station,
        code=returned.code,
        pickup_code=code_of(returned),
        user=desk.op_a,
    )
    assert error.desk_code == Code.WRONG_STATUS
    # TA sees the parcel pass but does not hand it over.
    ready = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    error = refused(
        services.hand_over,
        station=desk.stations["TA"],
        code=ready.code,
        pickup_code=code_of(ready),
        user=desk.op_ta,
    )
    assert error.desk_code == Code.NOT_AT_STATION


# --- cash -------------------------------------------------------------------------------------


def test_cash_of_the_outstanding_total_marks_the_order_paid(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    order = services.collect_cash(
        station=desk.stations["VA1"], code=parcel.code, amount="25.60", user=desk.op_a
    )
    assert order.charge_status == OrderChargeStatus.FULL
    assert order.total_charged_amount == Decimal("25.60")
    assert order.events.filter(type=OrderEvents.ORDER_MARKED_AS_PAID).exists()
    services.hand_over(
        station=desk.stations["VA1"], code=parcel.code, pickup_code=code_of(parcel), user=desk.op_a
    )


def test_cash_refusals(desk):
    station = desk.stations["VA1"]
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    kwargs = {"station": station, "code": parcel.code, "user": desk.op_a}
    assert refused(services.collect_cash, amount="25.00", **kwargs).desk_code == (
        Code.AMOUNT_MISMATCH
    )
    assert refused(services.collect_cash, amount="abc", **kwargs).desk_code == Code.INVALID
    assert refused(services.collect_cash, amount="1.001", **kwargs).desk_code == Code.INVALID
    assert refused(services.collect_cash, amount="-3", **kwargs).desk_code == Code.INVALID
    paid = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    error = refused(
        services.collect_cash, station=station, code=paid.code, amount="25.60", user=desk.op_a
    )
    assert error.desk_code == Code.ALREADY_PAID
    # VA2 takes no cash.
    other = desk.parcel(destination="VA2", status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    error = refused(
        services.collect_cash,
        station=desk.stations["VA2"],
        code=other.code,
        amount="25.60",
        user=desk.op_a,
    )
    assert error.desk_code == Code.CAPABILITY_MISSING
    error = refused(
        services.collect_cash,
        station=desk.stations["VB1"],
        code=parcel.code,
        amount="25.60",
        user=desk.op_b,
    )
    assert error.desk_code == Code.NOT_FOUND


# --- first mile -------------------------------------------------------------------------------


def test_first_mile_produce_climbs_to_the_county_centre(desk):
    parcel = services.register_first_mile(
        station=desk.stations["VA1"],
        producer_name="张大爷",
        producer_phone="13912345678",
        description="紫菜 20 包",
        weight_grams=3500,
        user=desk.op_a,
    )
    assert parcel.code.startswith("F") and parcel.status == FirstMileStatus.REGISTERED
    assert parcel.next_station == desk.stations["TA"]
    assert parcel.producer_phone == "+8613912345678"
    services.dispatch_parcel(station=desk.stations["VA1"], code=parcel.code, user=desk.op_a)
    services.receive_parcel(station=desk.stations["TA"], code=parcel.code, user=desk.op_ta)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.current_station, parcel.next_station) == (
        FirstMileStatus.AT_STATION,
        desk.stations["TA"],
        desk.stations["C"],
    )
    # Another station's operator cannot touch it.
    error = refused(
        services.dispatch_parcel, station=desk.stations["VB1"], code=parcel.code, user=desk.op_b
    )
    assert error.desk_code == Code.NOT_FOUND
    assert list(parcel.events.values_list("action", flat=True)) == [
        "registered",
        "dispatched",
        "received",
    ]


def test_first_mile_registration_checks_every_field(desk):
    error = refused(
        services.register_first_mile,
        station=desk.stations["VA1"],
        producer_name="",
        producer_phone="12345",
        description="",
        weight_grams="0",
        user=desk.op_a,
    )
    assert set(error.error_dict) == {"producerName", "producerPhone", "description", "weightGrams"}
    assert not FirstMileParcel.objects.exists()
    error = refused(
        services.register_first_mile,
        station=desk.stations["VA2"],
        producer_name="李四",
        producer_phone="13912345678",
        description="山芋",
        weight_grams=1000,
        user=desk.op_a,
    )
    assert error.desk_code == Code.CAPABILITY_MISSING
