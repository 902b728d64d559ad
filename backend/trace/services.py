"""Recording traceability: bases, batches, trace events and inspection reports.

Vendor staff record their own vendor's bases, batches and events (backend/vendors/scoping.py
decides who acts for which vendor; another vendor's batch is "not found"); inspectors (staff
holding `trace.manage_traceability`) record on any batch. Every function runs in one
transaction, validates everything before writing, and raises a ValidationError with a field and
a stable TraceErrorCode; events are appended with append_event, which locks the batch row so two
writers never fork its hash chain. Spot checks and recalls are in backend/trace/recalls.py.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.catalog.models import ProductVariant
from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.trace import chain
from backend.trace.error_codes import TraceErrorCode as Code
from backend.trace.models import (
    Batch,
    BatchStatus,
    BizStep,
    EventSource,
    InspectionReport,
    InspectionResult,
    OriginBase,
    ReadPointKind,
    TraceEvent,
)
from backend.vendors import scoping
from backend.vendors.models import Vendor

# Trace codes are printed under the QR on the pack: no 0/O, 1/I/L to misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_INPUTS = 50
MAX_STEPS = 50


def _error(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def can_inspect(user) -> bool:
    """Inspectors (质量监管): staff holding trace.manage_traceability."""
    return bool(getattr(user, "is_staff", False)) and has_permissions(
        user, [Permission.MANAGE_TRACEABILITY]
    )


def require_inspector(actor) -> None:
    if not can_inspect(actor):
        raise _error(None, _("只有质量监管人员可以这样做。"), Code.PERMISSION_DENIED)


def acting_vendor(actor) -> Vendor:
    """The vendor the actor records for (typed error for non-members)."""
    try:
        return scoping.require_vendor(actor)
    except ValidationError as error:
        raise _error(None, error.messages[0], Code.NOT_VENDOR_STAFF) from error


def visible_batches(user):
    """Batches the user may see: all for inspectors and reviewers, their vendor's for vendor
    staff, none for anyone else."""
    queryset = Batch.objects.all()
    if can_inspect(user):
        return queryset
    return scoping.scoped(queryset, user)


def as_pk(value: Any) -> int | None:
    """A row's primary key from a model, an int or a form's string; None for anything else."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        return int(value.strip())
    return None


def batch_for(actor, batch_or_pk: Batch | int | str | None, *, field: str = "batch") -> Batch:
    """A batch the actor may record on, or NOT_FOUND (another vendor's batch included)."""
    pk = as_pk(batch_or_pk)
    batch = visible_batches(actor).filter(pk=pk).first() if pk is not None else None
    if batch is None:
        raise _error(field, _("找不到这个批次。"), Code.NOT_FOUND)
    if not can_inspect(actor) and scoping.vendor_of(actor) is None:
        raise _error(field, _("找不到这个批次。"), Code.NOT_FOUND)
    return batch


# --- cleaning ---------------------------------------------------------------------------------


def _text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    if value is not None and not isinstance(value, str):
        raise _error(field, _("格式不正确。"), Code.INVALID)
    text = (value or "").strip()
    if "\x00" in text:
        raise _error(field, _("不能包含空字符（\\x00）。"), Code.INVALID)
    if required and not text:
        raise _error(field, _("此项为必填项。"), Code.REQUIRED)
    if len(text) > max_length:
        raise _error(field, _("过长（最多 %(count)s 字）。") % {"count": max_length}, Code.INVALID)
    return text


