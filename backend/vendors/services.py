"""Onboarding and running a vendor: application, documents, review, bank account and staff.

Every function changes state in one transaction, writes an audit entry with the values before
and after (DESIGN.md: changes that matter to money or certification leave one) and raises a
`ValidationError` keyed by field with a `VendorErrorCode` when it refuses. Who may act is
decided by backend.vendors.scoping; a vendor the actor may not see is reported as not found.

The status machine; the county's e-commerce service centre (县电商公共服务中心) reviews:

    applied ──approve──▶ active ──suspend──▶ suspended
       │  ▲                 ▲                    │
    reject│ resubmit         └────reactivate─────┘
       ▼  │
    rejected

Suspension hides every listing of the vendor from shoppers
(backend.catalog.selectors.visible_products); the vendor row's save bumps the catalog version
(backend.catalog.cache) so cached pages drop them on the next request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from backend.account.phone import normalize_phone
from backend.core import audit
from backend.core.crypto import encrypt, mask_account
from backend.core.services import unique_slug
from backend.divisions.models import Town, Village
from backend.vendors import notifications, scoping
from backend.vendors.error_codes import VendorErrorCode as Code
from backend.vendors.models import (
    Vendor,
    VendorDocument,
    VendorDocumentKind,
    VendorInvitation,
    VendorKind,
    VendorRole,
    VendorStaff,
    VendorStatus,
)
from backend.vendors.validators import (
    check_credit_code_matches_kind,
    validate_credit_code,
    validate_sc_licence,
)

# Fields a vendor's owner may change at any time (what shoppers see and how to reach it).
PUBLIC_FIELDS = ("name", "description", "contact_phone", "town", "village")
# Fields the review is based on: the owner changes them only before approval; afterwards only
# the service centre does (a changed licence must be checked again).
LEGAL_FIELDS = (
    "kind",
    "legal_name",
    "credit_code",
    "sc_licence_number",
    "processes_food",
    "legal_representative",
)
BANK_FIELDS = ("bank_name", "bank_account_name", "bank_account_number")
# Recorded in audit entries and compared before/after; never the encrypted account number.
SNAPSHOT_FIELDS = (
    "status",
    *PUBLIC_FIELDS,
    *LEGAL_FIELDS,
    "bank_name",
    "bank_account_name",
    "bank_account_masked",
    "commission_rate",
    "rejection_reason",
    "suspension_reason",
)
# Kinds that need an SC licence when they declare they make or pack food.
SC_KINDS = (VendorKind.ENTERPRISE, VendorKind.COOPERATIVE)


def _error(field: str | None, message: str, code: str) -> ValidationError:
    return ValidationError({field or "__all__": ValidationError(message, code=code)})


def snapshot(vendor: Vendor) -> dict[str, Any]:
    return {field: getattr(vendor, field) for field in SNAPSHOT_FIELDS}


def _not_found(field: str = "id") -> ValidationError:
    return _error(field, _("找不到该商家。"), Code.NOT_FOUND)


def _require_manager(actor) -> None:
    if not scoping.can_manage_vendors(actor):
        raise _error(None, _("需要商家管理权限。"), Code.PERMISSION_DENIED)


def _require_member(vendor: Vendor, actor, *, owner: bool) -> None:
    """The actor works for `vendor` (as its owner when `owner`), or manages vendors.

    Another vendor's staff get NOT_FOUND: they must not learn the vendor exists."""
    if scoping.can_manage_vendors(actor):
        return
    member = scoping.membership(actor)
    if member is None or member.vendor_id != vendor.pk:
        raise _not_found()
    if owner and member.role != VendorRole.OWNER:
        raise _error(None, _("只有商家负责人可以这样做。"), Code.OWNER_REQUIRED)


