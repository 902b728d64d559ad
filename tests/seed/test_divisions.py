"""The county's towns and villages from county.yaml: keyed by division code, idempotent, and
never deleted from under a shopper's saved address. Real seed files (a temp copy), the real
loader and a real PostgreSQL database."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from backend.account.models import Address
from backend.brand.models import PublicBrand
from backend.catalog.seed import load_catalog_seed
from backend.divisions.models import Town, TownKind, Village

pytestmark = pytest.mark.django_db


def town_entry(data: dict, name: str) -> dict:
    return next(town for town in data["towns"] if town["name"] == name)


def drop_stations_in(data: dict, codes: set[str]) -> None:
    """stations.yaml without the stations in (and links to) the divisions of `codes`."""
    data["stations"] = [
        station
        for station in data["stations"]
        if station.get("town") not in codes and station.get("village") not in codes
    ]
    for station in data["stations"]:
        station["serves"] = [code for code in station.get("serves", []) if code not in codes]


def address_in(village: Village) -> Address:
    return Address.objects.create(
        full_name="王芳",
        phone="+8613812345678",
        country_area="江苏省",
        city="连云港市",
        city_area="灌云县",
        town=village.town,
        village=village,
        town_name=village.town.name,
        village_name=village.name,
    )


def test_towns_and_villages_are_loaded_with_their_division_codes(seed_copy):
    report = load_catalog_seed(path=seed_copy)

    assert report.as_dict()["towns"]["created"] == Town.objects.count() == 15
    town = Town.objects.get(code="320723109")
    assert (town.name, town.kind) == ("东王集镇", TownKind.TOWN)
    assert Town.objects.get(name="侍庄街道").kind == TownKind.SUBDISTRICT
    assert list(town.villages.values_list("code", "name")) == [
        ("320723109201", "东王集村"),
        ("320723109202", "八庄村"),
        ("320723109203", "稻香村"),
    ]
    assert Village.objects.get(name="藕塘村").is_economically_weak
    assert not Village.objects.get(name="小伊村").is_economically_weak
    assert PublicBrand.objects.get().county_code == "320723"


def test_second_load_leaves_the_divisions_unchanged(seed_copy):
    load_catalog_seed(path=seed_copy)
    report = load_catalog_seed(path=seed_copy).as_dict()

    for kind in ("towns", "villages"):
        assert report[kind]["created"] == report[kind]["updated"] == 0
        assert report[kind]["deleted"] == 0


def test_renamed_village_keeps_its_code_and_the_addresses_on_it(seed_copy, edit_seed):
    load_catalog_seed(path=seed_copy)
    address = address_in(Village.objects.get(code="320723108203"))

    edit_seed(
        "county.yaml", lambda d: town_entry(d, "图河镇")["villages"][2].update(name="沂东新村")
    )
    report = load_catalog_seed(path=seed_copy).as_dict()

    assert report["villages"]["updated"] == 1
    address.refresh_from_db()
    assert address.village.name == "沂东新村"


def test_dropped_villages_are_deleted_unless_an_address_uses_them(seed_copy, edit_seed):
    load_catalog_seed(path=seed_copy)
    used = address_in(Village.objects.get(name="小图河村"))

    def drop_two(data: dict) -> None:
        town = town_entry(data, "图河镇")
        town["villages"] = [v for v in town["villages"] if v["name"] == "图河村"]

    edit_seed("county.yaml", drop_two)
    edit_seed("stations.yaml", lambda d: drop_stations_in(d, {"320723108202", "320723108203"}))
    report = load_catalog_seed(path=seed_copy).as_dict()

    assert report["villages"]["deleted"] == 1
    assert not Village.objects.filter(name="沂东村").exists()
    assert Village.objects.filter(pk=used.village_id).exists()


def test_dropped_town_is_kept_while_an_address_uses_one_of_its_villages(seed_copy, edit_seed):
    load_catalog_seed(path=seed_copy)
    address_in(Village.objects.get(name="白蚬村"))

    def drop_towns(data: dict) -> None:
        data["towns"] = [t for t in data["towns"] if t["name"] not in ("白蚬乡", "图河镇")]

    edit_seed("county.yaml", drop_towns)
    edit_seed("stations.yaml", lambda d: drop_stations_in(d, {"320723203", "320723108"}))
    report = load_catalog_seed(path=seed_copy).as_dict()

    assert report["towns"]["deleted"] == 1
    assert not Town.objects.filter(name="图河镇").exists()
    kept = Town.objects.get(name="白蚬乡")
    assert list(kept.villages.values_list("name", flat=True)) == ["白蚬村"]


def run_seed_expecting_failure(seed_dir) -> str:
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("seed_catalog", path=seed_dir, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def test_village_code_outside_its_town_is_reported(edit_seed):
    seed = edit_seed(
        "county.yaml", lambda d: d["towns"][0]["villages"][0].update(code="320723999001")
    )
    output = run_seed_expecting_failure(seed)
    assert "towns[0].villages[0].code" in output and "320723100" in output
    assert not Town.objects.exists()


def test_duplicate_division_code_is_reported(edit_seed):
    seed = edit_seed("county.yaml", lambda d: d["towns"][1].update(code=d["towns"][0]["code"]))
    output = run_seed_expecting_failure(seed)
    assert "towns[1].code" in output and "重复的区划代码" in output


def test_village_without_a_code_is_refused_by_the_schema(edit_seed):
    seed = edit_seed("county.yaml", lambda d: d["towns"][0]["villages"][0].pop("code"))
    output = run_seed_expecting_failure(seed)
    assert "towns[0].villages[0]" in output