def _date(value: Any, field: str, *, required: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise _error(field, _("此项为必填项。"), Code.REQUIRED)
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise _error(field, _("日期格式应为 YYYY-MM-DD。"), Code.INVALID_DATE) from error


def _positive_int(value: Any, field: str, *, required: bool = True, zero: bool = False) -> int:
    if value in (None, ""):
        if required:
            raise _error(field, _("此项为必填项。"), Code.REQUIRED)
        return 0
    try:
        number = int(str(value))
    except (TypeError, ValueError) as error:
        raise _error(field, _("请输入整数。"), Code.INVALID_QUANTITY) from error
    if number < (0 if zero else 1) or number > 100_000_000:
        raise _error(field, _("数量超出范围。"), Code.INVALID_QUANTITY)
    return number


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise _error(field, _("坐标格式不正确。"), Code.INVALID) from error
    if not number.is_finite() or abs(number) > limit:
        raise _error(field, _("坐标超出范围。"), Code.INVALID)
    return number.quantize(Decimal("0.000001"))


def _inputs(value: Any) -> list[dict[str, str]]:
    """Inputs used (投入品): fertiliser, or pesticide with its safe-interval date (安全间隔期)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_INPUTS:
        raise _error("inputs", _("投入品格式不正确。"), Code.INVALID)
    cleaned = []
    for item in value:
        if not isinstance(item, dict):
            raise _error("inputs", _("投入品格式不正确。"), Code.INVALID)
        kind = item.get("kind")
        if kind not in ("fertiliser", "pesticide", "feed", "other"):
            raise _error("inputs", _("投入品类型只能是肥料、农药、饲料或其他。"), Code.INVALID)
        row = {
            "kind": kind,
            "name": _text(item.get("name"), "inputs", max_length=100, required=True),
            "amount": _text(item.get("amount"), "inputs", max_length=50),
        }
        applied = _date(item.get("applied_on"), "inputs")
        safe_until = _date(item.get("safe_until"), "inputs", required=kind == "pesticide")
        if applied and safe_until and safe_until < applied:
            raise _error("inputs", _("安全间隔期不能早于施用日期。"), Code.INVALID_DATE)
        row["applied_on"] = applied.isoformat() if applied else ""
        row["safe_until"] = safe_until.isoformat() if safe_until else ""
        cleaned.append(row)
    return cleaned


def _steps(value: Any) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        raise _error("processing_steps", _("加工工序格式不正确。"), Code.INVALID)
    cleaned = []
    for item in value:
        if not isinstance(item, dict):
            raise _error("processing_steps", _("加工工序格式不正确。"), Code.INVALID)
        on = _date(item.get("on"), "processing_steps")
        cleaned.append(
            {
                "step": _text(item.get("step"), "processing_steps", max_length=100, required=True),
                "on": on.isoformat() if on else "",
                "note": _text(item.get("note"), "processing_steps", max_length=200),
            }
        )
    return cleaned


def new_trace_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _local_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _offset(moment: datetime.datetime) -> str:
    """The EPCIS eventTimeZoneOffset of the moment in the county's zone (e.g. +08:00)."""
    offset = timezone.localtime(moment).utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- events -----------------------------------------------------------------------------------


def append_event(
    *,
    batch: Batch,
    biz_step: str,
    event_time: datetime.datetime,
    read_point_kind: str,
    read_point_name: str,
    read_point_id: str = "",
    source: str,
    actor=None,
    recorder_label: str = "",
    quantity: int | None = None,
    note: str = "",
    disposition: str = "",
    corrects: TraceEvent | None = None,
    shipment_code: str = "",
) -> TraceEvent:
    """Append one event to the batch's chain; call inside the caller's transaction. Locks the
    batch row, so concurrent appends queue and each links to the one before."""
    locked = Batch.objects.select_for_update().only("pk", "code", "events_count", "head_hash")
    head = locked.get(pk=batch.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = TraceEvent(
        event_id=uuid.uuid4(),
        batch_id=head.pk,
        sequence=head.events_count + 1,
        event_time=event_time,
        time_zone=_offset(event_time),
        biz_step=biz_step,
        disposition=disposition,
        read_point_kind=read_point_kind,
        read_point_id=read_point_id[:64],
        read_point_name=read_point_name[:128],
        quantity=quantity,
        note=note[:500],
        source=source,
        recorded_by=user,
        recorder_label=(recorder_label or (user.get_full_name() if user else ""))[:64],
        corrects=corrects,
        shipment_code=shipment_code,
        previous_hash=head.head_hash or chain.GENESIS,
    )
    event.hash = chain.compute_hash(
        event,
        batch_code=head.code,
        corrects_event_id=str(corrects.event_id) if corrects else None,
    )
    event.save(force_insert=True)
    Batch.objects.filter(pk=head.pk).update(events_count=event.sequence, head_hash=event.hash)
    batch.events_count, batch.head_hash = event.sequence, event.hash
    return event


def _read_point(batch: Batch, kind: Any, name: Any) -> tuple[str, str, str]:
    if kind not in ReadPointKind.values:
        raise _error("read_point_kind", _("地点类型不正确。"), Code.INVALID)
    text = _text(name, "read_point_name", max_length=128)
    if kind == ReadPointKind.BASE and batch.base_id and not text:
        return kind, f"base-{batch.base_id}", batch.base.name  # type: ignore[union-attr]
    if not text:
        raise _error("read_point_name", _("请填写地点。"), Code.REQUIRED)
    return kind, "", text


@transaction.atomic
def record_event(
    *,
    actor,
    batch: Batch | int,
    biz_step: Any,
    event_time: Any = None,
    read_point_kind: Any = ReadPointKind.BASE,
    read_point_name: Any = "",
    quantity: Any = None,
    note: Any = "",
    corrects: TraceEvent | int | str | None = None,
) -> TraceEvent:
    """An event recorded by vendor staff or an inspector. A correction names the event it
    corrects (of the same batch); the corrected event itself is never changed."""
    target = batch_for(actor, batch)
    inspector = can_inspect(actor)
    if biz_step not in BizStep.values:
        raise _error("biz_step", _("业务步骤不正确。"), Code.INVALID)
    if event_time in (None, ""):
        moment = timezone.now()
    elif isinstance(event_time, datetime.datetime):
        moment = event_time if timezone.is_aware(event_time) else timezone.make_aware(event_time)
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(event_time))
        except ValueError as error:
            raise _error("event_time", _("时间格式不正确。"), Code.INVALID_DATE) from error
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        raise _error("event_time", _("不能记录将来的事件。"), Code.INVALID_DATE)
    kind, point_id, point_name = _read_point(target, read_point_kind, read_point_name)
    number = _positive_int(quantity, "quantity", required=False) or None
    text = _text(note, "note", max_length=500)
    corrected = None
    if corrects not in (None, ""):
        corrected = TraceEvent.objects.filter(pk=as_pk(corrects) or 0, batch=target).first()
        if corrected is None:
            raise _error("corrects", _("找不到要更正的事件。"), Code.NOT_FOUND)
        if not text:
            raise _error("note", _("更正时请说明原因。"), Code.REQUIRED)
    event = append_event(
        batch=target,
        biz_step=biz_step,
        event_time=moment,
        read_point_kind=kind,
        read_point_id=point_id,
        read_point_name=point_name,
        source=EventSource.INSPECTOR if inspector else EventSource.VENDOR,
        actor=actor,
        quantity=number,
        note=text,
        corrects=corrected,
    )
    audit.record(
        actor=actor,
        action="trace.event_recorded" if corrected is None else "trace.event_corrected",
        instance=event,
        after={"batch": target.code, "biz_step": biz_step, "sequence": event.sequence},
    )
    return event


# --- bases and batches ------------------------------------------------------------------------


@transaction.atomic
def create_base(
    *,
    actor,
    name: Any,
    town: Any = "",
    village: Any = "",
    latitude: Any = None,
    longitude: Any = None,
    area_mu: Any = None,
) -> OriginBase:
    vendor = acting_vendor(actor)
    name = _text(name, "name", max_length=128, required=True)
    try:
        area = Decimal(str(area_mu)) if area_mu not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError) as error:
        raise _error("area_mu", _("面积格式不正确。"), Code.INVALID) from error
    if not area.is_finite() or area < 0 or area > Decimal("10000000"):
        raise _error("area_mu", _("面积超出范围。"), Code.INVALID)
    fields = {
        "town": _text(town, "town", max_length=64),
        "village": _text(village, "village", max_length=64),
        "latitude": _coordinate(latitude, "latitude", 90),
        "longitude": _coordinate(longitude, "longitude", 180),
        "area_mu": area.quantize(Decimal("0.01")),
    }
    if OriginBase.objects.filter(vendor=vendor, name=name).exists():
        raise _error("name", _("已有同名基地。"), Code.UNIQUE)
    base = OriginBase.objects.create(vendor=vendor, name=name, **fields)
    audit.record(actor=actor, action="trace.base_created", instance=base, after={"name": name})
    return base


