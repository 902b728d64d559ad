"""When parcels are planned: a pay-at-station order as soon as it is placed (issue #4)."""

from __future__ import annotations

import pytest

from backend.order.models import Order
from backend.routing.models import DeliveryKind, Shipment, ShipmentStatus
from backend.stations.models import StationLevel
from tests.checkout.conftest import COMPLETE, PAY, county, rice  # noqa: F401 (fixtures)
from tests.checkout.test_checkout import ready_checkout
from tests.routing.conftest import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_network(county, warehouse):  # noqa: F811
    town, village = county
    centre = make_station("C", StationLevel.COUNTY, lat="34.284", lon="119.255")
    centre.warehouse = warehouse
    centre.save()
    town_station = make_station(
        "T", StationLevel.TOWN, lat="34.290", lon="119.260", town=town, parent=centre
    )
    return make_station(
        "V",
        StationLevel.VILLAGE,
        lat="34.300",
        lon="119.250",
        town=town,
        village=village,
        parent=town_station,
    )


def test_pay_at_station_order_is_planned_once_placed(
    gql,
    channel,
    rice,  # noqa: F811
    county_network,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    checkout = ready_checkout(gql, channel, rice)
    paid = gql.query(PAY, {"id": checkout["id"], "gateway": {"id": "pay_at_station"}})
    assert paid["transactionInitialize"]["errors"] == []

    with django_capture_on_commit_callbacks(execute=True):
        placed = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert placed["errors"] == []

    order = Order.objects.get()
    assert order.charge_status == "none"  # paid later, at the station
    [shipment] = Shipment.objects.filter(order=order)
    assert shipment.status == ShipmentStatus.PLANNED
    # The checkout offers the village's own station first: the parcel is routed to it.
    assert order.delivery_method_id == "pickup:V"
    assert shipment.delivery_kind == DeliveryKind.PICKUP
    assert shipment.destination_station == county_network
    assert shipment.pickup_code_salt
