"""The station network part of the county seed (`catalog_seed/stations.yaml`).

The catalog seed loader (backend/catalog/seed/) reads and schema-checks the file, asks
`station_seed_issues` for the cross-file problems and, when there are none, calls
`prune_stations` and `load_stations` inside its transaction. Stations are keyed by their code.
The file is the truth for the network's shape: what it says is written on every load, and a
station that left it is deleted while nothing points at it. The status is the exception: once
a station exists, suspending, closing and reopening it is the staff's business (services.py,
with audit records), and reloading the seed must not silently reopen a suspended station.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from backend.divisions.models import Town, Village
from backend.inventory.models import Warehouse
from backend.stations.models import Station, StationLevel, StationStatus
from backend.stations.opening_hours import validate_schedule

if TYPE_CHECKING:
    from backend.catalog.seed.sync import SeedReport

Issue = tuple[list[str | int], str]

# A town station hangs under the county centre, a village station under its town's station.
_PARENT_LEVEL = {"town": "county", "village": "town"}
COORDINATE = Decimal("0.000001")


def _parent_code(record: dict, county_code: str | None, town_stations: dict[str, str]):
    if record.get("parent"):
        return record["parent"]
    if record["level"] == StationLevel.TOWN:
        return county_code
    if record["level"] == StationLevel.VILLAGE:
        return town_stations.get(record.get("town", ""))
    return None


def station_seed_issues(
    records: list[dict], *, towns: list[dict], warehouses: set[str]
) -> Iterator[Issue]:
    """Problems of stations.yaml that its schema cannot see: unknown divisions, parents and
    warehouses, a village outside its town, a second county centre, bad opening hours."""
    villages_of = {town["code"]: {v["code"] for v in town["villages"]} for town in towns}
    village_codes = {code for codes in villages_of.values() for code in codes}
    levels: dict[str, str] = {}
    county_code: str | None = None
    town_stations: dict[str, str] = {}
    used_warehouses: dict[str, str] = {}
    for index, record in enumerate(records):
        parts: list[str | int] = ["stations", index]
        code, level = record["code"], record["level"]
        if code in levels:
            yield [*parts, "code"], _("重复的站点编码“%(code)s”") % {"code": code}
            continue
        levels[code] = level
        if level == StationLevel.COUNTY:
            if county_code is not None:
                yield [*parts, "level"], _("只能有一个县级物流配送分拨中心")
            county_code = county_code or code
            for key in ("town", "village", "parent"):
                if record.get(key):
                    yield [*parts, key], _("县级站点不属于乡镇或村，也没有上级站点")
        elif level == StationLevel.TOWN:
            town = record.get("town")
            if not town:
                yield [*parts, "town"], _("镇级站点必须填写所属乡镇")
            elif town not in villages_of:
                yield [*parts, "town"], _("乡镇代码“%(code)s”不在 county.yaml 中") % {"code": town}
            elif town in town_stations:
                yield (
                    [*parts, "town"],
                    _("乡镇“%(code)s”已有镇级站点 %(station)s")
                    % {"code": town, "station": town_stations[town]},
                )
            else:
                town_stations[town] = code
            if record.get("village"):
                yield [*parts, "village"], _("镇级站点不属于某个村")
        else:
            town, village = record.get("town"), record.get("village")
            if not town or not village:
                yield [*parts, "village"], _("村级站点必须填写所属乡镇和村")
            elif town not in villages_of:
                yield [*parts, "town"], _("乡镇代码“%(code)s”不在 county.yaml 中") % {"code": town}
            elif village not in villages_of[town]:
                yield (
                    [*parts, "village"],
                    _("村代码“%(village)s”不属于乡镇 %(town)s")
                    % {"village": village, "town": town},
                )
        for number, served in enumerate(record.get("serves") or []):
            if served not in village_codes:
                yield (
                    [*parts, "serves", number],
                    _("村代码“%(code)s”不在 county.yaml 中") % {"code": served},
                )
        warehouse = record.get("warehouse")
        if warehouse:
            if warehouse not in warehouses:
                yield (
                    [*parts, "warehouse"],
                    _("未知的仓库“%(slug)s”（warehouses.yaml 中没有）") % {"slug": warehouse},
                )
            elif warehouse in used_warehouses:
                yield (
                    [*parts, "warehouse"],
                    _("仓库“%(slug)s”已属于站点 %(station)s")
                    % {"slug": warehouse, "station": used_warehouses[warehouse]},
                )
            else:
                used_warehouses[warehouse] = code
        try:
            validate_schedule(record.get("opening_hours") or {})
        except ValidationError as error:
            yield [*parts, "opening_hours"], error.messages[0]
    for index, record in enumerate(records):
        level = record["level"]
        if level == StationLevel.COUNTY:
            continue
        parent = _parent_code(record, county_code, town_stations)
        parts = ["stations", index, "parent"]
        if parent is None:
            yield parts, _("找不到上级站点：请先配置所属乡镇的镇级站点或县级中心")
        elif parent not in levels:
            yield parts, _("未知的上级站点“%(code)s”") % {"code": parent}
        elif levels[parent] != _PARENT_LEVEL[level]:
            yield parts, _("上级站点“%(code)s”的层级不对") % {"code": parent}


def load_stations(
    records: list[dict], *, warehouses: dict[str, Warehouse], report: SeedReport
) -> dict[str, Station]:
    """Create or update every station of the file, level by level (parents first), then make
    each seeded station serve exactly its own village and the villages listed in `serves`."""
    # Imported here: the catalog seed package imports this module to validate and load.
    from backend.catalog.seed.sync import sync_owned_rows, sync_rows

    towns = dict(Town.objects.values_list("code", "pk"))
    villages = dict(Village.objects.values_list("code", "pk"))
    current_status = {
        code: (status, reason)
        for code, status, reason in Station.objects.filter(
            code__in=[record["code"] for record in records]
        ).values_list("code", "status", "status_reason")
    }
    county_code = next(
        (record["code"] for record in records if record["level"] == StationLevel.COUNTY), None
    )
    town_stations = {
        record["town"]: record["code"] for record in records if record["level"] == "town"
    }
    stations: dict[str, Station] = {}
    for level in (StationLevel.COUNTY, StationLevel.TOWN, StationLevel.VILLAGE):
        rows = []
        for record in records:
            if record["level"] != level:
                continue
            parent = _parent_code(record, county_code, town_stations)
            status, reason = current_status.get(
                record["code"],
                (record.get("status", StationStatus.ACTIVE), record.get("status_reason", "")),
            )
            rows.append(
                {
                    "code": record["code"],
                    "name": record["name"],
                    "level": level.value,
                    "parent_id": stations[parent].pk if parent else None,
                    "town_id": towns[record["town"]] if record.get("town") else None,
                    "village_id": villages[record["village"]] if record.get("village") else None,
                    "address": record.get("address", ""),
                    "latitude": Decimal(str(record["latitude"])).quantize(COORDINATE),
                    "longitude": Decimal(str(record["longitude"])).quantize(COORDINATE),
                    "phone": record.get("phone", ""),
                    "opening_hours": record.get("opening_hours") or {},
                    "capabilities": list(record.get("capabilities") or []),
                    "daily_parcel_capacity": record.get("daily_parcel_capacity", 0),
                    "status": status,
                    "status_reason": reason,
                    "warehouse_id": warehouses[record["warehouse"]].pk
                    if record.get("warehouse")
                    else None,
                }
            )
        synced, _changed = sync_rows(
            model=Station, key_fields=("code",), rows=rows, report=report, kind="stations"
        )
        stations.update(synced)
    served_rows = []
    for record in records:
        station_id = stations[record["code"]].pk
        codes = [record["village"]] if record.get("village") else []
        codes += [code for code in record.get("serves") or [] if code not in codes]
        served_rows += [{"station_id": station_id, "village_id": villages[c]} for c in codes]
    through = Station.served_villages.through
    sync_owned_rows(
        owned=through.objects.filter(station_id__in=[s.pk for s in stations.values()]),
        key_fields=("station_id", "village_id"),
        rows=served_rows,
        report=report,
        kind="station_served_villages",
    )
    return stations


def prune_stations(records: list[dict], *, report: SeedReport) -> None:
    """Delete the stations that left the file, village level first (a parent is protected by
    its children), each in its own savepoint; one that something still points at (a parcel,
    a kept child) stays and is counted as unchanged. Runs before the divisions are pruned, so
    that a dropped station does not keep a dropped village alive."""
    codes = {record["code"] for record in records}
    stale = Station.objects.exclude(code__in=codes)
    deleted = 0
    for level in (StationLevel.VILLAGE, StationLevel.TOWN, StationLevel.COUNTY):
        for station in stale.filter(level=level):
            try:
                with transaction.atomic():
                    station.delete()
            except (ProtectedError, RestrictedError):
                report.add("stations", "unchanged")
            else:
                deleted += 1
    if deleted:
        report.add("stations", "deleted", deleted)