def _locked(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


# --- input cleaning --------------------------------------------------------------------------


def _text(data: dict, field: str, max_length: int | None = None) -> str:
    value = (data.get(field) or "").strip()
    if max_length is None:
        max_length = getattr(Vendor._meta.get_field(field), "max_length", None)
    if max_length and len(value) > max_length:
        raise _error(field, _("不能超过 %(max)s 个字符。") % {"max": max_length}, Code.INVALID)
    return value


def _contact_phone(raw: str) -> str:
    """A mobile number in E.164, or a mainland landline as written (e.g. 0518-88000001)."""
    mobile = normalize_phone(raw)
    if mobile:
        return mobile
    if re.fullmatch(r"0\d{2,3}-?\d{7,8}", raw):
        return raw
    raise _error("contact_phone", _("请填写正确的手机号或座机号。"), Code.INVALID_PHONE)


def _division(town_value: str, village_value: str) -> tuple[str, str]:
    """Town and village names, checked against the county's divisions (name or code)."""
    town_value, village_value = town_value.strip(), village_value.strip()
    key = "code" if town_value.isdigit() else "name"
    town = Town.objects.filter(**{key: town_value}).first()
    if town is None:
        raise _error("town", _("不是本县的乡镇或街道。"), Code.INVALID_TOWN)
    if not village_value:
        return town.name, ""
    key = "code" if village_value.isdigit() else "name"
    village = Village.objects.filter(town=town, **{key: village_value}).first()
    if village is None:
        raise _error(
            "village",
            _("%(town)s 没有这个村或社区。") % {"town": town.name},
            Code.INVALID_VILLAGE,
        )
    return town.name, village.name


def _clean(data: dict, vendor: Vendor, fields: tuple[str, ...]) -> dict[str, Any]:
    """The given `fields` of `data` (only those sent), cleaned; every field's error at once."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}

    def attempt(field: str, fn) -> None:
        try:
            cleaned[field] = fn()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, items in error.error_dict.items():
                    errors.setdefault(name, []).extend(items)
            else:
                errors.setdefault(field, []).extend(error.error_list)

    sent = [field for field in fields if field in data]
    if "kind" in sent:
        attempt("kind", lambda: _kind(data["kind"]))
    kind = cleaned.get("kind", vendor.kind)
    for field in sent:
        if field in ("kind", "town", "village"):
            continue
        value = data[field]
        if field == "credit_code":
            attempt(field, lambda v=value: validate_credit_code(v) if v else "")
        elif field == "sc_licence_number":
            attempt(field, lambda v=value: validate_sc_licence(v) if v else "")
        elif field == "processes_food":
            cleaned[field] = bool(value)
        elif field == "contact_phone":
            attempt(field, lambda: _contact_phone(_text(data, "contact_phone")))
        else:
            attempt(field, lambda f=field: _text(data, f))
    if "town" in sent or "village" in sent:

        def division():
            town, village = _division(
                data.get("town", vendor.town) or "", data.get("village", vendor.village) or ""
            )
            cleaned["town"] = town
            return village

        attempt("village", division)
    if errors:
        raise ValidationError(errors)
    credit_code = cleaned.get("credit_code", vendor.credit_code)
    if credit_code and ("credit_code" in cleaned or "kind" in cleaned):
        try:
            check_credit_code_matches_kind(credit_code, kind)
        except ValidationError as error:
            raise ValidationError({"credit_code": error}) from error
    return cleaned


def _kind(value) -> str:
    value = getattr(value, "value", value)
    if value not in VendorKind.values:
        raise _error("kind", _("未知的商家类型。"), Code.INVALID)
    return value


def _check_complete(vendor: Vendor) -> None:
    """What an application must contain before it goes to review."""
    errors: dict[str, list[ValidationError]] = {}

    def need(field: str, message: str, code: str = Code.REQUIRED) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not vendor.name:
        need("name", _("请填写商家名称。"))
    if not vendor.town:
        need("town", _("请选择所在乡镇。"))
    if not vendor.legal_representative:
        need("legal_representative", _("请填写法定代表人（经营者）。"))
    if not vendor.contact_phone:
        need("contact_phone", _("请填写联系电话。"))
    if vendor.kind != VendorKind.INDIVIDUAL:
        if not vendor.legal_name:
            need("legal_name", _("请填写营业执照上的名称。"))
        if not vendor.credit_code:
            need("credit_code", _("请填写统一社会信用代码。"))
    if vendor.processes_food and vendor.kind in SC_KINDS and not vendor.sc_licence_number:
        need("sc_licence_number", _("从事食品生产加工的企业和合作社须填写食品生产许可证编号。"))
    if errors:
        raise ValidationError(errors)
    duplicate = (
        Vendor.objects.filter(credit_code=vendor.credit_code).exclude(pk=vendor.pk).exists()
        if vendor.credit_code
        else False
    )
    if duplicate:
        raise _error("credit_code", _("该统一社会信用代码已被其他商家使用。"), Code.UNIQUE)


def _bank(data: dict) -> dict[str, str] | None:
    """Cleaned bank details when any was sent: all three are then required."""
    if not any((data.get(field) or "").strip() for field in BANK_FIELDS):
        return None
    errors: dict[str, list[ValidationError]] = {}
    for field in BANK_FIELDS:
        if not (data.get(field) or "").strip():
            errors[field] = [ValidationError(_("请填写完整的结算账户信息。"), code=Code.REQUIRED)]
    if errors:
        raise ValidationError(errors)
    number = re.sub(r"[\s-]+", "", data["bank_account_number"])
    if not re.fullmatch(r"\d{8,30}", number):
        raise _error(
            "bank_account_number",
            _("银行账号应为 8–30 位数字。"),
            Code.INVALID_BANK_ACCOUNT,
        )
    return {
        "bank_name": _text(data, "bank_name"),
        "bank_account_name": _text(data, "bank_account_name"),
        "number": number,
    }


def _store_bank(vendor: Vendor, bank: dict[str, str]) -> None:
    vendor.bank_name = bank["bank_name"]
    vendor.bank_account_name = bank["bank_account_name"]
    vendor.bank_account_encrypted = encrypt(bank["number"])
    vendor.bank_account_masked = mask_account(bank["number"])


# --- application -----------------------------------------------------------------------------


@transaction.atomic
def apply(*, actor, data: dict, owner_phone: str | None = None) -> Vendor:
    """A new vendor in status APPLIED.

    A signed-in user applies for their own business and becomes its owner. Service-centre
    staff enter the application of a farmer without a smartphone by giving `owner_phone`: no
    user is linked, the farmer gets an owner invitation by SMS instead. An owner of a rejected
    application applying again resubmits that application, corrected.
    """
    if not getattr(actor, "is_authenticated", False):
        raise _error(None, _("请先登录。"), Code.PERMISSION_DENIED)
    on_behalf = owner_phone is not None
    phone = ""
    if on_behalf:
        _require_manager(actor)
        phone = normalize_phone(owner_phone or "") or ""
        if not phone:
            raise _error("owner_phone", _("请填写农户的手机号。"), Code.INVALID_PHONE)
        if VendorStaff.objects.filter(user__phone=phone).exists():
            raise _error(
                "owner_phone",
                _("该手机号的用户已是其他商家的员工。"),
                Code.ALREADY_VENDOR_STAFF,
            )
    else:
        member = scoping.membership(actor)
        if member is not None:
            if member.role == VendorRole.OWNER and member.vendor.status == VendorStatus.REJECTED:
                return resubmit(vendor=member.vendor, actor=actor, data=data)
            raise _error(
                None,
                _("您已是商家「%(name)s」的员工，不能再申请。") % {"name": member.vendor.name},
                Code.ALREADY_VENDOR_STAFF,
            )
    if not data.get("kind"):
        raise _error("kind", _("请选择商家类型。"), Code.REQUIRED)
    vendor = Vendor(status=VendorStatus.APPLIED.value, kind=_kind(data["kind"]))
    for field, value in _clean(data, vendor, PUBLIC_FIELDS + LEGAL_FIELDS).items():
        setattr(vendor, field, value)
    _check_complete(vendor)
    bank = _bank(data)
    if bank:
        _store_bank(vendor, bank)
    vendor.slug = unique_slug(Vendor, vendor.name)
    vendor.applied_by = actor
    vendor.applied_at = timezone.now()
    vendor.save()
    audit.record(
        actor=actor,
        action="vendor.applied_on_behalf" if on_behalf else "vendor.applied",
        instance=vendor,
        before=None,
        after=snapshot(vendor),
    )
    if on_behalf:
        _create_invitation(vendor=vendor, actor=actor, phone=phone, role=VendorRole.OWNER)
    else:
        VendorStaff.objects.create(vendor=vendor, user=actor, role=VendorRole.OWNER)
        scoping.forget_membership(actor)
    return vendor


@transaction.atomic
def resubmit(*, vendor: Vendor, actor, data: dict | None = None) -> Vendor:
    """A rejected application, corrected, goes back to review (REJECTED → APPLIED)."""
    _require_member(vendor, actor, owner=True)
    locked = _locked(vendor)
    if locked.status != VendorStatus.REJECTED:
        raise _invalid_status(locked, _("只有被驳回的申请可以重新提交。"))
    before = snapshot(locked)
    for field, value in _clean(data or {}, locked, PUBLIC_FIELDS + LEGAL_FIELDS).items():
        setattr(locked, field, value)
    _check_complete(locked)
    bank = _bank(data or {})
    if bank:
        _store_bank(locked, bank)
    locked.status = VendorStatus.APPLIED.value
    locked.applied_at = timezone.now()
    locked.save()
    audit.record(
        actor=actor,
        action="vendor.resubmitted",
        instance=locked,
        before=before,
        after=snapshot(locked),
    )
    return locked


@transaction.atomic
def update_vendor(*, vendor: Vendor, actor, data: dict) -> Vendor:
    """Change a vendor's details. Its owner changes the public details at any time and the
    legal ones until approval; vendor managers change both."""
    _require_member(vendor, actor, owner=True)
    locked = _locked(vendor)
    manager = scoping.can_manage_vendors(actor)
    legal_sent = [field for field in LEGAL_FIELDS if field in data]
    if (
        legal_sent
        and not manager
        and locked.status in (VendorStatus.ACTIVE, VendorStatus.SUSPENDED)
    ):
        raise _error(
            legal_sent[0],
            _("已入驻商家的主体信息（类型、名称、证照）须由服务中心修改。"),
            Code.LEGAL_DETAILS_LOCKED,
        )
    before = snapshot(locked)
    for field, value in _clean(data, locked, PUBLIC_FIELDS + LEGAL_FIELDS).items():
        setattr(locked, field, value)
    _check_complete(locked)
    if snapshot(locked) == before:
        return locked
    locked.save()
    audit.record(
        actor=actor, action="vendor.updated", instance=locked, before=before, after=snapshot(locked)
    )
    return locked


# --- documents -------------------------------------------------------------------------------

# File signatures (magic bytes) of the accepted types: the declared type must match the content.
SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("application/pdf", b"%PDF-", 0),
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/webp", b"RIFF", 0),
)


def sniff_content_type(head: bytes) -> str | None:
    """The type the first bytes of a file show, among the accepted ones; None otherwise."""
    for content_type, signature, offset in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and head[8:12] != b"WEBP":
                continue
            return content_type
    return None


@transaction.atomic
def upload_document(
    *, vendor: Vendor, actor, kind: str, file, content_type: str | None = None
) -> VendorDocument:
    """Attach a licence scan (or ID, bank proof) to the vendor's file after checking its
    declared type, its real type (magic bytes) and its size."""
    _require_member(vendor, actor, owner=False)
    kind = getattr(kind, "value", kind)
    if kind not in VendorDocumentKind.values:
        raise _error("kind", _("未知的材料类型。"), Code.INVALID)
    if file is None:
        raise _error("file", _("请选择文件。"), Code.REQUIRED)
    allowed = tuple(settings.VENDOR_DOCUMENT_CONTENT_TYPES)
    declared = (content_type or getattr(file, "content_type", "") or "").split(";")[0].strip()
    size = getattr(file, "size", None)
    limit = settings.VENDOR_DOCUMENT_MAX_BYTES
    if size is None or size > limit:
        raise _error(
            "file",
            _("文件不能超过 %(mb)s MB。") % {"mb": round(limit / 1024 / 1024, 1)},
            Code.FILE_TOO_LARGE,
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    actual = sniff_content_type(head)
    if declared not in allowed or actual is None or actual != declared or actual not in allowed:
        raise _error(
            "file",
            _("只接受 PDF、JPEG、PNG 或 WebP 格式的扫描件或照片。"),
            Code.INVALID_FILE_TYPE,
        )
    # The stored name says nothing about the applicant (no original file name, no path tricks).
    file.name = f"{kind}-{secrets.token_hex(8)}.{actual.split('/')[1]}"
    document = VendorDocument.objects.create(
        vendor=vendor,
        kind=kind,
        file=file,
        content_type=actual,
        size=size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="vendor.document_uploaded",
        instance=vendor,
        before=None,
        after={"document": document.pk, "kind": kind, "content_type": actual, "size": size},
    )
    return document


# --- review ----------------------------------------------------------------------------------


def _invalid_status(vendor: Vendor, message: str) -> ValidationError:
    return _error(
        "id",
        message + " " + _("当前状态：%(status)s。") % {"status": vendor.get_status_display()},
        Code.INVALID_STATUS,
    )


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("请填写原因。"), Code.REQUIRED)
    if len(reason) > 1000:
        raise _error("reason", _("原因不能超过 1000 字。"), Code.INVALID)
    return reason


def _commission_rate(value) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise _error(
            "commission_rate", _("佣金比例应为 0 到 1 之间的小数。"), Code.INVALID_COMMISSION_RATE
        ) from error
    if not rate.is_finite() or rate < 0 or rate >= 1 or rate != rate.quantize(Decimal("0.0001")):
        raise _error(
            "commission_rate",
            _("佣金比例应为 0 到 1 之间、最多 4 位小数（0.0500 表示 5%）。"),
            Code.INVALID_COMMISSION_RATE,
        )
    return rate.quantize(Decimal("0.0001"))


# decision → (from status, to status, why another status is refused)
TRANSITIONS = {
    "approved": (VendorStatus.APPLIED, VendorStatus.ACTIVE, _lazy("只有待审核的申请可以通过。")),
    "rejected": (VendorStatus.APPLIED, VendorStatus.REJECTED, _lazy("只有待审核的申请可以驳回。")),
    "suspended": (VendorStatus.ACTIVE, VendorStatus.SUSPENDED, _lazy("只有已入驻的商家可以暂停。")),
    "reactivated": (
        VendorStatus.SUSPENDED,
        VendorStatus.ACTIVE,
        _lazy("只有已暂停的商家可以恢复。"),
    ),
}


def _transition(
    *, vendor: Vendor, actor, decision: str, changes: dict[str, Any], check=None
) -> Vendor:
    """Move the vendor along one edge of the status machine, audited, owners told by SMS.
    `check(vendor)` raises when the edge's other preconditions do not hold."""
    _require_manager(actor)
    source, target, refusal = TRANSITIONS[decision]
    locked = _locked(vendor)
    if locked.status != source:
        raise _invalid_status(locked, str(refusal))
    if check is not None:
        check(locked)
    before = snapshot(locked)
    locked.status = target.value  # a plain string, as a row read back holds
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    audit.record(
        actor=actor,
        action=f"vendor.{decision}",
        instance=locked,
        before=before,
        after=snapshot(locked),
    )
    notifications.queue_decision(locked, decision)
    return locked


def _require_documents(vendor: Vendor) -> None:
    """Scans the reviewer must have seen: the business licence (not needed for an individual
    online seller, who may have none) and the SC licence of a food processor."""
    kinds = set(vendor.documents.values_list("kind", flat=True))
    needed = []
    if vendor.kind != VendorKind.INDIVIDUAL:
        needed.append(VendorDocumentKind.BUSINESS_LICENCE)
    if vendor.sc_licence_number:
        needed.append(VendorDocumentKind.SC_LICENCE)
    missing = [kind for kind in needed if kind not in kinds]
    if missing:
        raise _error(
            "id",
            _("缺少入驻材料：%(kinds)s。")
            % {"kinds": "、".join(str(VendorDocumentKind(kind).label) for kind in missing)},
            Code.MISSING_DOCUMENTS,
        )


@transaction.atomic
def approve(*, vendor: Vendor, actor, commission_rate=None) -> Vendor:
    """APPLIED → ACTIVE; the vendor may list products. The commission rate may be set (or 0
    for a cooperative of a weak village)."""
    changes: dict[str, Any] = {
        "reviewed_by": actor,
        "reviewed_at": timezone.now(),
        "rejection_reason": "",
    }
    if commission_rate is not None:
        changes["commission_rate"] = _commission_rate(commission_rate)
    return _transition(
        vendor=vendor, actor=actor, decision="approved", changes=changes, check=_require_documents
    )


@transaction.atomic
def reject(*, vendor: Vendor, actor, reason: str) -> Vendor:
    """APPLIED → REJECTED with the reason the applicant reads; they may correct and resubmit."""
    reason = _required_reason(reason)
    changes = {"rejection_reason": reason, "reviewed_by": actor, "reviewed_at": timezone.now()}
    return _transition(vendor=vendor, actor=actor, decision="rejected", changes=changes)


@transaction.atomic
def suspend(*, vendor: Vendor, actor, reason: str) -> Vendor:
    """ACTIVE → SUSPENDED: every listing of the vendor disappears from the storefront."""
    reason = _required_reason(reason)
    changes = {"suspension_reason": reason}
    return _transition(vendor=vendor, actor=actor, decision="suspended", changes=changes)


@transaction.atomic
def reactivate(*, vendor: Vendor, actor) -> Vendor:
    """SUSPENDED → ACTIVE: its listings are back on sale."""
    changes = {"suspension_reason": ""}
    return _transition(vendor=vendor, actor=actor, decision="reactivated", changes=changes)


# --- bank account ----------------------------------------------------------------------------


@transaction.atomic
def set_bank_account(
    *, vendor: Vendor, actor, bank_name: str, account_name: str, account_number: str
) -> Vendor:
    """The settlement account; only the vendor's owner sets it. The number is stored encrypted
    and shown masked ("**** 0123")."""
    member = scoping.membership(actor)
    if member is None or member.vendor_id != vendor.pk:
        raise _not_found()
    if member.role != VendorRole.OWNER:
        raise _error(None, _("只有商家负责人可以修改结算账户。"), Code.OWNER_REQUIRED)
    bank = _bank(
        {
            "bank_name": bank_name,
            "bank_account_name": account_name,
            "bank_account_number": account_number,
        }
    )
    if bank is None:
        raise _error("bank_account_number", _("请填写结算账户。"), Code.REQUIRED)
    locked = _locked(vendor)
    before = snapshot(locked)
    _store_bank(locked, bank)
    locked.save()
    audit.record(
        actor=actor,
        action="vendor.bank_account_changed",
        instance=locked,
        before={k: before[k] for k in ("bank_name", "bank_account_name", "bank_account_masked")},
        after={
            "bank_name": locked.bank_name,
            "bank_account_name": locked.bank_account_name,
            "bank_account_masked": locked.bank_account_masked,
        },
    )
    return locked


# --- staff -----------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _create_invitation(
    *, vendor: Vendor, actor, phone: str, role: str
) -> tuple[VendorInvitation, str]:
    now = timezone.now()
    # A new invitation to the same number replaces any open one.
    VendorInvitation.objects.filter(
        vendor=vendor, phone=phone, accepted_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    token = secrets.token_urlsafe(16)
    invitation = VendorInvitation.objects.create(
        vendor=vendor,
        phone=phone,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=now + timedelta(days=settings.VENDOR_INVITATION_DAYS),
    )
    audit.record(
        actor=actor,
        action="vendor.staff_invited",
        instance=vendor,
        before=None,
        after={"invitation": invitation.pk, "phone": phone, "role": role},
    )
    notifications.queue_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def invite_staff(
    *, vendor: Vendor, actor, phone: str, role: str = VendorRole.STAFF
) -> tuple[VendorInvitation, str]:
    """Invite a phone number to the vendor's staff; returns the invitation and the token that
    went out by SMS (only its SHA-256 is stored)."""
    _require_member(vendor, actor, owner=True)
    role = getattr(role, "value", role)
    if role not in VendorRole.values:
        raise _error("role", _("未知的角色。"), Code.INVALID)
    normalised = normalize_phone(phone or "")
    if normalised is None:
        raise _error("phone", _("请填写正确的手机号。"), Code.INVALID_PHONE)
    if VendorStaff.objects.filter(vendor=vendor, user__phone=normalised).exists():
        raise _error("phone", _("该手机号的用户已是本商家员工。"), Code.ALREADY_VENDOR_STAFF)
    return _create_invitation(vendor=vendor, actor=actor, phone=normalised, role=role)


@transaction.atomic
def accept_invitation(*, user, token: str) -> VendorStaff:
    """The signed-in user whose phone received the invitation joins the vendor."""
    if not getattr(user, "is_authenticated", False):
        raise _error(None, _("请先登录。"), Code.PERMISSION_DENIED)
    invitation = (
        VendorInvitation.objects.select_for_update()
        .select_related("vendor")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise _error("token", _("邀请无效。"), Code.INVITATION_INVALID)
    if invitation.accepted_at is not None:
        raise _error("token", _("该邀请已被接受。"), Code.INVITATION_USED)
    if invitation.expires_at <= timezone.now():
        raise _error("token", _("邀请已过期，请联系商家负责人重新邀请。"), Code.INVITATION_EXPIRED)
    if not user.phone or user.phone != invitation.phone:
        raise _error(
            "token", _("邀请是发给另一个手机号的，请用收到短信的手机号登录。"), Code.PHONE_MISMATCH
        )
    if VendorStaff.objects.filter(user=user).exists():
        raise _error(
            "token", _("您已是商家的员工，不能再加入其他商家。"), Code.ALREADY_VENDOR_STAFF
        )
    staff = VendorStaff.objects.create(vendor=invitation.vendor, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=user,
        action="vendor.staff_joined",
        instance=invitation.vendor,
        before=None,
        after={"user": user.pk, "role": staff.role, "invitation": invitation.pk},
    )
    scoping.forget_membership(user)
    return staff


@transaction.atomic
def remove_staff(*, vendor: Vendor, actor, user) -> None:
    """Take a user off the vendor's staff; the last owner stays."""
    _require_member(vendor, actor, owner=True)
    staff = VendorStaff.objects.select_for_update().filter(vendor=vendor, user=user).first()
    if staff is None:
        raise _error("user", _("该用户不是本商家员工。"), Code.NOT_FOUND)
    if staff.role == VendorRole.OWNER:
        owners = VendorStaff.objects.select_for_update().filter(
            vendor=vendor, role=VendorRole.OWNER
        )
        if owners.count() <= 1:
            raise _error("user", _("不能移除唯一的负责人。"), Code.LAST_OWNER)
    staff.delete()
    audit.record(
        actor=actor,
        action="vendor.staff_removed",
        instance=vendor,
        before={"user": user.pk, "role": staff.role},
        after=None,
    )
    scoping.forget_membership(user)
