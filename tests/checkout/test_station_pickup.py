"""Station pickup (网订店取) in the checkout: which stations are offered, in which order, at
which promised date, and which ids are accepted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from backend.checkout.station_delivery import promised_ready_date
from backend.divisions.models import Town, Village
from backend.order.models import Order
from backend.stations.models import Station, StationLevel, StationStatus
from tests.checkout.conftest import COMPLETE, CREATE, DELIVERY, SHIPPING_ADDRESS, in_county_address
from tests.checkout.test_checkout import pay_dummy, vid

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL = ["pickup", "home_delivery", "parcel_send_receive"]


def station(code, level, *, lat, lon, town=None, village=None, parent=None, **extra):
    extra.setdefault("capabilities", ALL)
    return Station.objects.create(
        code=code,
        name=f"站点{code}",
        level=level,
        town=town,
        village=village,
        parent=parent,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        **extra,
    )


@pytest.fixture
def network(county):
    town, village = county
    yangji = Town.objects.get(name="杨集镇")
    centre = station("C", StationLevel.COUNTY, lat="34.284", lon="119.246")
    town_station = station(
        "T1", StationLevel.TOWN, lat="34.300", lon="119.250", town=town, parent=centre
    )
    own = station(
        "V1",
        StationLevel.VILLAGE,
        lat="34.310",
        lon="119.260",
        town=town,
        village=village,
        parent=town_station,
    )
    own.served_villages.add(village)
    far = station("T2", StationLevel.TOWN, lat="34.500", lon="119.600", town=yangji, parent=centre)
    other_village = Village.objects.create(town=town, code="320723100009", name="葛庄村")
    suspended = station(
        "V9",
        StationLevel.VILLAGE,
        lat="34.311",
        lon="119.261",
        town=town,
        village=other_village,
        parent=town_station,
        status=StationStatus.SUSPENDED,
    )
    no_pickup = station(
        "V8",
        StationLevel.VILLAGE,
        lat="34.312",
        lon="119.262",
        town=town,
        village=other_village,
        parent=town_station,
        capabilities=["parcel_send_receive"],
    )
    return {
        "centre": centre,
        "town": town_station,
        "own": own,
        "far": far,
        "suspended": suspended,
        "no_pickup": no_pickup,
    }


def checkout_with_address(gql, channel, rice):
    checkout = gql.query(
        CREATE,
        {"input": {"channel": channel.slug, "lines": [{"variantId": vid(rice), "quantity": 1}]}},
    )["checkoutCreate"]["checkout"]
    result = gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": in_county_address()})
    return result["checkoutShippingAddressUpdate"]["checkout"]


def test_stations_serving_the_village_come_first_then_the_nearest(gql, channel, rice, network):
    checkout = checkout_with_address(gql, channel, rice)
    ids = [m["id"] for m in checkout["shippingMethods"]]
    # Own village station, then by distance from it; suspended and no-pickup stations never.
    assert ids == ["pickup:V1", "pickup:T1", "pickup:C", "pickup:T2", "county-flat"]
    assert all(m["price"]["amount"] == 0 for m in checkout["shippingMethods"][:4])


def test_any_active_pickup_station_can_be_chosen_but_not_a_suspended_one(
    gql, channel, rice, network
):
    checkout = checkout_with_address(gql, channel, rice)
    chosen = gql.query(DELIVERY, {"id": checkout["id"], "method": "pickup:T2"})[
        "checkoutDeliveryMethodUpdate"
    ]
    assert chosen["errors"] == []
    assert chosen["checkout"]["deliveryMethod"]["id"] == "pickup:T2"
    for refused in ("pickup:V9", "pickup:V8", "pickup:NOPE"):
        result = gql.query(DELIVERY, {"id": checkout["id"], "method": refused})[
            "checkoutDeliveryMethodUpdate"
        ]
        assert result["errors"][0]["code"] == "DELIVERY_METHOD_NOT_APPLICABLE", refused


def test_order_placed_for_pickup_records_the_station(gql, channel, rice, network):
    checkout = checkout_with_address(gql, channel, rice)
    gql.query(DELIVERY, {"id": checkout["id"], "method": "pickup:V1"})
    assert pay_dummy(gql, checkout["id"])["errors"] == []
    placed = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert placed["errors"] == []
    order = Order.objects.get()
    assert order.delivery_method_id == "pickup:V1"
    assert "站点V1" in order.shipping_method_name
    assert order.shipping_price_gross_amount == 0


@pytest.mark.parametrize(
    ("ordered", "ready"),
    [
        ("2026-11-30 08:30", "2026-11-30"),  # packed by 09:30, leaves with the 10:00 van
        ("2026-11-30 13:59", "2026-11-30"),  # packed by 14:59, leaves with the 15:00 van
        ("2026-11-30 14:30", "2026-12-01"),  # too late for the 15:00 van
        ("2026-11-30 22:00", "2026-12-01"),
    ],
)
def test_promised_ready_date_follows_the_van_runs(ordered, ready):
    moment = dt.datetime.fromisoformat(ordered).replace(tzinfo=SHANGHAI)
    assert promised_ready_date(moment).isoformat() == ready


def test_collection_points_and_method_details_in_the_api(gql, channel, rice, network):
    checkout = checkout_with_address(gql, channel, rice)
    query = """query($id: ID!) { checkout(id: $id) {
        availableCollectionPoints { code distance }
        shippingMethods { id readyDate distance collectionPoint { code } } } }"""
    data = gql.query(query, {"id": checkout["id"]})["checkout"]
    assert [p["code"] for p in data["availableCollectionPoints"]] == ["V1", "T1", "C", "T2"]
    # The village's own station is listed first without a distance; the others by distance.
    distances = [p["distance"] for p in data["availableCollectionPoints"]]
    assert distances[0] is None
    assert distances[1:] == sorted(distances[1:])
    pickup = data["shippingMethods"][0]
    assert pickup["collectionPoint"] == {"code": "V1"}
    assert pickup["readyDate"] is not None
    home = data["shippingMethods"][-1]
    assert (home["id"], home["collectionPoint"], home["distance"]) == ("county-flat", None, None)
    assert home["readyDate"] == pickup["readyDate"]


def test_home_delivery_names_the_last_mile_station(gql, channel, rice, network):
    checkout = checkout_with_address(gql, channel, rice)
    query = "query($id: ID!) { checkout(id: $id) { shippingMethods { id description } } }"
    methods = gql.query(query, {"id": checkout["id"]})["checkout"]["shippingMethods"]
    home = next(m for m in methods if m["id"] == "county-flat")
    assert "站点V1" in home["description"]


def test_home_delivery_falls_back_to_the_town_station_or_is_not_offered(
    gql, channel, rice, network
):
    network["own"].capabilities = ["pickup"]
    network["own"].save()
    checkout = checkout_with_address(gql, channel, rice)
    query = "query($id: ID!) { checkout(id: $id) { shippingMethods { id description } } }"
    methods = gql.query(query, {"id": checkout["id"]})["checkout"]["shippingMethods"]
    assert "站点T1" in next(m for m in methods if m["id"] == "county-flat")["description"]
    network["town"].capabilities = ["pickup"]
    network["town"].save()
    methods = gql.query(query, {"id": checkout["id"]})["checkout"]["shippingMethods"]
    assert "county-flat" not in [m["id"] for m in methods]
