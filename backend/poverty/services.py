"""Changing the zone: the registry (households, documents, inclusions, related accounts) and
product certification (扶贫产品认定: application, approval with a validity period, rejection,
revocation, expiry).

Every function runs in one transaction, checks who acts (county staff hold
`poverty.manage_poverty`; a vendor's staff apply for their own products), raises typed errors
(PovertyErrorCode) that write nothing, and leaves an audit entry. Identity numbers and phones
are stored only encrypted (backend/core/crypto.py); the audit entries hold their masked forms.
Opening a household's full record is itself audit-logged (`reveal_household`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.catalog.cache import bump_catalog_version
from backend.catalog.models import Product
from backend.core import audit
from backend.core.crypto import decrypt, encrypt
from backend.core.permissions import Permission, has_permissions
from backend.divisions.models import Village
from backend.poverty.error_codes import PovertyErrorCode as Code
from backend.poverty.models import (
    Beneficiary,
    Certification,
    CertificationStatus,
    Household,
    HouseholdDocument,
    HouseholdInclusion,
    InclusionKind,
    Mechanism,
    RelatedAccount,
    ShareRecipient,
    VillageStory,
)
from backend.vendors import scoping

MAX_TEXT = 2000
PHONE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


def _error(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def can_manage_poverty(user) -> bool:
    """County staff of the zone (the 扶贫专区管理员 group)."""
    return bool(getattr(user, "is_staff", False)) and has_permissions(
        user, [Permission.MANAGE_POVERTY]
    )


def can_curate_zone(user) -> bool:
    """Brand managers curate the zone's order; the zone's own staff may too."""
    return can_manage_poverty(user) or (
        bool(getattr(user, "is_staff", False)) and has_permissions(user, [Permission.MANAGE_BRAND])
    )


def require_poverty_staff(actor) -> None:
    if not can_manage_poverty(actor):
        raise _error(None, _("只有县扶贫专区工作人员可以执行此操作。"), Code.PERMISSION_DENIED)


def _text(value: Any, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    if value is not None and not isinstance(value, str):
        raise _error(field, _("格式不正确。"), Code.INVALID)
    text = (value or "").strip()
    if "\x00" in text:
        raise _error(field, _("不能包含空字符（\\x00）。"), Code.INVALID)
    if required and not text:
        raise _error(field, _("此项必填。"), Code.REQUIRED)
    if len(text) > limit:
        raise _error(field, _("不能超过 %(limit)s 个字。") % {"limit": limit}, Code.INVALID)
    return text


# --- Identity numbers and phones --------------------------------------------------------------


def valid_id_number(number: str) -> bool:
    """A resident identity number (GB 11643-1999): 17 digits and the ISO 7064 check character."""
    if not ID_NUMBER.match(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def mask_id_number(number: str) -> str:
    return f"{number[:2]}{'*' * 12}{number[-4:]}" if number else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone else ""


def _clean_id_number(value: Any) -> str:
    number = _text(value, "id_number", limit=18).upper()
    if number and not valid_id_number(number):
        raise _error("id_number", _("身份证号码格式或校验位不正确。"), Code.INVALID)
    return number


def _clean_phone(value: Any) -> str:
    phone = _text(value, "phone", limit=11)
    if phone and not PHONE.match(phone):
        raise _error("phone", _("请输入 11 位手机号码。"), Code.INVALID)
    return phone


def _household_snapshot(household: Household) -> dict[str, Any]:
    return {
        "reference_number": household.reference_number,
        "village": household.village_id,
        "head_name": household.head_name,
        "members": household.members,
        "id_number": household.id_number_masked,
        "phone": household.phone_masked,
        "story_consent": household.story_consent,
        "photo_consent": household.photo_consent,
        "is_active": household.is_active,
    }


def _checked_file(upload, field: str, *, photo: bool = False) -> str:
    """A stored name for an accepted private file: declared and real type (magic bytes) both
    PDF, JPEG, PNG or WebP, at most 10 MB; the name says nothing about the household."""
    import secrets

    from backend.vendors.services import sniff_content_type

    size = getattr(upload, "size", None)
    if size is None or size > DOCUMENT_MAX_BYTES:
        raise _error(field, _("文件不能超过 10 MB。"), Code.INVALID_FILE)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    upload.seek(0)
    actual = sniff_content_type(upload.read(16))
    upload.seek(0)
    if photo and (actual is None or actual != declared or actual not in PHOTO_TYPES):
        raise _error(field, _("照片仅支持 JPEG、PNG 或 WebP 图片。"), Code.INVALID_FILE)
    if actual is None or actual != declared or actual not in DOCUMENT_TYPES:
        raise _error(field, _("仅支持 PDF、JPEG、PNG 或 WebP 文件。"), Code.INVALID_FILE)
    return f"{secrets.token_hex(12)}.{actual.split('/')[1]}"


# --- Registry ---------------------------------------------------------------------------------


def _apply_household(household: Household, data: dict[str, Any]) -> None:
    if "reference_number" in data:
        household.reference_number = _text(
            data["reference_number"], "reference_number", required=True, limit=32
        )
    if "village" in data:
        village = data["village"]
        if not isinstance(village, Village):
            raise _error("village", _("请选择本县的村。"), Code.NOT_FOUND)
        household.village = village
    if "head_name" in data:
        household.head_name = _text(data["head_name"], "head_name", required=True, limit=64)
    if "members" in data:
        members = data["members"]
        if not isinstance(members, int) or isinstance(members, bool) or not 1 <= members <= 30:
            raise _error("members", _("家庭人口须在 1 到 30 之间。"), Code.INVALID)
        household.members = members
    if "id_number" in data:
        number = _clean_id_number(data["id_number"])
        household.id_number_encrypted = encrypt(number)
        household.id_number_masked = mask_id_number(number)
    if "phone" in data:
        phone = _clean_phone(data["phone"])
        household.phone_encrypted = encrypt(phone)
        household.phone_masked = mask_phone(phone)
    for flag in ("story_consent", "photo_consent", "is_fictional", "is_active"):
        if flag in data:
            household.__dict__[flag] = bool(data[flag])
    if "story" in data:
        household.story = _text(data["story"], "story")


@transaction.atomic
def save_household(*, actor, household: Household | None = None, **data) -> Household:
    """Create (household=None) or change a household; only the given fields change."""
    require_poverty_staff(actor)
    creating = household is None
    if household is None:
        household = Household()
        for required in ("reference_number", "village", "head_name"):
            if required not in data:
                raise _error(required, _("此项必填。"), Code.REQUIRED)
    else:
        household = Household.objects.select_for_update().get(pk=household.pk)
    before = None if creating else _household_snapshot(household)
    _apply_household(household, data)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:
        raise _error("reference_number", _("该建档立卡编号已登记。"), Code.UNIQUE) from error
    audit.record(
        actor=actor,
        action="poverty.household_created" if creating else "poverty.household_changed",
        instance=household,
        before=before,
        after=_household_snapshot(household),
    )
    return household


@dataclass(frozen=True)
class FullHousehold:
    household: Household
    id_number: str
    phone: str


@transaction.atomic
def reveal_household(*, actor, household: Household) -> FullHousehold:
    """The household's full record (identity number and phone in clear), for county staff
    only; every call writes an audit entry naming who looked."""
    require_poverty_staff(actor)
    audit.record(
        actor=actor,
        action="poverty.household_viewed",
        instance=household,
        after={"fields": ["id_number", "phone"]},
    )
    return FullHousehold(
        household=household,
        id_number=decrypt(household.id_number_encrypted),
        phone=decrypt(household.phone_encrypted),
    )


@transaction.atomic
def set_story_photo(*, actor, story: Household | VillageStory, upload) -> Household | VillageStory:
    """Attach (or with `upload=None` remove) the photo of a household's or a village's story.
    Kept in private storage under a neutral name; a JPEG, PNG or WebP checked by its content.
    The zone page shows it only while the photo consent (and the story's consent) holds."""
    require_poverty_staff(actor)
    model = type(story)
    story = model.objects.select_for_update().get(pk=story.pk)
    before = {"photo": bool(story.photo)}
    if upload is None:
        if story.photo:
            story.photo.delete(save=False)
        story.photo = ""
        story.save(update_fields=["photo"])
    else:
        name = _checked_file(upload, "photo", photo=True)
        old = story.photo.name if story.photo else ""
        story.photo.save(name, upload, save=False)
        story.save(update_fields=["photo"])
        if old:
            story.photo.storage.delete(old)
    audit.record(
        actor=actor,
        action="poverty.story_photo_changed",
        instance=story,
        before=before,
        after={"photo": bool(story.photo)},
    )
    return story


@transaction.atomic
def add_household_document(
    *, actor, household: Household, upload, title: str = ""
) -> HouseholdDocument:
    require_poverty_staff(actor)
    name = _checked_file(upload, "file")
    document = HouseholdDocument(
        household=household,
        title=_text(title, "title", limit=120) or _("证明材料"),
        uploaded_by=actor,
    )
    document.file.save(name, upload, save=False)
    document.save()
    audit.record(
        actor=actor,
        action="poverty.document_added",
        instance=household,
        after={"document": document.pk, "title": document.title},
    )
    return document


@transaction.atomic
def record_inclusion(
    *, actor, household: Household, kind: str, date: datetime.date, note: str = ""
) -> HouseholdInclusion:
    """Record an agent purchase or training attendance (supply and jobs come from
    certifications); the training app will call this for its attendance records."""
    require_poverty_staff(actor)
    if kind not in InclusionKind.values:
        raise _error("kind", _("方式不正确。"), Code.INVALID)
    inclusion = HouseholdInclusion.objects.create(
        household=household,
        kind=kind,
        date=date,
        note=_text(note, "note", limit=200),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="poverty.inclusion_recorded",
        instance=household,
        after={"kind": kind, "date": date},
    )
    return inclusion


@transaction.atomic
def flag_related_account(*, actor, user, vendor, reason: str) -> RelatedAccount:
    """Mark a shopper account as related to a vendor: its later purchases of the vendor's
    certified products are excluded from the zone's figures."""
    require_poverty_staff(actor)
    reason = _text(reason, "reason", required=True, limit=200)
    related, created = RelatedAccount.objects.get_or_create(
        user=user, vendor=vendor, defaults={"reason": reason, "flagged_by": actor}
    )
    if created:
        audit.record(
            actor=actor,
            action="poverty.related_account_flagged",
            instance=related,
            after={"user": user.pk, "vendor": vendor.pk, "reason": reason},
        )
    return related


# --- Import from the county's spreadsheet -----------------------------------------------------

# The county registry's column headings (建档立卡花名册).
IMPORT_COLUMNS = {
    "建档立卡编号": "reference_number",
    "村区划代码": "village",
    "户主姓名": "head_name",
    "家庭人口": "members",
    "身份证号": "id_number",
    "联系电话": "phone",
    "同意公开故事": "story_consent",
    "同意公开照片": "photo_consent",
}
YES = {"是", "y", "yes", "1", "true", "同意"}
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_households(*, actor, file) -> ImportResult:
    """Load the county's XLSX roster: every row is checked first; with any error nothing is
    written and the errors name the row and the column; otherwise all rows are created or
    updated (by reference number) in one transaction."""
    require_poverty_staff(actor)
    from openpyxl import load_workbook

    result = ImportResult()
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise _error("file", _("无法读取文件，请上传 .xlsx 表格。"), Code.INVALID_FILE) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_cell(value) for value in next(rows, ())]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise _error(
            "file", _("缺少列：%(columns)s") % {"columns": "、".join(missing)}, Code.INVALID_FILE
        )
    index = {IMPORT_COLUMNS[name]: header.index(name) for name in IMPORT_COLUMNS}
    villages = {village.code: village for village in Village.objects.all()}
    existing = {h.reference_number: h for h in Household.objects.all()}
    seen: set[str] = set()
    planned: list[tuple[Household | None, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            raise _error("file", _("一次最多导入 5000 行。"), Code.INVALID_FILE)
        cells = {key: _cell(row[i]) if i < len(row) else "" for key, i in index.items()}
        if not any(cells.values()):
            continue
        data: dict[str, Any] = dict(cells)
        data["village"] = villages.get(cells["village"])
        data["story_consent"] = cells["story_consent"].lower() in YES
        data["photo_consent"] = cells["photo_consent"].lower() in YES
        try:
            data["members"] = int(cells["members"] or "0")
        except ValueError:
            data["members"] = 0
        if cells["reference_number"] in seen:
            result.errors.append((number, "建档立卡编号", _("表格中编号重复。")))
            continue
        seen.add(cells["reference_number"])
        probe = Household()
        try:
            _apply_household(probe, data)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                column = next((c for c, k in IMPORT_COLUMNS.items() if k == key), key)
                result.errors.extend((number, column, message) for message in messages)
            continue
        planned.append((existing.get(cells["reference_number"]), data))
    workbook.close()
    if result.errors:
        return result
    with transaction.atomic():
        for household, data in planned:
            if household is None:
                save_household(actor=actor, **data)
                result.created += 1
            else:
                save_household(actor=actor, household=household, **data)
                result.updated += 1
    return result


# --- Certification ----------------------------------------------------------------------------


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise _error(field, _("请输入数字。"), Code.INVALID) from error
    if not number.is_finite() or number <= low or number > high:
        raise _error(field, _("数值超出范围。"), Code.INVALID)
    return number


def _clean_mechanism(data: dict[str, Any]) -> dict[str, Any]:
    mechanism = data.get("mechanism")
    if mechanism not in Mechanism.values:
        raise _error("mechanism", _("请选择利益联结方式。"), Code.INVALID_MECHANISM)
    terms: dict[str, Any] = {"mechanism": mechanism}
    if mechanism == Mechanism.PURCHASE:
        terms["price_per_kg"] = _decimal(
            data.get("price_per_kg"), "price_per_kg", low=Decimal(0), high=Decimal(100000)
        )
        terms["kg_per_unit"] = _decimal(
            data.get("kg_per_unit"), "kg_per_unit", low=Decimal(0), high=Decimal(1000)
        )
    elif mechanism == Mechanism.EMPLOYMENT:
        terms["wage_per_unit"] = _decimal(
            data.get("wage_per_unit"), "wage_per_unit", low=Decimal(0), high=Decimal(100000)
        )
    else:
        terms["share_percent"] = _decimal(
            data.get("share_percent"), "share_percent", low=Decimal(0), high=Decimal(100)
        )
        recipient = data.get("share_recipient") or ShareRecipient.HOUSEHOLDS
        if recipient not in ShareRecipient.values:
            raise _error("share_recipient", _("分成对象不正确。"), Code.INVALID)
        terms["share_recipient"] = recipient
    for key in ("price_per_kg", "kg_per_unit", "wage_per_unit", "share_percent"):
        terms.setdefault(key, None)
    terms.setdefault("share_recipient", "")
    return terms


def _open_certification(product: Product) -> Certification | None:
    now = timezone.now()
    for certification in Certification.objects.filter(
        product=product,
        status__in=(CertificationStatus.REQUESTED, CertificationStatus.APPROVED),
    ):
        if certification.status == CertificationStatus.REQUESTED:
            return certification
        if certification.valid_until is None or certification.valid_until > now:
            return certification
    return None


@transaction.atomic
def apply_for_certification(
    *,
    actor,
    product: Product,
    mechanism: str,
    households: list[tuple[str, int]] = (),  # type: ignore[assignment]
    village: Village | None = None,
    description: str = "",
    evidence=None,
    **terms,
) -> Certification:
    """A vendor's application for its product, with the benefit mechanism and evidence.

    `households` are (reference number, weight) pairs of registered households the vendor buys
    from, employs or shares with; the vendor knows them by the number the county gave it, and
    sees nothing else of them. A share to a village collective names a weak `village`."""
    vendor = scoping.vendor_of(actor)
    if vendor is None:
        raise _error(None, _("您不是任何商家的员工。"), Code.NOT_VENDOR_STAFF)
    if product.vendor_id != vendor.pk:
        raise _error("product", _("找不到该商品。"), Code.NOT_FOUND)
    Product.objects.select_for_update().filter(pk=product.pk).first()
    if _open_certification(product) is not None:
        raise _error(
            "product", _("该商品已有待审核或有效的扶贫产品认定。"), Code.CERTIFICATION_EXISTS
        )
    cleaned = _clean_mechanism({"mechanism": mechanism, **terms})
    description = _text(description, "description", required=True)
    targets: list[tuple[Household | None, Village | None, int]] = []
    if cleaned["share_recipient"] == ShareRecipient.VILLAGE:
        if village is None or not village.is_economically_weak:
            raise _error("village", _("分成对象须为经济薄弱村。"), Code.NOT_WEAK_VILLAGE)
        targets.append((None, village, 1))
    else:
        if not households:
            raise _error("households", _("请填写受益低收入户的建档立卡编号。"), Code.REQUIRED)
        numbers = [str(number).strip() for number, _weight in households]
        found = {
            h.reference_number: h
            for h in Household.objects.filter(reference_number__in=numbers, is_active=True)
        }
        for number, weight in households:
            household = found.get(str(number).strip())
            if household is None:
                raise _error(
                    "households",
                    _("建档立卡编号 %(number)s 不在册。") % {"number": number},
                    Code.NOT_FOUND,
                )
            if not isinstance(weight, int) or not 1 <= weight <= 100000:
                raise _error("households", _("份额须为正整数。"), Code.INVALID)
            targets.append((household, None, weight))
        if len({h.pk for h, _v, _w in targets if h}) != len(targets):
            raise _error("households", _("同一户只能填写一次。"), Code.INVALID)
    certification = Certification(
        product=product,
        vendor=vendor,
        village=village if cleaned["share_recipient"] == ShareRecipient.VILLAGE else None,
        description=description,
        applied_by=actor,
        **cleaned,
    )
    if evidence is not None:
        certification.evidence.save(_checked_file(evidence, "evidence"), evidence, save=False)
    certification.save()
    Beneficiary.objects.bulk_create(
        Beneficiary(certification=certification, household=h, village=v, weight=w)
        for h, v, w in targets
    )
    audit.record(
        actor=actor,
        action="poverty.certification_requested",
        instance=certification,
        after=_certification_snapshot(certification),
    )
    return certification


def _certification_snapshot(certification: Certification) -> dict[str, Any]:
    return {
        "status": certification.status,
        "number": certification.number,
        "mechanism": certification.mechanism,
        "valid_from": certification.valid_from,
        "valid_until": certification.valid_until,
        "reason": certification.reason,
    }


def _lock_certification(certification: Certification) -> Certification:
    return (
        Certification.objects.select_for_update()
        .select_related("product", "vendor")
        .get(pk=certification.pk)
    )


def _next_number(year: int) -> str:
    prefix = f"FP-{year}-"
    last = (
        Certification.objects.select_for_update()
        .filter(number__startswith=prefix)
        .aggregate(last=Max("number"))["last"]
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _changed(certification: Certification, *, actor, action: str, before: dict) -> None:
    certification.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    certification.decided_at = timezone.now()
    certification.save()
    audit.record(
        actor=actor,
        action=action,
        instance=certification,
        before=before,
        after=_certification_snapshot(certification),
    )
    transaction.on_commit(bump_catalog_version)
    _notify_vendor(certification)


@transaction.atomic
def approve_certification(
    *,
    actor,
    certification: Certification,
    valid_until: datetime.datetime,
    valid_from: datetime.datetime | None = None,
) -> Certification:
    """Approve a requested certification for [valid_from, valid_until): the product enters the
    zone and shows the badge for exactly that window."""
    require_poverty_staff(actor)
    certification = _lock_certification(certification)
    if certification.status != CertificationStatus.REQUESTED:
        raise _error(None, _("只能审核待审核的申请。"), Code.INVALID_STATUS)
    valid_from = valid_from or timezone.now()
    if not isinstance(valid_until, datetime.datetime) or valid_until <= valid_from:
        raise _error("valid_until", _("有效期结束须晚于开始。"), Code.INVALID_PERIOD)
    if valid_until - valid_from > datetime.timedelta(days=3 * 366):
        raise _error("valid_until", _("有效期最长三年。"), Code.INVALID_PERIOD)
    before = _certification_snapshot(certification)
    certification.status = CertificationStatus.APPROVED
    certification.valid_from = valid_from
    certification.valid_until = valid_until
    certification.reason = ""
    certification.number = _next_number(timezone.localtime(valid_from).year)
    _changed(certification, actor=actor, action="poverty.certification_approved", before=before)
    return certification


@transaction.atomic
def reject_certification(*, actor, certification: Certification, reason: str) -> Certification:
    require_poverty_staff(actor)
    certification = _lock_certification(certification)
    if certification.status != CertificationStatus.REQUESTED:
        raise _error(None, _("只能审核待审核的申请。"), Code.INVALID_STATUS)
    reason = _text(reason, "reason", required=True, limit=1000)
    before = _certification_snapshot(certification)
    certification.status = CertificationStatus.REJECTED
    certification.reason = reason
    _changed(certification, actor=actor, action="poverty.certification_rejected", before=before)
    return certification


@transaction.atomic
def revoke_certification(*, actor, certification: Certification, reason: str) -> Certification:
    """Withdraw an approved certification now: the product leaves the zone and loses its badge;
    sales already paid keep their ledger entries."""
    require_poverty_staff(actor)
    certification = _lock_certification(certification)
    if certification.status != CertificationStatus.APPROVED:
        raise _error(None, _("只能撤销已认定的商品。"), Code.INVALID_STATUS)
    reason = _text(reason, "reason", required=True, limit=1000)
    before = _certification_snapshot(certification)
    certification.status = CertificationStatus.REVOKED
    certification.reason = reason
    _changed(certification, actor=actor, action="poverty.certification_revoked", before=before)
    return certification


@transaction.atomic
def expire_certification(certification: Certification, *, at: datetime.datetime) -> bool:
    """Record that an approved certification's window ended (the beat task); False when it
    was handled already."""
    certification = _lock_certification(certification)
    if (
        certification.status != CertificationStatus.APPROVED
        or certification.valid_until is None
        or certification.valid_until > at
    ):
        return False
    before = _certification_snapshot(certification)
    certification.status = CertificationStatus.EXPIRED
    certification.decided_at = at
    certification.save(update_fields=["status", "decided_at"])
    audit.record(
        actor=None,
        action="poverty.certification_expired",
        instance=certification,
        before=before,
        after=_certification_snapshot(certification),
    )
    transaction.on_commit(bump_catalog_version)
    _notify_vendor(certification)
    return True


@transaction.atomic
def set_zone_position(*, actor, certification: Certification, position: int) -> Certification:
    """Brand managers curate the order of the zone's products (smaller first)."""
    if not can_curate_zone(actor):
        raise _error(None, _("只有品牌管理员可以调整专区排序。"), Code.PERMISSION_DENIED)
    if not isinstance(position, int) or isinstance(position, bool) or abs(position) > 100000:
        raise _error("position", _("排序须为整数。"), Code.INVALID)
    certification = _lock_certification(certification)
    before = {"zone_position": certification.zone_position}
    certification.zone_position = position
    certification.save(update_fields=["zone_position"])
    audit.record(
        actor=actor,
        action="poverty.zone_position",
        instance=certification,
        before=before,
        after={"zone_position": position},
    )
    transaction.on_commit(bump_catalog_version)
    return certification


# --- Telling the vendor -----------------------------------------------------------------------


def status_text(certification: Certification) -> str:
    values = {
        "product": certification.product.name,
        "number": certification.number or "",
        "until": timezone.localtime(certification.valid_until).strftime("%Y-%m-%d")
        if certification.valid_until
        else "",
        "reason": certification.reason,
    }
    status = certification.status
    if status == CertificationStatus.APPROVED:
        text = _(
            "商品“%(product)s”已通过扶贫产品认定（编号 %(number)s），"
            "有效期至 %(until)s，已进入扶贫专区。"
        )
    elif status == CertificationStatus.REJECTED:
        text = _("商品“%(product)s”的扶贫产品认定申请未通过。原因：%(reason)s")
    elif status == CertificationStatus.REVOKED:
        text = _(
            "商品“%(product)s”的扶贫产品认定（编号 %(number)s）已撤销，"
            "已移出扶贫专区。原因：%(reason)s"
        )
    elif status == CertificationStatus.EXPIRED:
        text = _(
            "商品“%(product)s”的扶贫产品认定（编号 %(number)s）已于 %(until)s 到期，"
            "已移出扶贫专区。如需继续，请重新申请。"
        )
    else:
        text = _("商品“%(product)s”的扶贫产品认定申请已提交。")
    return text % values


def _notify_vendor(certification: Certification) -> None:
    certification_id = certification.pk

    def send() -> None:
        from backend.brand.signature import signed
        from backend.vendors.notifications import owner_phones
        from backend.vendors.tasks import send_vendor_sms_task

        row = Certification.objects.select_related("product", "vendor").get(pk=certification_id)
        with translation.override(settings.LANGUAGE_CODE):
            message = signed(status_text(row))
        for phone in owner_phones(row.vendor):
            send_vendor_sms_task.delay(phone, message)

    transaction.on_commit(send)
