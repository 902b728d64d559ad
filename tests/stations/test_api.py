"""The station API: public queries see active stations, network managers see all; the staff
mutations refuse everyone else and answer bad input with StationError codes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.models import AuditLogEntry
from backend.stations.models import Station, StationOperator, StationStatus
from tests.conftest import GraphQLClient
from tests.factories import StationFactory, UserFactory, VillageFactory
from tests.stations.conftest import CENTRE_LAT, CENTRE_LON, KM

pytestmark = pytest.mark.django_db

STATIONS = """
query($first: Int, $after: String, $near: GeoPointInput, $town: String, $village: String,
      $capability: StationCapabilityEnum, $level: StationLevelEnum,
      $status: StationStatusEnum) {
  stations(first: $first, after: $after, near: $near, town: $town, village: $village,
           capability: $capability, level: $level, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code distance } }
  }
}
"""

FULL_STATIONS = """
query($first: Int) {
  stations(first: $first) {
    totalCount
    edges { node {
      id code name level status statusReason address phone latitude longitude
      isOpenNow nextOpeningAt capabilities dailyParcelCapacity distance
      openingHours { day intervals { opens closes } }
      parent { code name level }
      town { code name }
      village { code name isEconomicallyWeak }
      servedVillages { code name }
    } }
  }
}
"""

STATION = """
query($id: ID, $code: String) {
  station(id: $id, code: $code) {
    code name level status
    parent { code }
    town { name }
    village { name }
    servedVillages { name }
    openingHours { day intervals { opens closes } }
  }
}
"""

COVERAGE = """
{ stationCoverage {
    villages villagesServed share weakVillages weakVillagesServed weakShare
    weakTarget weakTargetMet
    towns { town { code name } villages villagesServed share weakVillages
            weakVillagesServed weakShare }
} }
"""

SUSPEND = """
mutation($id: ID!, $reason: String!) {
  stationSuspend(id: $id, reason: $reason) {
    station { code status statusReason }
    errors { field message code }
  }
}
"""
CLOSE = """
mutation($id: ID!, $reason: String!) {
  stationClose(id: $id, reason: $reason) {
    station { code status }
    errors { field message code }
  }
}
"""
REACTIVATE = """
mutation($id: ID!) {
  stationReactivate(id: $id) {
    station { code status statusReason }
    errors { field message code }
  }
}
"""
ASSIGN = """
mutation($station: ID!, $user: ID!, $role: StationOperatorRoleEnum) {
  stationOperatorAssign(station: $station, user: $user, role: $role) {
    station { code operators { user { email } role } }
    errors { field message code }
  }
}
"""


def gid(instance) -> str:
    return to_global_id(type(instance).__name__, instance.pk)


def page_codes(data) -> list[str]:
    return [edge["node"]["code"] for edge in data["stations"]["edges"]]


def error_code(body) -> str:
    return body["errors"][0]["extensions"]["exception"]["code"]


# Queries -----------------------------------------------------------------------------------


def test_public_sees_active_stations_only(anonymous, network):
    data = anonymous.query(STATIONS, {"first": 10})

    assert data["stations"]["totalCount"] == 5
    assert "GY-V-320723901203" not in page_codes(data)
    assert page_codes(data)[0] == "GY-C"
    suspended = anonymous.query(STATIONS, {"first": 10, "status": "SUSPENDED"})
    assert suspended["stations"]["totalCount"] == 0


def test_manager_sees_every_station_and_filters_by_status(manager, network):
    assert manager.query(STATIONS, {"first": 10})["stations"]["totalCount"] == 6
    data = manager.query(STATIONS, {"first": 10, "status": "SUSPENDED"})
    assert page_codes(data) == ["GY-V-320723901203"]


def test_staff_without_the_permission_sees_what_the_public_sees(staff_without_permission, network):
    data = staff_without_permission.query(STATIONS, {"first": 10})
    assert data["stations"]["totalCount"] == 5


def test_stations_near_a_point_are_nearest_first_with_distance(anonymous, network):
    near = {"latitude": float(CENTRE_LAT - KM * 12), "longitude": float(CENTRE_LON)}

    data = anonymous.query(STATIONS, {"first": 3, "near": near})

    assert page_codes(data) == ["GY-V-320723902201", "GY-T-320723902", "GY-C"]
    distances = [edge["node"]["distance"] for edge in data["stations"]["edges"]]
    assert distances == pytest.approx([0.0, 2.0, 12.0], abs=0.02)
    assert data["stations"]["pageInfo"]["hasNextPage"]
    after = data["stations"]["pageInfo"]["endCursor"]
    rest = anonymous.query(STATIONS, {"first": 3, "near": near, "after": after})
    assert page_codes(rest) == ["GY-T-320723901", "GY-V-320723901201"]
    plain = anonymous.query(STATIONS, {"first": 1})
    assert plain["stations"]["edges"][0]["node"]["distance"] is None


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"town": "320723901"}, ["GY-T-320723901", "GY-V-320723901201"]),
        ({"village": "320723901202"}, ["GY-V-320723901201"]),
        ({"capability": "CASH_COLLECTION"}, ["GY-C", "GY-T-320723901", "GY-V-320723902201"]),
        ({"level": "TOWN"}, ["GY-T-320723901", "GY-T-320723902"]),
        ({"level": "VILLAGE", "town": "320723902"}, ["GY-V-320723902201"]),
        ({"town": "320723999"}, []),
        ({"village": "320723999999"}, []),
    ],
)
def test_stations_filters(anonymous, network, variables, expected):
    assert page_codes(anonymous.query(STATIONS, {"first": 10, **variables})) == expected


def test_stations_filter_by_town_and_village_ids(anonymous, network):
    by_town = anonymous.query(STATIONS, {"first": 10, "town": gid(network.west)})
    by_village = anonymous.query(
        STATIONS, {"first": 10, "village": gid(network.villages["西一村"])}
    )

    assert page_codes(by_town) == ["GY-T-320723902", "GY-V-320723902201"]
    assert page_codes(by_village) == ["GY-V-320723902201"]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"first": 10, "town": "not-an-id"}, "INVALID"),
        ({"first": 10, "village": to_global_id("Town", 1)}, "INVALID"),
        ({"first": 10, "near": {"latitude": 95, "longitude": 119}}, "INVALID"),
        ({}, "PAGINATION_REQUIRED"),
        ({"first": 101}, "PAGE_SIZE_EXCEEDED"),
    ],
)
def test_stations_bad_arguments_are_typed_errors(anonymous, network, variables, code):
    response = anonymous.post(STATIONS, variables)

    assert response.status_code in (200, 400)
    assert error_code(response.json()) == code


def test_full_station_fields(anonymous, network):
    data = anonymous.query(FULL_STATIONS, {"first": 10})
    nodes = {edge["node"]["code"]: edge["node"] for edge in data["stations"]["edges"]}

    east_one = nodes["GY-V-320723901201"]
    assert east_one["level"] == "VILLAGE"
    assert east_one["status"] == "ACTIVE"
    assert east_one["parent"] == {"code": "GY-T-320723901", "name": "东镇中转站", "level": "TOWN"}
    assert east_one["town"] == {"code": "320723901", "name": "东镇"}
    assert east_one["village"]["name"] == "东一村"
    assert [v["name"] for v in east_one["servedVillages"]] == ["东一村", "东二村"]
    assert east_one["capabilities"] == ["PICKUP", "HOME_DELIVERY"]
    assert east_one["latitude"] == pytest.approx(float(CENTRE_LAT + KM * 12))
    centre = nodes["GY-C"]
    assert (centre["parent"], centre["town"], centre["village"]) == (None, None, None)
    monday = centre["openingHours"][0]
    assert monday == {"day": "MON", "intervals": [{"opens": "00:00", "closes": "24:00"}]}
    assert [day["day"] for day in centre["openingHours"]] == [
        "MON",
        "TUE",
        "WED",
        "THU",
        "FRI",
        "SAT",
        "SUN",
    ]
    assert centre["openingHours"][1]["intervals"] == []
    # Open only on Mondays: open now exactly when Guanyun's today is a Monday.
    assert isinstance(centre["isOpenNow"], bool)
    assert centre["nextOpeningAt"] is not None
    assert nodes["GY-T-320723901"]["isOpenNow"] is False
    assert nodes["GY-T-320723901"]["nextOpeningAt"] is None


def test_stations_sql_count_does_not_grow_with_page_size(anonymous, network):
    for number in range(12):
        village = VillageFactory(town=network.east)
        StationFactory(code=f"GY-V-X{number:02d}", village=village, parent=network.east_station)

    def count(first: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            data = anonymous.query(FULL_STATIONS, {"first": first})
        assert len(data["stations"]["edges"]) == first
        return len(queries)

    assert count(2) == count(15)


def test_station_by_id_or_code(anonymous, manager, network):
    by_code = anonymous.query(STATION, {"code": "GY-V-320723901201"})["station"]
    by_id = anonymous.query(STATION, {"id": gid(network.east_one)})["station"]

    assert by_code == by_id
    assert by_code["parent"] == {"code": "GY-T-320723901"}
    assert by_code["servedVillages"] == [{"name": "东一村"}, {"name": "东二村"}]
    assert anonymous.query(STATION, {"code": "GY-V-320723901203"})["station"] is None
    assert anonymous.query(STATION, {"code": "NOPE"})["station"] is None
    hidden = manager.query(STATION, {"code": "GY-V-320723901203"})["station"]
    assert hidden["status"] == "SUSPENDED"


def test_suspended_station_is_never_open(manager, network):
    always = {
        day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    Station.objects.filter(code__startswith="GY-V-").update(opening_hours=always)
    query = """query($code: String) { station(code: $code) { isOpenNow nextOpeningAt } }"""

    suspended = manager.query(query, {"code": "GY-V-320723901203"})["station"]
    active = manager.query(query, {"code": "GY-V-320723901201"})["station"]

    assert suspended == {"isOpenNow": False, "nextOpeningAt": None}
    assert active["isOpenNow"] is True
    assert active["nextOpeningAt"] is not None


def test_station_needs_an_id_or_code(anonymous, network):
    assert error_code(anonymous.post(STATION, {}).json()) == "INVALID"
    assert error_code(anonymous.post(STATION, {"id": "bad"}).json()) == "INVALID"


def test_suspended_station_is_not_reachable_as_a_node(anonymous, manager, network):
    query = "query($id: ID!) { node(id: $id) { ... on Station { code } } }"
    variables = {"id": gid(network.east_three)}

    assert anonymous.query(query, variables)["node"] is None
    assert manager.query(query, variables)["node"] == {"code": "GY-V-320723901203"}


def test_station_coverage_is_public(anonymous, network):
    coverage = anonymous.query(COVERAGE)["stationCoverage"]

    assert {key: coverage[key] for key in coverage if key != "towns"} == {
        "villages": 5,
        "villagesServed": 3,
        "share": 0.6,
        "weakVillages": 3,
        "weakVillagesServed": 1,
        "weakShare": 0.3333,
        "weakTarget": 0.5,
        "weakTargetMet": False,
    }
    assert coverage["towns"] == [
        {
            "town": {"code": "320723901", "name": "东镇"},
            "villages": 3,
            "villagesServed": 2,
            "share": 0.6667,
            "weakVillages": 1,
            "weakVillagesServed": 0,
            "weakShare": 0.0,
        },
        {
            "town": {"code": "320723902", "name": "西镇"},
            "villages": 2,
            "villagesServed": 1,
            "share": 0.5,
            "weakVillages": 2,
            "weakVillagesServed": 1,
            "weakShare": 0.5,
        },
    ]


def test_operators_are_shown_to_network_managers_only(anonymous, manager, network):
    StationOperator.objects.create(station=network.centre, user=UserFactory(email="op@x.cn"))
    query = '{ station(code: "GY-C") { operators { user { email } role } } }'

    assert manager.query(query)["station"]["operators"] == [
        {"user": {"email": "op@x.cn"}, "role": "OPERATOR"}
    ]
    assert error_code(anonymous.post(query).json()) == "PERMISSION_DENIED"


# Mutations ---------------------------------------------------------------------------------


def test_station_suspend(manager, station_manager_user, network):
    data = manager.query(SUSPEND, {"id": gid(network.east_one), "reason": "装修"})

    assert data["stationSuspend"] == {
        "station": {"code": "GY-V-320723901201", "status": "SUSPENDED", "statusReason": "装修"},
        "errors": [],
    }
    entry = AuditLogEntry.objects.get(action="station.suspended")
    assert entry.actor == station_manager_user


def test_station_close_and_reactivate(manager, network):
    closed = manager.query(CLOSE, {"id": gid(network.east_three), "reason": "撤并"})
    reopened = manager.query(REACTIVATE, {"id": gid(network.east_three)})

    assert closed["stationClose"]["station"]["status"] == "CLOSED"
    assert reopened["stationReactivate"] == {
        "station": {"code": "GY-V-320723901203", "status": "ACTIVE", "statusReason": ""},
        "errors": [],
    }


def test_station_operator_assign(manager, network):
    user = UserFactory(email="zhan@example.com")

    data = manager.query(
        ASSIGN, {"station": gid(network.east_one), "user": gid(user), "role": "MANAGER"}
    )
    default_role = manager.query(ASSIGN, {"station": gid(network.west_one), "user": gid(user)})

    assert data["stationOperatorAssign"] == {
        "station": {
            "code": "GY-V-320723901201",
            "operators": [{"user": {"email": "zhan@example.com"}, "role": "MANAGER"}],
        },
        "errors": [],
    }
    assert default_role["stationOperatorAssign"]["station"]["operators"][0]["role"] == "OPERATOR"
    assert set(user.stations.values_list("code", flat=True)) == {
        "GY-V-320723901201",
        "GY-V-320723902201",
    }


def _suspended(network) -> dict:
    return {"id": gid(network.east_three), "reason": "x"}


def _closed(network) -> dict:
    Station.objects.filter(pk=network.west_one.pk).update(status=StationStatus.CLOSED)
    return {"id": gid(network.west_one), "reason": "x"}


@pytest.mark.parametrize(
    ("mutation", "variables", "field", "code"),
    [
        (SUSPEND, _suspended, "id", "ALREADY_SUSPENDED"),
        (SUSPEND, _closed, "id", "STATION_CLOSED"),
        (SUSPEND, lambda n: {"id": gid(n.east_one), "reason": " "}, "reason", "REQUIRED"),
        (SUSPEND, lambda n: {"id": gid(n.east_one), "reason": "长" * 300}, "reason", "INVALID"),
        (
            SUSPEND,
            lambda n: {"id": to_global_id("Station", 999999), "reason": "x"},
            "id",
            "NOT_FOUND",
        ),
        (SUSPEND, lambda n: {"id": gid(n.east), "reason": "x"}, "id", "GRAPHQL_ERROR"),
        (CLOSE, _closed, "id", "ALREADY_CLOSED"),
        (CLOSE, lambda n: {"id": gid(n.east_one), "reason": ""}, "reason", "REQUIRED"),
        (REACTIVATE, lambda n: {"id": gid(n.east_one)}, "id", "ALREADY_ACTIVE"),
        (
            ASSIGN,
            lambda n: {"station": gid(n.east_one), "user": gid(UserFactory(is_active=False))},
            "user",
            "INACTIVE_USER",
        ),
        (
            ASSIGN,
            lambda n: {"station": _closed(n)["id"], "user": gid(UserFactory())},
            "station",
            "STATION_CLOSED",
        ),
        (
            ASSIGN,
            lambda n: {"station": gid(n.east_one), "user": to_global_id("User", 999999)},
            "user",
            "NOT_FOUND",
        ),
        (
            ASSIGN,
            lambda n: {"station": "bad", "user": to_global_id("User", 1)},
            "station",
            "GRAPHQL_ERROR",
        ),
    ],
)
def test_mutation_errors_write_nothing(manager, network, mutation, variables, field, code):
    arguments = variables(network)
    before = sorted(Station.objects.values_list("code", "status", "status_reason"))
    audit_before = AuditLogEntry.objects.count()

    data = manager.query(mutation, arguments)

    (payload,) = data.values()
    assert payload["station"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["errors"][0]["message"]
    assert sorted(Station.objects.values_list("code", "status", "status_reason")) == before
    assert AuditLogEntry.objects.count() == audit_before
    assert not StationOperator.objects.exists()


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (SUSPEND, lambda n: {"id": gid(n.east_one), "reason": "x"}),
        (CLOSE, lambda n: {"id": gid(n.east_one), "reason": "x"}),
        (REACTIVATE, lambda n: {"id": gid(n.east_three)}),
        (ASSIGN, lambda n: {"station": gid(n.east_one), "user": gid(UserFactory())}),
    ],
)
def test_mutations_refuse_everyone_but_network_managers(
    client, network, anonymous, shopper, staff_without_permission, mutation, variables
):
    # A customer account holding MANAGE_STATIONS by mistake is refused all the same.
    customer = UserFactory()
    customer.user_permissions.add(DjangoPermission.objects.get(codename="manage_stations"))
    with_permission_by_mistake = GraphQLClient(client, create_access_token(customer))
    before = sorted(Station.objects.values_list("code", "status"))

    for api in (anonymous, shopper, staff_without_permission, with_permission_by_mistake):
        body = api.post(mutation, variables(network)).json()
        assert error_code(body) == "PERMISSION_DENIED"

    assert sorted(Station.objects.values_list("code", "status")) == before
    assert not StationOperator.objects.exists()
