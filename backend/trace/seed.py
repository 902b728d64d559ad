"""The traceability part of `manage.py seed_catalog` (catalog_seed/trace.yaml), run after the
catalog and the listings: the bases of ten agricultural entities, a batch for each of the
county's named specialties (and four more products) with its inputs, processing steps,
inspection report and a journey through the vendor's warehouse, its town's transfer station and
the county distribution centre, so a seeded pack's QR shows a full journey on first run; the
质量监管员 (inspectors) group and a demo inspector account.

Idempotent: bases are matched by (vendor, name), batches by (vendor, lot), the inspector by
e-mail; only missing rows are created, and a batch's events are written only when the batch is
created (they are append-only), so a rerun changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as AuthPermission
from django.db import transaction
from django.utils import timezone

from backend.catalog.models import ProductVariant
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import demo_staff_account, read_seed_yaml
from backend.core.permissions import Permission
from backend.stations.models import Station
from backend.trace.models import (
    Batch,
    BizStep,
    EventSource,
    InspectionReport,
    InspectionResult,
    OriginBase,
    ReadPointKind,
)
from backend.trace.services import _local_noon, append_event, new_trace_code
from backend.vendors.models import Vendor

INSPECTORS_GROUP = "质量监管员"


def _data(path) -> dict:
    return read_seed_yaml(path, "trace.yaml")


def inspectors_group() -> Group:
    group, _created = Group.objects.get_or_create(name=INSPECTORS_GROUP)
    app_label, codename = Permission.MANAGE_TRACEABILITY.value.split(".", 1)
    permission = AuthPermission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    return group


@transaction.atomic
def seed_trace(*, path: Path | str | None = None, today: datetime.date | None = None) -> SeedReport:
    report = SeedReport()
    data = _data(path)
    if not data:
        return report
    today = today or timezone.localdate()
    group = inspectors_group()
    if data.get("inspector"):
        _inspector(data["inspector"], group, report)
    bases: dict[str, OriginBase] = {}
    for item in data.get("bases", []):
        base = _base(item, report)
        if base is not None:
            bases[base.name] = base
    for item in data.get("batches", []):
        _batch(item, bases, data.get("lab", ""), today, report)
    return report


def _inspector(item: dict, group: Group, report: SeedReport) -> None:
    demo_staff_account(item, group=group, kind="trace_inspector", report=report)


def _base(item: dict, report: SeedReport) -> OriginBase | None:
    vendor = Vendor.objects.filter(slug=item["vendor"]).first()
    if vendor is None:
        return None
    base, created = OriginBase.objects.get_or_create(
        vendor=vendor,
        name=item["name"],
        defaults={
            "town": item.get("town", ""),
            "village": item.get("village", ""),
            "latitude": Decimal(item["lat"]) if item.get("lat") else None,
            "longitude": Decimal(item["lon"]) if item.get("lon") else None,
            "area_mu": Decimal(item.get("area_mu", "0")),
        },
    )
    report.add("trace_base", "created" if created else "unchanged")
    return base


def _day(today: datetime.date, days_ago) -> datetime.date | None:
    return None if days_ago is None else today - datetime.timedelta(days=int(days_ago))


def _iso(today: datetime.date, days_ago) -> str:
    day = _day(today, days_ago)
    return day.isoformat() if day else ""


def _batch(item: dict, bases: dict, lab: str, today: datetime.date, report: SeedReport) -> None:
    variant = (
        ProductVariant.objects.select_related("product__vendor").filter(sku=item["sku"]).first()
    )
    if variant is None or variant.product.vendor is None:
        return
    vendor = variant.product.vendor
    if Batch.objects.filter(vendor=vendor, lot_number=item["lot"]).exists():
        report.add("trace_batch", "unchanged")
        return
    base = bases.get(item.get("base", ""))
    packed = _day(today, item["packed"])
    assert packed is not None
    shelf = int(item.get("shelf_life_days", 365))
    inputs = [
        {
            "kind": row["kind"],
            "name": row["name"],
            "amount": row.get("amount", ""),
            "applied_on": _iso(today, row.get("applied")),
            "safe_until": _iso(today, row.get("safe")),
        }
        for row in item.get("inputs", [])
    ]
    steps = [
        {"step": row["step"], "on": str(_day(today, row["day"])), "note": ""}
        for row in item.get("steps", [])
    ]
    batch = Batch.objects.create(
        code=new_trace_code(),
        vendor=vendor,
        variant=variant,
        base=base,
        lot_number=item["lot"],
        planted_on=_day(today, item.get("planted")),
        harvested_on=_day(today, item.get("harvested")),
        packed_on=packed,
        shelf_life_days=shelf,
        expires_on=packed + datetime.timedelta(days=shelf),
        quantity=int(item["quantity"]),
        inputs=inputs,
        processing_steps=steps,
    )
    report.add("trace_batch", "created")
    place = (base.name if base else vendor.name, f"base-{base.pk}" if base else "")
    journey: list[tuple[datetime.date, str, str, str, str, int | None, str]] = []
    if batch.planted_on:
        journey.append((batch.planted_on, BizStep.PLANTING, ReadPointKind.BASE, *place, None, ""))
    if batch.harvested_on:
        journey.append(
            (batch.harvested_on, BizStep.HARVESTING, ReadPointKind.BASE, *place, None, "")
        )
    for step in steps:
        journey.append(
            (
                datetime.date.fromisoformat(step["on"]),
                BizStep.TRANSFORMING,
                ReadPointKind.WAREHOUSE,
                vendor.name,
                f"vendor-{vendor.pk}",
                None,
                step["step"],
            )
        )
    journey.append(
        (
            packed,
            BizStep.PACKING,
            ReadPointKind.WAREHOUSE,
            vendor.name,
            f"vendor-{vendor.pk}",
            batch.quantity,
            "",
        )
    )
    journey.sort(key=lambda row: row[0])
    for day, step_name, kind, name, point_id, quantity, note in journey:
        append_event(
            batch=batch,
            biz_step=step_name,
            event_time=_local_noon(day),
            read_point_kind=kind,
            read_point_id=point_id,
            read_point_name=name,
            source=EventSource.VENDOR,
            recorder_label=vendor.name,
            quantity=quantity,
            note=note,
        )
    if item.get("values") and lab:
        tested = packed + datetime.timedelta(days=1) if packed < today else packed
        report_row = InspectionReport.objects.create(
            batch=batch,
            lab=lab,
            report_number=f"JC-{item['lot']}",
            tested_on=tested,
            result=InspectionResult.PASS,
            values=[
                {"item": v["item"], "value": str(v.get("value", "")), "limit": v.get("limit", "")}
                for v in item["values"]
            ],
        )
        append_event(
            batch=batch,
            biz_step=BizStep.INSPECTING,
            event_time=_local_noon(tested),
            read_point_kind=ReadPointKind.LAB,
            read_point_id=f"lab-{report_row.pk}",
            read_point_name=lab,
            source=EventSource.VENDOR,
            recorder_label=vendor.name,
            disposition="conformant",
            note=report_row.report_number,
        )
    route = item.get("journey")
    if route:
        _route(batch, route, packed, today, vendor)


def _route(batch: Batch, route: dict, packed: datetime.date, today, vendor) -> None:
    """Storing in the vendor's warehouse, then the first-mile hop: the town's transfer station
    and the county distribution centre (the network of catalog_seed/stations.yaml)."""
    county = Station.objects.filter(level="county").order_by("pk").first()
    town = Station.objects.filter(code=route.get("town_station", "")).first()
    start = max(packed, today - datetime.timedelta(days=4))
    moments = [
        timezone.make_aware(datetime.datetime.combine(start, datetime.time(16, 0))),
        timezone.make_aware(
            datetime.datetime.combine(start + datetime.timedelta(days=1), datetime.time(8, 30))
        ),
        timezone.make_aware(
            datetime.datetime.combine(start + datetime.timedelta(days=1), datetime.time(15, 10))
        ),
    ]
    moments = [min(moment, timezone.now()) for moment in moments]
    hops: list[tuple[str, str, str, str, str]] = [
        (
            BizStep.STORING,
            ReadPointKind.WAREHOUSE,
            f"vendor-{vendor.pk}",
            route.get("warehouse") or vendor.name,
            "",
        )
    ]
    if town is not None:
        hops.append((BizStep.SHIPPING, ReadPointKind.STATION, town.code, town.name, "in_transit"))
    if county is not None:
        hops.append(
            (BizStep.RECEIVING, ReadPointKind.STATION, county.code, county.name, "in_transit")
        )
    for moment, (step, kind, point_id, name, disposition) in zip(moments, hops, strict=False):
        append_event(
            batch=batch,
            biz_step=step,
            event_time=moment,
            read_point_kind=kind,
            read_point_id=point_id,
            read_point_name=name,
            source=EventSource.STATION_SCAN
            if kind == ReadPointKind.STATION
            else EventSource.VENDOR,
            recorder_label=name,
            quantity=batch.quantity,
            disposition=disposition,
        )
