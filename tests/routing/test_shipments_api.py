"""order.shipments for shoppers and the staff `shipments` query (issue #4)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.routing import pickup_codes
from backend.routing.services import plan_order
from backend.stations.models import StationOperator
from tests.conftest import GraphQLClient
from tests.factories import UserFactory
from tests.graphql.conftest import staff_with
from tests.routing.conftest import paid_order, stock

pytestmark = pytest.mark.django_db

ORDER_SHIPMENTS = """
query ($id: ID!) {
  order(id: $id) {
    shipments {
      code status deliveryKind promisedDate reason pickupCode
      destination { code }
      legs { from { code name } to { code name } kind status plannedAt doneAt }
      events { action station { name } at note }
      lines { quantity orderLine { productName } }
    }
  }
}
"""

SHIPMENTS = """
query ($filter: ShipmentFilterInput, $first: Int) {
  shipments(filter: $filter, first: $first) {
    totalCount
    edges { node {
      code status orderNumber pickupCode
      sourceWarehouse { name }
      destination { code }
      legs { from { code } to { code } }
      events { action station { code } }
    } }
  }
}
"""


def client_for(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture
def shopper(db):
    return UserFactory(phone="13912345678")


@pytest.fixture
def pickup_order(net, shopper):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 2)], village="a1", method="pickup:VA1", user=shopper)
    plan_order(order=order)
    return order


def test_owner_sees_parcels_legs_events_and_the_pickup_code(client, pickup_order, shopper):
    data = client_for(client, shopper).query(
        ORDER_SHIPMENTS, {"id": to_global_id("Order", str(pickup_order.pk))}
    )
    [shipment] = data["order"]["shipments"]
    assert shipment["status"] == "PLANNED" and shipment["deliveryKind"] == "PICKUP"
    assert shipment["destination"] == {"code": "VA1"}
    assert [(leg["from"]["code"], leg["to"]["code"], leg["kind"]) for leg in shipment["legs"]] == [
        ("C", "TA", "TO_TOWN"),
        ("TA", "VA1", "TO_VILLAGE"),
    ]
    assert all(leg["status"] == "PENDING" and leg["doneAt"] is None for leg in shipment["legs"])
    assert [e["action"] for e in shipment["events"]] == ["PLANNED"]
    assert shipment["lines"] == [{"quantity": 2, "orderLine": {"productName": "大米"}}]
    assert re.fullmatch(r"\d{6}", shipment["pickupCode"])
    salt = pickup_order.shipments.get().pickup_code_salt
    assert shipment["pickupCode"] == pickup_codes.code_for(salt)
    assert "县级分拨中心" in shipment["reason"]


def test_order_managers_see_parcels_but_not_the_pickup_code(client, pickup_order):
    manager = staff_with(Permission.MANAGE_ORDERS, group_name="订单管理员")
    data = client_for(client, manager).query(
        ORDER_SHIPMENTS, {"id": to_global_id("Order", str(pickup_order.pk))}
    )
    [shipment] = data["order"]["shipments"]
    assert shipment["code"].startswith("P") and shipment["pickupCode"] is None


def test_staff_filter_parcels_by_status_and_station(client, net, pickup_order):
    stock(net["farm_b"], net["rice"], 10)
    held = paid_order(net, [(net["shrimp"], 1)], village="b1", allocate_stock=False)
    plan_order(order=held)
    manager = staff_with(Permission.MANAGE_STATIONS, group_name="站点管理员")
    gql = client_for(client, manager)

    everything = gql.query(SHIPMENTS, {"first": 10})["shipments"]
    assert everything["totalCount"] == 2
    held_only = gql.query(SHIPMENTS, {"filter": {"status": ["HELD"]}, "first": 10})["shipments"]
    assert [e["node"]["orderNumber"] for e in held_only["edges"]] == [str(held.number)]
    via_ta = gql.query(SHIPMENTS, {"filter": {"station": "TA"}, "first": 10})["shipments"]
    [node] = [e["node"] for e in via_ta["edges"]]
    assert node["orderNumber"] == str(pickup_order.number)
    assert node["sourceWarehouse"] == {"name": net["dc"].name}
    assert node["pickupCode"] is None
    by_id = gql.query(
        SHIPMENTS,
        {"filter": {"station": to_global_id("Station", net["stations"]["VB1"].pk)}, "first": 10},
    )["shipments"]
    assert by_id["totalCount"] == 0  # the held parcel has no legs and no destination yet


def test_station_operator_sees_only_their_stations_parcels(client, net, pickup_order):
    other = paid_order(net, [(net["rice"], 1)], village="b1")
    plan_order(order=other)
    operator = UserFactory()
    StationOperator.objects.create(station=net["stations"]["VB1"], user=operator)

    data = client_for(client, operator).query(SHIPMENTS, {"first": 10})["shipments"]

    assert [e["node"]["orderNumber"] for e in data["edges"]] == [str(other.number)]
    assert data["edges"][0]["node"]["sourceWarehouse"] is None


def test_shoppers_cannot_list_parcels(client, shopper, pickup_order):
    response = client_for(client, shopper).post(SHIPMENTS, {"first": 10}).json()
    assert response["data"]["shipments"] is None
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


def test_shipments_query_statement_count_does_not_grow_with_page_size(client, net):
    stock(net["dc"], net["rice"], 100)
    for _ in range(6):
        plan_order(order=paid_order(net, [(net["rice"], 1)], village="b1"))
    gql = client_for(client, staff_with(Permission.MANAGE_ORDERS, group_name="订单管理员"))

    def statements(first: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            gql.query(SHIPMENTS, {"first": first})
        return len(queries)

    assert statements(2) == statements(6)
