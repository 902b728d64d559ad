"""Attendance imported from an XLSX sheet (签到表导入) for sessions signed in on paper.

All or nothing per file: every row is checked first; with any error nothing is written and each
error names its row, column and a stable code, so staff fix the sheet and upload it again.
Re-uploading a sheet that was already imported adds nobody twice (attendance is unique per
person and session; people are found again by the digest of their phone number).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.account.phone import normalize_phone
from backend.core import audit
from backend.core.crypto import encrypt
from backend.poverty.models import Household
from backend.training.access import is_training_staff
from backend.training.attendance import (
    mask_name,
    mask_phone,
    phone_digest,
    record_for_attendees,
)
from backend.training.error_codes import TrainingErrorCode as Code
from backend.training.models import AttendanceSource, Attendee, TrainingSession

COLUMNS = {"姓名": "name", "手机号": "phone", "身份证后四位": "id_last4", "户编号": "household"}
REQUIRED = ("姓名", "手机号")
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
ID_LAST4 = re.compile(r"^\d{3}[\dX]$")


@dataclass
class RowError:
    row: int
    column: str
    message: str
    code: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    already_present: int = 0
    errors: list[RowError] = field(default_factory=list)


def _file_error(message: str, code: str = Code.INVALID_FILE) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def template_xlsx() -> bytes:
    """The sheet staff fill in: the header row and one example row of a fictional person."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "签到表"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["张示例", "13800000000", "123X", ""])
    for letter, width in zip("ABCD", (12, 16, 14, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read_rows(file) -> tuple[list[str], list[tuple[int, tuple]]]:
    from openpyxl import load_workbook

    if getattr(file, "size", 0) and file.size > MAX_BYTES:
        raise _file_error(_("文件不能超过 5 MB。"))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ValidationError(
            {
                "file": ValidationError(
                    _("无法读取文件，请上传 .xlsx 表格。"), code=Code.INVALID_FILE
                )
            }
        ) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_cell(value) for value in next(rows, ())]
        body = []
        for number, row in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise _file_error(_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
            body.append((number, row))
    finally:
        workbook.close()
    return header, body


def import_attendance(*, actor, session: TrainingSession, file) -> ImportResult:
    if not is_training_staff(actor):
        raise ValidationError(
            _("只有县级培训管理人员可以导入签到表。"), code=Code.PERMISSION_DENIED
        )
    header, body = _read_rows(file)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise _file_error(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
    index = {key: header.index(name) for name, key in COLUMNS.items() if name in header}
    households = dict(
        Household.objects.filter(is_active=True).values_list("reference_number", "pk")
    )
    result = ImportResult()
    planned: dict[str, dict[str, Any]] = {}
    for number, row in body:
        cells = {key: _cell(row[i]) if i < len(row) else "" for key, i in index.items()}
        if not any(cells.values()):
            continue
        result.rows += 1
        errors = _check_row(number, cells, households)
        if errors:
            result.errors.extend(errors)
            continue
        phone = normalize_phone(cells["phone"]) or ""
        digest = phone_digest(phone)
        if digest in planned:
            result.errors.append(RowError(number, "手机号", _("表格中手机号重复。"), Code.INVALID))
            continue
        planned[digest] = {
            "name": cells["name"],
            "phone": phone,
            "id_last4": cells.get("id_last4", "").upper(),
            "household_id": households.get(cells.get("household", "")),
        }
    if result.errors:
        return result
    if not planned:
        raise _file_error(_("表格中没有签到记录。"), Code.REQUIRED)
    with transaction.atomic():
        attendees = _attendees_for(planned)
        result.created = record_for_attendees(
            session=session,
            attendees=attendees,
            source=AttendanceSource.IMPORT,
            recorded_by=actor,
        )
        result.already_present = len(attendees) - result.created
        audit.record(
            actor=actor,
            action="training.attendance.import",
            instance=session,
            after={"rows": result.rows, "created": result.created},
        )
    return result


def _check_row(number: int, cells: dict[str, str], households: dict[str, int]) -> list[RowError]:
    errors = []
    name = cells.get("name", "")
    if not name:
        errors.append(RowError(number, "姓名", _("请填写姓名。"), Code.REQUIRED))
    elif len(name) > 64:
        errors.append(RowError(number, "姓名", _("姓名太长。"), Code.INVALID))
    phone = cells.get("phone", "")
    if not phone:
        errors.append(RowError(number, "手机号", _("请填写手机号。"), Code.REQUIRED))
    elif normalize_phone(phone) is None:
        errors.append(
            RowError(number, "手机号", _("请输入有效的中国大陆手机号。"), Code.INVALID_PHONE)
        )
    last4 = cells.get("id_last4", "").upper()
    if last4 and not ID_LAST4.match(last4):
        errors.append(
            RowError(number, "身份证后四位", _("应为 4 位数字（最后一位可为 X）。"), Code.INVALID)
        )
    reference = cells.get("household", "")
    if reference and reference not in households:
        errors.append(RowError(number, "户编号", _("登记册中没有这个户编号。"), Code.NOT_FOUND))
    return errors


def _attendees_for(planned: dict[str, dict[str, Any]]) -> list[Attendee]:
    """Existing attendees by phone digest, new ones created in one statement."""
    existing = {
        a.phone_digest: a
        for a in Attendee.objects.select_for_update().filter(phone_digest__in=list(planned))
    }
    new = [
        Attendee(
            name=data["name"],
            name_masked=mask_name(data["name"]),
            phone_encrypted=encrypt(data["phone"]),
            phone_masked=mask_phone(data["phone"]),
            phone_digest=digest,
            id_last4=data["id_last4"],
            household_id=data["household_id"],
        )
        for digest, data in planned.items()
        if digest not in existing
    ]
    # A person signing in by QR during the import may have been created meanwhile: skipped
    # here (ignore_conflicts on the unique phone digest) and read back below.
    Attendee.objects.bulk_create(new, ignore_conflicts=True)
    linked = []
    for digest, data in planned.items():
        attendee = existing.get(digest)
        if attendee is not None and attendee.household_id is None and data["household_id"]:
            attendee.household_id = data["household_id"]
            linked.append(attendee)
    if linked:
        Attendee.objects.bulk_update(linked, ["household_id"])
    return list(Attendee.objects.filter(phone_digest__in=list(planned)))