@transaction.atomic
def create_batch(
    *,
    actor,
    variant: ProductVariant | int | str | None,
    lot_number: Any,
    quantity: Any,
    base: OriginBase | int | str | None = None,
    planted_on: Any = None,
    harvested_on: Any = None,
    packed_on: Any = None,
    shelf_life_days: Any = 365,
    inputs: Any = None,
    processing_steps: Any = None,
) -> Batch:
    """A new lot of one of the vendor's variants, with its trace code. The dates given become
    the first events of its journey (planting, harvest, each processing step, packing)."""
    vendor = acting_vendor(actor)
    variant_pk = as_pk(variant)
    found = (
        ProductVariant.objects.select_related("product")
        .filter(pk=variant_pk, product__vendor=vendor)
        .first()
        if variant_pk is not None
        else None
    )
    if found is None:
        raise _error("variant", _("找不到这个商品规格。"), Code.NOT_FOUND)
    origin = None
    if base not in (None, ""):
        origin = OriginBase.objects.filter(pk=as_pk(base) or 0, vendor=vendor).first()
        if origin is None:
            raise _error("base", _("找不到这个基地。"), Code.NOT_FOUND)
    lot = _text(lot_number, "lot_number", max_length=64, required=True)
    amount = _positive_int(quantity, "quantity")
    planted = _date(planted_on, "planted_on")
    harvested = _date(harvested_on, "harvested_on")
    packed = _date(packed_on, "packed_on", required=True)
    assert packed is not None
    today = timezone.localdate()
    for field, day in (("planted_on", planted), ("harvested_on", harvested), ("packed_on", packed)):
        if day and day > today:
            raise _error(field, _("日期不能晚于今天。"), Code.INVALID_DATE)
    if planted and harvested and harvested < planted:
        raise _error("harvested_on", _("收获日期不能早于种植日期。"), Code.INVALID_DATE)
    if harvested and packed < harvested:
        raise _error("packed_on", _("包装日期不能早于收获日期。"), Code.INVALID_DATE)
    shelf = _positive_int(shelf_life_days, "shelf_life_days")
    if shelf > 3650 * 10:
        raise _error("shelf_life_days", _("保质期超出范围。"), Code.INVALID_QUANTITY)
    used = _inputs(inputs)
    steps = _steps(processing_steps)
    for item in used:
        # A pesticide's safe interval must have run out before the harvest (GB/T 8321).
        if item["safe_until"] and harvested and item["safe_until"] > harvested.isoformat():
            raise _error(
                "inputs",
                _("农药“%(name)s”的安全间隔期到 %(date)s，不能早于此日期收获。")
                % {"name": item["name"], "date": item["safe_until"]},
                Code.INVALID_DATE,
            )
    if Batch.objects.filter(vendor=vendor, lot_number=lot).exists():
        raise _error("lot_number", _("这个批号已经登记过。"), Code.UNIQUE)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                batch = Batch.objects.create(
                    code=new_trace_code(),
                    vendor=vendor,
                    variant=found,
                    base=origin,
                    lot_number=lot,
                    planted_on=planted,
                    harvested_on=harvested,
                    packed_on=packed,
                    shelf_life_days=shelf,
                    expires_on=packed + datetime.timedelta(days=shelf),
                    quantity=amount,
                    inputs=used,
                    processing_steps=steps,
                    created_by=actor,
                )
            break
        except IntegrityError:  # a trace code collision: draw again
            continue
    else:  # pragma: no cover - 31^10 codes
        raise _error(None, _("生成追溯码失败，请重试。"), Code.INVALID)
    place = origin.name if origin else vendor.name
    point = ReadPointKind.BASE if origin else ReadPointKind.WAREHOUSE
    point_id = f"base-{origin.pk}" if origin else f"vendor-{vendor.pk}"
    journey: list[tuple[datetime.date, str, str]] = []
    if planted:
        journey.append((planted, BizStep.PLANTING, ""))
    if harvested:
        journey.append((harvested, BizStep.HARVESTING, ""))
    for step in steps:
        if step["on"]:
            journey.append(
                (datetime.date.fromisoformat(step["on"]), BizStep.TRANSFORMING, step["step"])
            )
    journey.append((packed, BizStep.PACKING, ""))
    journey.sort(key=lambda item: item[0])
    for day, step_name, note in journey:
        append_event(
            batch=batch,
            biz_step=step_name,
            event_time=_local_noon(day),
            read_point_kind=point,
            read_point_id=point_id,
            read_point_name=place,
            source=EventSource.VENDOR,
            actor=actor,
            quantity=amount if step_name == BizStep.PACKING else None,
            note=note,
        )
    audit.record(
        actor=actor,
        action="trace.batch_created",
        instance=batch,
        after={"code": batch.code, "lot_number": lot, "variant": found.pk, "quantity": amount},
    )
    return batch


