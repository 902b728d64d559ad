"""The operator mutations and queries, and the scoping matrix through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from backend.order.models import OrderChargeStatus
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    ShipmentLeg,
    ShipmentStatus,
    TrackingAction,
)
from backend.stationdesk.qr import payload_for
from backend.stationdesk.selectors import local_zone
from tests.conftest import GraphQLClient
from tests.stationdesk.conftest import api_for, code_of, wrong_code_for

pytestmark = pytest.mark.django_db

SCAN = """
mutation ($station: String!, $code: String!) {
  shipmentReceive(station: $station, code: $code) {
    shipment { code status events { action station { code } } }
    firstMileParcel { code status }
    repeated
    errors { field message code }
  }
}
"""
DISPATCH = SCAN.replace("shipmentReceive", "shipmentDispatch")
CONFIRM = SCAN.replace("shipmentReceive", "shipmentConfirmDelivery")
HAND_OVER = """
mutation ($station: String!, $code: String!, $pickupCode: String!) {
  shipmentHandOver(station: $station, code: $code, pickupCode: $pickupCode) {
    shipment { code status }
    errors { field message code }
  }
}
"""
CASH = """
mutation ($station: String!, $code: String!, $amount: String!) {
  stationCollectCash(station: $station, code: $code, amount: $amount) {
    shipment { code orderNumber }
    chargeStatus
    errors { field message code }
  }
}
"""
FIRST_MILE = """
mutation ($station: String!, $input: FirstMileRegisterInput!) {
  firstMileRegister(station: $station, input: $input) {
    firstMileParcel { code status producerName weightGrams nextStation { code } }
    errors { field message code }
  }
}
"""
PARCELS = """
query ($station: String!, $status: ShipmentStatusEnum) {
  stationParcels(station: $station, status: $status) { code status }
}
"""
MANIFEST = """
query ($station: String!, $date: Date, $run: String) {
  stationManifest(station: $station, date: $date, run: $run) {
    date run runs count
    parcels { shipment { code } leg { to { code } plannedAt } }
    firstMileParcels { code }
  }
}
"""


def mutate(api: GraphQLClient, query: str, **variables) -> dict:
    data = api.query(query, variables)
    return next(iter(data.values()))


def codes(result: dict) -> list[str]:
    return [error["code"] for error in result["errors"]]


def test_receive_through_the_api(client, desk):
    parcel = desk.parcel()
    api = api_for(client, desk.op_a)
    result = mutate(api, SCAN, station="VA1", code=parcel.code)
    assert result["errors"] == []
    assert result["shipment"]["status"] == "READY_FOR_PICKUP"
    assert [e["action"] for e in result["shipment"]["events"]] == ["RECEIVED", "READY_FOR_PICKUP"]
    again = mutate(
        api, SCAN, station=to_global_id("Station", desk.stations["VA1"].pk), code=parcel.code
    )
    assert again["repeated"] is True and again["errors"] == []


def test_dispatch_and_confirm_delivery_through_the_api(client, desk):
    parcel = desk.parcel(
        kind=DeliveryKind.HOME_DELIVERY,
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.DONE),
            ("VA1", None, LegKind.TO_SHOPPER, LegStatus.PENDING),
        ],
    )
    api = api_for(client, desk.op_a)
    assert mutate(api, DISPATCH, station="VA1", code=parcel.code)["shipment"]["status"] == (
        "OUT_FOR_DELIVERY"
    )
    assert mutate(api, CONFIRM, station="VA1", code=parcel.code)["shipment"]["status"] == (
        "DELIVERED"
    )


def test_hand_over_error_codes_through_the_api(client, desk):
    api = api_for(client, desk.op_a)
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    result = mutate(api, HAND_OVER, station="VA1", code=parcel.code, pickupCode="12")
    assert result["errors"][0]["field"] == "pickupCode"
    for _ in range(4):
        assert codes(
            mutate(
                api, HAND_OVER, station="VA1", code=parcel.code, pickupCode=wrong_code_for(parcel)
            )
        ) == ["INVALID_PICKUP_CODE"]
    # The wrong tries were kept although each mutation returned an error.
    assert parcel.events.filter(action=TrackingAction.PICKUP_CODE_REJECTED).count() == 5
    result = mutate(api, HAND_OVER, station="VA1", code=parcel.code, pickupCode=code_of(parcel))
    assert codes(result) == ["TOO_MANY_ATTEMPTS"] and result["shipment"] is None

    ready = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    result = mutate(api, HAND_OVER, station="VA1", code="", pickupCode=payload_for(ready))
    assert result["errors"] == [] and result["shipment"]["status"] == "PICKED_UP"
    result = mutate(api, HAND_OVER, station="VA1", code=ready.code, pickupCode=code_of(ready))
    assert codes(result) == ["ALREADY_PICKED_UP"]
    assert "已" in result["errors"][0]["message"]

    unpaid = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    result = mutate(api, HAND_OVER, station="VA1", code=unpaid.code, pickupCode=code_of(unpaid))
    assert codes(result) == ["NOT_PAID"]
    moving = desk.parcel()
    result = mutate(api, HAND_OVER, station="VA1", code=moving.code, pickupCode=code_of(moving))
    assert codes(result) == ["NOT_AT_STATION"]
    result = mutate(api, HAND_OVER, station="VA1", code="", pickupCode="123456")
    assert codes(result) == ["REQUIRED"]


def test_wrong_status_through_the_api(client, desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    result = mutate(api_for(client, desk.op_a), DISPATCH, station="VA1", code=parcel.code)
    assert codes(result) == ["WRONG_STATUS"]


def test_cash_through_the_api(client, desk):
    api = api_for(client, desk.op_a)
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    result = mutate(api, CASH, station="VA1", code=parcel.code, amount="25")
    assert codes(result) == ["AMOUNT_MISMATCH"] and result["errors"][0]["field"] == "amount"
    result = mutate(api, CASH, station="VA1", code=parcel.code, amount="25.60")
    assert result["errors"] == [] and result["chargeStatus"] == "FULL"
    parcel.order.refresh_from_db()
    assert parcel.order.charge_status == OrderChargeStatus.FULL
    assert codes(mutate(api, CASH, station="VA1", code=parcel.code, amount="25.60")) == [
        "ALREADY_PAID"
    ]
    other = desk.parcel(destination="VA2", status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    assert codes(mutate(api, CASH, station="VA2", code=other.code, amount="25.60")) == [
        "CAPABILITY_MISSING"
    ]
    assert codes(mutate(api, CASH, station="VA1", code=parcel.code, amount="x")) == ["INVALID"]


def test_first_mile_through_the_api(client, desk):
    api = api_for(client, desk.op_a)
    good = {
        "producerName": "张大爷",
        "producerPhone": "13912345678",
        "description": "紫菜",
        "weightGrams": 2000,
    }
    result = mutate(api, FIRST_MILE, station="VA1", input=good)
    assert result["errors"] == []
    assert result["firstMileParcel"]["nextStation"]["code"] == "TA"
    code = result["firstMileParcel"]["code"]
    assert mutate(api, DISPATCH, station="VA1", code=code)["firstMileParcel"]["status"] == (
        "IN_TRANSIT"
    )
    result = mutate(api, FIRST_MILE, station="VA1", input={**good, "weightGrams": 0})
    assert result["errors"] == [
        {"field": "weightGrams", "message": result["errors"][0]["message"], "code": "INVALID"}
    ]
    result = mutate(api, FIRST_MILE, station="VA1", input={**good, "producerName": " "})
    assert codes(result) == ["REQUIRED"]


def test_station_parcels_and_manifest(client, desk):
    api = api_for(client, desk.op_ta)
    waiting = desk.parcel(
        status=ShipmentStatus.AT_STATION,
        legs=[
            ("C", "TA", LegKind.TO_TOWN, LegStatus.DONE),
            ("TA", "VA1", LegKind.TO_VILLAGE, LegStatus.PENDING),
        ],
    )
    tomorrow = timezone.localtime(timezone.now(), local_zone()).date() + dt.timedelta(days=1)
    # Leaves TA tomorrow at 14:00: the 15:00 run.
    ShipmentLeg.objects.filter(shipment=waiting, sequence=2).update(
        planned_at=dt.datetime.combine(tomorrow, dt.time(14, 0), local_zone())
    )
    data = api.query(PARCELS, {"station": "TA", "status": "AT_STATION"})
    assert [p["code"] for p in data["stationParcels"]] == [waiting.code]
    afternoon = api.query(MANIFEST, {"station": "TA", "date": str(tomorrow), "run": "15:00"})
    manifest = afternoon["stationManifest"]
    assert manifest["runs"] == ["10:00", "15:00"] and manifest["count"] == 1
    assert manifest["parcels"][0]["shipment"]["code"] == waiting.code
    assert manifest["parcels"][0]["leg"]["to"]["code"] == "VA1"
    morning = api.query(MANIFEST, {"station": "TA", "date": str(tomorrow), "run": "10:00"})
    assert morning["stationManifest"]["count"] == 0
    response = api.post(MANIFEST, {"station": "TA", "run": "12:00"})
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "INVALID"


# --- scoping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "extra"),
    [
        (SCAN, {}),
        (DISPATCH, {}),
        (CONFIRM, {}),
        (HAND_OVER, {"pickupCode": "123456"}),
        (CASH, {"amount": "25.60"}),
    ],
)
def test_operator_b_cannot_handle_station_a_parcels(client, desk, query, extra):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    api_b = api_for(client, desk.op_b)
    # Through B's own station: the parcel does not exist for it.
    result = mutate(api_b, query, station="VB1", code=parcel.code, **extra)
    assert codes(result) == ["NOT_FOUND"] and result.get("shipment") is None
    assert parcel.code not in str(result)
    # Naming A's station: B does not work there, so the station is not found either.
    result = mutate(api_b, query, station="VA1", code=parcel.code, **extra)
    assert codes(result) == ["NOT_FOUND"] and result["errors"][0]["field"] == "station"
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.READY_FOR_PICKUP
    assert parcel.order.charge_status != OrderChargeStatus.FULL


def test_operator_b_cannot_list_station_a(client, desk):
    desk.parcel()
    api_b = api_for(client, desk.op_b)
    for query in (PARCELS, MANIFEST):
        body = api_b.post(query, {"station": "VA1"}).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "NOT_FOUND"
    assert api_b.query(PARCELS, {"station": "VB1"})["stationParcels"] == []


def test_anonymous_and_shoppers_are_refused(client, desk):
    parcel = desk.parcel()
    anonymous = GraphQLClient(client)
    result = mutate(anonymous, SCAN, station="VA1", code=parcel.code)
    assert codes(result) == ["NOT_FOUND"]
    shopper = api_for(client, desk.shopper)
    assert codes(mutate(shopper, SCAN, station="VA1", code=parcel.code)) == ["NOT_FOUND"]


def test_a_service_refuses_a_user_who_is_not_an_operator(desk):
    """The API never reaches a service with a foreign station, but the service checks anyway
    (DESIGN.md: permissions are checked in services)."""
    from backend.stationdesk import services
    from backend.stationdesk.services import StationDeskError

    parcel = desk.parcel()
    with pytest.raises(StationDeskError) as info:
        services.receive_parcel(station=desk.stations["VA1"], code=parcel.code, user=desk.shopper)
    assert info.value.desk_code == "PERMISSION_DENIED"
