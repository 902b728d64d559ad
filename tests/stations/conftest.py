"""Fixtures of the station tests: a small network built with the factories, the seed, and API
clients for an anonymous visitor, a shopper, staff without the permission and a network
manager."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.divisions.models import Town, Village
from backend.stations.models import Station, StationCapability, StationLevel, StationStatus
from tests.conftest import GraphQLClient
from tests.factories import StationFactory, TownFactory, UserFactory, VillageFactory
from tests.graphql.conftest import staff_with

# About 1 km of latitude; longitudes are kept at the centre's so distances are easy to check.
KM = Decimal("0.008993")
CENTRE_LAT, CENTRE_LON = Decimal("34.284000"), Decimal("119.255000")


@dataclass
class Network:
    """Two towns; 东镇 has a village station in 东一村 (also serving 东二村) and a suspended
    one in 东三村 (weak); 西镇 has a station in 西一村 (weak) and none in 西二村."""

    centre: Station
    east: Town
    west: Town
    east_station: Station
    west_station: Station
    east_one: Station
    east_three: Station
    west_one: Station
    villages: dict[str, Village]


def _at(km_north: int) -> Decimal:
    return CENTRE_LAT + KM * km_north


@pytest.fixture
def network(db) -> Network:
    east = TownFactory(code="320723901", name="东镇", sort_order=0)
    west = TownFactory(code="320723902", name="西镇", sort_order=1)
    villages = {
        "东一村": VillageFactory(town=east, code="320723901201", name="东一村", sort_order=0),
        "东二村": VillageFactory(town=east, code="320723901202", name="东二村", sort_order=1),
        "东三村": VillageFactory(
            town=east, code="320723901203", name="东三村", is_economically_weak=True, sort_order=2
        ),
        "西一村": VillageFactory(
            town=west, code="320723902201", name="西一村", is_economically_weak=True, sort_order=0
        ),
        "西二村": VillageFactory(
            town=west, code="320723902202", name="西二村", is_economically_weak=True, sort_order=1
        ),
    }
    every = list(StationCapability.values)
    centre = StationFactory(
        code="GY-C",
        name="县中心",
        level=StationLevel.COUNTY,
        village=None,
        town=None,
        capabilities=every,
        opening_hours={"mon": [["00:00", "24:00"]]},
    )
    east_station = StationFactory(
        code="GY-T-320723901",
        name="东镇中转站",
        level=StationLevel.TOWN,
        village=None,
        town=east,
        parent=centre,
        latitude=_at(10),
        capabilities=[*every],
    )
    west_station = StationFactory(
        code="GY-T-320723902",
        name="西镇中转站",
        level=StationLevel.TOWN,
        village=None,
        town=west,
        parent=centre,
        latitude=_at(-10),
        capabilities=[StationCapability.PICKUP],
    )
    east_one = StationFactory(
        code="GY-V-320723901201",
        name="东一村服务站",
        village=villages["东一村"],
        parent=east_station,
        latitude=_at(12),
        served_villages=[villages["东一村"], villages["东二村"]],
    )
    east_three = StationFactory(
        code="GY-V-320723901203",
        name="东三村服务站",
        village=villages["东三村"],
        parent=east_station,
        latitude=_at(13),
        status=StationStatus.SUSPENDED,
        status_reason="整改",
    )
    west_one = StationFactory(
        code="GY-V-320723902201",
        name="西一村服务站",
        village=villages["西一村"],
        parent=west_station,
        latitude=_at(-12),
        capabilities=[StationCapability.PICKUP, StationCapability.CASH_COLLECTION],
    )
    return Network(
        centre=centre,
        east=east,
        west=west,
        east_station=east_station,
        west_station=west_station,
        east_one=east_one,
        east_three=east_three,
        west_one=west_one,
        villages=villages,
    )


@pytest.fixture
def anonymous(client) -> GraphQLClient:
    return GraphQLClient(client)


@pytest.fixture
def shopper(client, db) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(UserFactory()))


@pytest.fixture
def staff_without_permission(client, db) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(staff_with(Permission.MANAGE_ORDERS)))


@pytest.fixture
def station_manager_user(db):
    return staff_with(Permission.MANAGE_STATIONS, group_name="站点网络管理员")


@pytest.fixture
def manager(client, station_manager_user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(station_manager_user))


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A copy of catalog_seed/ that a test may edit without touching the real one."""
    target = tmp_path / "seed"
    shutil.copytree(settings.CATALOG_SEED_DIR, target)
    return target