@transaction.atomic
def add_inspection(
    *,
    actor,
    batch: Batch | int,
    lab: Any,
    tested_on: Any,
    result: Any,
    report_number: Any = "",
    values: Any = None,
    document=None,
) -> InspectionReport:
    """A lab report on the batch, by its vendor or an inspector; recorded as an inspecting
    event too."""
    target = batch_for(actor, batch)
    lab = _text(lab, "lab", max_length=128, required=True)
    day = _date(tested_on, "tested_on", required=True)
    assert day is not None
    if day > timezone.localdate():
        raise _error("tested_on", _("日期不能晚于今天。"), Code.INVALID_DATE)
    if result not in InspectionResult.values:
        raise _error("result", _("结论只能是合格或不合格。"), Code.INVALID)
    rows = []
    for item in values or []:
        if not isinstance(item, dict):
            raise _error("values", _("检测值格式不正确。"), Code.INVALID)
        rows.append(
            {
                "item": _text(item.get("item"), "values", max_length=100, required=True),
                "value": _text(item.get("value"), "values", max_length=50),
                "limit": _text(item.get("limit"), "values", max_length=50),
            }
        )
    report = InspectionReport(
        batch=target,
        lab=lab,
        tested_on=day,
        result=result,
        report_number=_text(report_number, "report_number", max_length=64),
        values=rows,
    )
    if document is not None:
        from backend.listings.services import _check_file

        _check_file(document, "document")
        report.document.save(getattr(document, "name", "report.pdf"), document, save=False)
    report.save()
    append_event(
        batch=target,
        biz_step=BizStep.INSPECTING,
        event_time=_local_noon(day),
        read_point_kind=ReadPointKind.LAB,
        read_point_id=f"lab-{report.pk}",
        read_point_name=lab,
        source=EventSource.INSPECTOR if can_inspect(actor) else EventSource.VENDOR,
        actor=actor,
        disposition="conformant" if result == InspectionResult.PASS else "non_conformant",
        note=report.report_number,
    )
    audit.record(
        actor=actor,
        action="trace.inspection_added",
        instance=report,
        after={"batch": target.code, "lab": lab, "result": result},
    )
    return report


def batch_status_blocks_sale(batch: Batch) -> bool:
    return batch.status != BatchStatus.ACTIVE
