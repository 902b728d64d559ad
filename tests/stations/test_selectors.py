"""Reading the network: nearest stations, who serves a village, the town station, the county
centre, and coverage that counts only active stations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from backend.stations.models import (
    Station,
    StationCapability,
    StationLevel,
    StationOperator,
    StationStatus,
)
from backend.stations.selectors import (
    county_centre,
    coverage,
    nearest_stations,
    stations_for_village,
    stations_operated_by,
    town_station,
)
from tests.factories import StationFactory, TownFactory, UserFactory
from tests.stations.conftest import CENTRE_LAT, CENTRE_LON, KM

pytestmark = pytest.mark.django_db


def codes(stations) -> list[str]:
    return [station.code for station in stations]


def test_nearest_stations_are_ordered_by_distance_with_their_distance(network):
    # 11 km north of the centre: 东一村 (1 km), 东镇 (1 km south, but tie broken by code)...
    point = (CENTRE_LAT + KM * 11, CENTRE_LON)

    found = nearest_stations(*point, limit=10)

    assert codes(found) == [
        "GY-T-320723901",
        "GY-V-320723901201",
        "GY-C",
        "GY-T-320723902",
        "GY-V-320723902201",
    ]
    distances = [station.distance_km for station in found]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(1.0, abs=0.01)
    assert distances[2] == pytest.approx(11.0, abs=0.02)
    assert distances[4] == pytest.approx(23.0, abs=0.03)


def test_nearest_stations_skip_suspended_unless_asked(network):
    point = (CENTRE_LAT + KM * 13, CENTRE_LON)

    assert "GY-V-320723901203" not in codes(nearest_stations(*point))
    assert codes(nearest_stations(*point, active_only=False, limit=1)) == ["GY-V-320723901203"]


def test_nearest_stations_filter_by_capability_level_and_limit(network):
    point = (CENTRE_LAT - KM * 12, CENTRE_LON)

    cash = nearest_stations(*point, capability=StationCapability.CASH_COLLECTION)
    assert codes(cash) == ["GY-V-320723902201", "GY-C", "GY-T-320723901"]
    towns = nearest_stations(*point, level=StationLevel.TOWN)
    assert codes(towns) == ["GY-T-320723902", "GY-T-320723901"]
    assert codes(nearest_stations(*point, limit=2)) == ["GY-V-320723902201", "GY-T-320723902"]


def test_nearest_stations_is_one_query(network, django_assert_num_queries):
    with django_assert_num_queries(1):
        nearest_stations(CENTRE_LAT, CENTRE_LON)


def test_distance_to_the_far_side_of_the_earth_does_not_fail(network):
    # The antipode of the county centre, where asin's argument may round to just over 1.
    far = nearest_stations(-34.284, -60.745, active_only=False)
    assert far[-1].code == "GY-C"
    assert far[-1].distance_km == pytest.approx(20015.1, abs=0.5)


def test_stations_for_village_lists_its_own_station_first(network):
    shared = StationFactory(
        code="GY-V-A",
        village=network.villages["东二村"],
        served_villages=[network.villages["东二村"], network.villages["东一村"]],
    )
    network.east_station.served_villages.add(network.villages["东一村"])

    found = stations_for_village(network.villages["东一村"])

    assert codes(found) == [network.east_one.code, shared.code, network.east_station.code]


def test_stations_for_village_leaves_out_suspended_stations(network):
    assert stations_for_village(network.villages["东三村"]) == []
    assert stations_for_village(network.villages["西二村"]) == []


def test_town_station_and_county_centre(network):
    assert town_station(network.east) == network.east_station
    assert town_station(TownFactory()) is None
    assert county_centre() == network.centre


def test_coverage_counts_only_villages_served_by_an_active_station(network):
    figures = coverage()

    east, west = figures.towns
    assert (east.town, east.villages, east.villages_served) == (network.east, 3, 2)
    assert (east.weak_villages, east.weak_villages_served, east.weak_share) == (
        1,
        0,
        Decimal("0.0000"),
    )
    assert (west.villages, west.villages_served, west.share) == (2, 1, Decimal("0.5000"))
    assert (west.weak_villages, west.weak_villages_served) == (2, 1)
    assert (figures.villages, figures.villages_served, figures.share) == (5, 3, Decimal("0.6"))
    assert (figures.weak_villages, figures.weak_villages_served) == (3, 1)
    assert figures.weak_share == Decimal("0.3333")
    assert not figures.weak_target_met


def test_reopening_the_suspended_station_meets_the_weak_village_target(network):
    Station.objects.filter(pk=network.east_three.pk).update(status=StationStatus.ACTIVE)

    figures = coverage()

    assert (figures.weak_villages_served, figures.weak_share) == (2, Decimal("0.6667"))
    assert figures.weak_target_met


def test_a_village_served_twice_is_counted_once(network):
    network.west_station.served_villages.add(network.villages["西一村"])
    StationFactory(code="GY-V-B", village=network.villages["西一村"])

    west = coverage().towns[1]

    assert (west.villages_served, west.weak_villages_served) == (1, 1)


def test_weak_village_target_comes_from_settings(network, settings):
    settings.STATIONS_WEAK_VILLAGE_TARGET = "0.30"

    figures = coverage()

    assert figures.weak_target == Decimal("0.30")
    assert figures.weak_target_met


def test_coverage_is_one_query_whatever_the_network_size(network, django_assert_num_queries):
    with django_assert_num_queries(1):
        coverage()
    for _ in range(5):
        StationFactory()
    with django_assert_num_queries(1):
        assert len(coverage().towns) == 7


@pytest.mark.parametrize(
    "fields",
    [
        {"level": StationLevel.VILLAGE, "village": None},
        {"level": StationLevel.TOWN, "town": None, "village": None},
        {"level": StationLevel.COUNTY},
        {"latitude": Decimal("91")},
        {"status": "gone"},
    ],
)
def test_database_refuses_an_inconsistent_station(network, fields):
    values = {"code": "X", "name": "X", "latitude": CENTRE_LAT, "longitude": CENTRE_LON}
    values.update({"level": StationLevel.VILLAGE, "town": network.east})
    values["village"] = network.villages["东二村"]
    values.update(fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Station.objects.create(**values)


def test_stations_operated_by_a_user(network):
    operator, other = UserFactory(), UserFactory()
    StationOperator.objects.create(station=network.east_one, user=operator)

    assert list(stations_operated_by(operator)) == [network.east_one]
    assert list(stations_operated_by(other)) == []
    assert list(stations_operated_by(AnonymousUser())) == []
