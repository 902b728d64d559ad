"""stations.yaml: validated against county.yaml and warehouses.yaml, loaded idempotently, and
giving the coverage figures counted by hand from the file (real seed, real PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from backend.catalog.seed import load_catalog_seed
from backend.catalog.seed.loader import SeedValidationError
from backend.divisions.models import Town
from backend.stations.models import Station, StationLevel, StationStatus
from backend.stations.selectors import coverage

pytestmark = pytest.mark.django_db


def edit(seed_copy, change) -> None:
    path = seed_copy / "stations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def station_rows() -> list[tuple]:
    return list(
        Station.objects.order_by("code").values_list(
            "code",
            "name",
            "level",
            "parent__code",
            "town__code",
            "village__code",
            "latitude",
            "longitude",
            "opening_hours",
            "capabilities",
            "daily_parcel_capacity",
            "status",
            "warehouse__slug",
            "updated_at",
        )
    )


def served_links() -> set[tuple[str, str]]:
    through = Station.served_villages.through
    return set(through.objects.values_list("station__code", "village__code"))


def test_seed_builds_the_three_tier_network(seed_copy):
    load_catalog_seed(path=seed_copy)

    centre = Station.objects.get(level=StationLevel.COUNTY)
    assert centre.code == "GY-C"
    assert centre.warehouse.slug == "county-dc"
    assert centre.parent is None
    # One transfer station in every town, under the county centre.
    towns = Station.objects.filter(level=StationLevel.TOWN)
    assert towns.count() == Town.objects.count() == 15
    assert set(towns.values_list("parent__code", flat=True)) == {"GY-C"}
    assert set(towns.values_list("town__code", flat=True)) == set(
        Town.objects.values_list("code", flat=True)
    )
    villages = Station.objects.filter(level=StationLevel.VILLAGE).select_related("parent")
    assert villages.count() == 31
    for station in villages:
        assert station.parent.level == StationLevel.TOWN
        assert station.parent.town_id == station.town_id == station.village.town_id
        assert station.village in station.served_villages.all()
    suspended = Station.objects.get(status=StationStatus.SUSPENDED)
    assert (suspended.code, suspended.village.name) == ("GY-V-320723203202", "周庄村")
    assert centre.latitude == Decimal("34.284000")


def test_seed_coverage_matches_the_figures_counted_from_the_file(seed_copy):
    load_catalog_seed(path=seed_copy)

    figures = coverage()

    # 46 villages; 31 village stations + 3 neighbours served (埒子口村, 沂北村, 小图河村) = 34,
    # less 周庄村 whose station is suspended = 33. Weak: 埒子口村, 藕塘村, 汤沟村 of 5.
    assert (figures.villages, figures.villages_served) == (46, 33)
    assert figures.share == Decimal("0.7174")
    assert (figures.weak_villages, figures.weak_villages_served) == (5, 3)
    assert figures.weak_share == Decimal("0.6000")
    assert figures.weak_target == Decimal("0.50")
    assert figures.weak_target_met
    by_town = {row.town.name: row for row in figures.towns}
    assert len(by_town) == 15
    assert (by_town["白蚬乡"].villages_served, by_town["白蚬乡"].weak_villages_served) == (1, 0)
    assert (by_town["燕尾港镇"].villages_served, by_town["燕尾港镇"].weak_share) == (
        3,
        Decimal("1.0000"),
    )
    assert by_town["圩丰镇"].weak_share == Decimal("0.0000")
    assert by_town["伊山镇"].weak_share is None
    assert by_town["伊山镇"].share == Decimal("0.7500")


def test_second_load_writes_no_station(seed_copy):
    load_catalog_seed(path=seed_copy)
    before, links = station_rows(), served_links()

    report = load_catalog_seed(path=seed_copy).as_dict()

    for kind in ("stations", "station_served_villages"):
        assert report[kind]["created"] == report[kind]["updated"] == report[kind]["deleted"] == 0
    assert report["stations"]["unchanged"] == 47
    assert station_rows() == before
    assert served_links() == links


def test_reload_keeps_a_status_set_by_staff(seed_copy):
    load_catalog_seed(path=seed_copy)
    Station.objects.filter(code="GY-V-320723203202").update(status=StationStatus.ACTIVE)
    Station.objects.filter(code="GY-T-320723100").update(status=StationStatus.CLOSED)

    load_catalog_seed(path=seed_copy)

    assert Station.objects.get(code="GY-V-320723203202").status == StationStatus.ACTIVE
    assert Station.objects.get(code="GY-T-320723100").status == StationStatus.CLOSED


def test_edited_station_is_updated_and_dropped_one_deleted(seed_copy):
    load_catalog_seed(path=seed_copy)

    def change(data):
        data["stations"] = [s for s in data["stations"] if s["code"] != "GY-V-320723100203"]
        for station in data["stations"]:
            if station["code"] == "GY-V-320723100201":
                station["serves"] = ["320723100203"]
                station["daily_parcel_capacity"] = 999

    edit(seed_copy, change)
    report = load_catalog_seed(path=seed_copy).as_dict()

    assert report["stations"]["deleted"] == 1
    assert not Station.objects.filter(code="GY-V-320723100203").exists()
    station = Station.objects.get(code="GY-V-320723100201")
    assert station.daily_parcel_capacity == 999
    assert set(station.served_villages.values_list("code", flat=True)) == {
        "320723100201",
        "320723100203",
    }


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (
            lambda d: d["stations"][2].update(village="320723101201"),
            "stations[2].village",
            "不属于乡镇",
        ),
        (lambda d: d["stations"][1].update(town="320723999"), "stations[1].town", "不在"),
        (lambda d: d["stations"][0].update(warehouse="no-such"), "stations[0].warehouse", "未知"),
        (
            lambda d: d["stations"].append({**d["stations"][0], "code": "GY-C2"}),
            "stations[47].level",
            "只能有一个",
        ),
        (
            lambda d: d["stations"][2].update(parent="GY-C"),
            "stations[2].parent",
            "层级不对",
        ),
        (
            lambda d: d["stations"][2].update(serves=["320723000000"]),
            "stations[2].serves[0]",
            "不在",
        ),
        (
            lambda d: d["stations"][3].update(opening_hours={"mon": [["18:00", "08:00"]]}),
            "stations[3].opening_hours",
            "无效",
        ),
        (lambda d: d["stations"][3].update(code="GY-C"), "stations[3].code", "重复"),
        (lambda d: d["stations"][3].update(level="hub"), "stations[3].level", "不在允许范围"),
    ],
)
def test_bad_station_records_are_reported_and_nothing_is_written(seed_copy, change, where, reason):
    edit(seed_copy, change)

    with pytest.raises(SeedValidationError) as raised:
        load_catalog_seed(path=seed_copy)

    found = [(issue.file, issue.path, issue.reason) for issue in raised.value.issues]
    assert any(
        file == "stations.yaml" and place == where and reason in text for file, place, text in found
    ), found
    assert not Station.objects.exists()
