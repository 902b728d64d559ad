"""Brand licences (授权使用): requests by vendors, decisions by brand managers, expiry.

Every function runs in one transaction, writes a LicenceEvent and an audit entry, and tells
the vendor's owners by SMS after the commit (backend/brand/notifications.py). Saving a licence
bumps the catalog version (the brand app is watched by backend/catalog/cache.py), so cached
pages lose or gain the badge on the next request; a window that simply runs out is handled by
the selectors, which check the validity window and not only the status.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.brand import notifications
from backend.brand.error_codes import BrandErrorCode as Code
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus, PublicBrand
from backend.catalog.models import Product
from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.listings.models import CertificateStatus
from backend.listings.services import missing_documents, product_badges
from backend.vendors import scoping

# Statuses from which a licence can still show the badge again: one such licence per product.
OPEN_STATUSES = (LicenceStatus.REQUESTED, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
MAX_REASON_LENGTH = 1000


def _error(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def can_manage_brand(user) -> bool:
    """Brand managers: staff holding `brand.manage_brand` (the 品牌管理员 group)."""
    return bool(getattr(user, "is_staff", False)) and has_permissions(
        user, [Permission.MANAGE_BRAND]
    )


def _require_brand_manager(actor) -> None:
    if not can_manage_brand(actor):
        raise _error(None, _("只有品牌管理员可以处理品牌授权。"), Code.PERMISSION_DENIED)


def _reason(reason: Any, *, required: bool) -> str:
    if reason is not None and not isinstance(reason, str):
        raise _error("reason", _("格式不正确。"), Code.INVALID)
    text = (reason or "").strip()
    if "\x00" in text:
        raise _error("reason", _("不能包含空字符（\\x00）。"), Code.INVALID)
    if required and not text:
        raise _error("reason", _("请填写原因，商家会在短信中看到。"), Code.REQUIRED)
    if len(text) > MAX_REASON_LENGTH:
        raise _error("reason", _("原因不能超过 1000 个字。"), Code.INVALID)
    return text


def certificate_problems(product: Product) -> list[str]:
    """Why the product's certificates do not allow a licence (empty: they do).

    A licensed product must have at least one valid certificate on file, every document its
    product type requires (backend/listings/services.py: REQUIRED_DOCUMENTS) and a valid
    certificate behind each certification badge it shows (e.g. 地理标志)."""
    today = timezone.localdate()
    problems = [
        str(message)
        for error in missing_documents(product, product_badges(product))
        for message in error.messages
    ]
    valid = [
        certificate
        for certificate in product.certificates.all()
        if certificate.status == CertificateStatus.VALID
        and (certificate.expires_on is None or certificate.expires_on >= today)
    ]
    if not valid:
        problems.insert(0, _("该商品没有有效期内的证书（检验报告、许可证或认证）。"))
    return problems


def _check_certificates(product: Product) -> None:
    problems = certificate_problems(product)
    if problems:
        raise _error(
            "product",
            _("商品证书不齐全或已过期，不能授权：%(problems)s") % {"problems": "；".join(problems)},
            Code.CERTIFICATE_INVALID,
        )


def _licence_prefix() -> str:
    brand = PublicBrand.objects.filter(is_active=True).order_by("pk").first()
    return brand.licence_prefix if brand is not None and brand.licence_prefix else "BRAND"


def _next_number(now: datetime.datetime) -> str:
    """<prefix>-<year in Asia/Shanghai>-<serial>, e.g. YSYS-2026-0001, serial per year.

    A transaction-scoped advisory lock serialises numbering, so two requests at the same moment
    never take the same number."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('brand-licence-number'))")
    head = f"{_licence_prefix()}-{timezone.localtime(now).year}-"
    numbers = BrandLicence.objects.filter(number__startswith=head).values_list("number", flat=True)
    serial = max((int(n[len(head) :]) for n in numbers if n[len(head) :].isdigit()), default=0)
    return f"{head}{serial + 1:04d}"


def _snapshot(licence: BrandLicence) -> dict[str, Any]:
    return {
        "status": licence.status,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "reason": licence.reason,
    }


def _record(licence: BrandLicence, *, actor, action: str, before, reason: str = "") -> None:
    LicenceEvent.objects.create(
        licence=licence,
        action=action,
        status=licence.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    audit.record(
        actor=actor,
        action=f"brand_licence.{action}",
        instance=licence,
        before=before,
        after=_snapshot(licence),
    )


def _locked(licence: BrandLicence) -> BrandLicence:
    return (
        BrandLicence.objects.select_for_update(of=("self",))
        .select_related("product", "vendor")
        .get(pk=licence.pk)
    )


def _create(*, product: Product, actor, status: str, **fields: Any) -> BrandLicence:
    if product.vendor_id is None:
        raise _error(
            "product", _("平台自营商品没有商家，不能申请品牌授权。"), Code.PRODUCT_WITHOUT_VENDOR
        )
    if BrandLicence.objects.filter(product=product, status__in=OPEN_STATUSES).exists():
        raise _error("product", _("该商品已有待审核或有效的品牌授权。"), Code.LICENCE_EXISTS)
    now = timezone.now()
    try:
        with transaction.atomic():
            return BrandLicence.objects.create(
                number=_next_number(now),
                product=product,
                vendor_id=product.vendor_id,
                status=status,
                **fields,
            )
    except IntegrityError as error:  # a parallel request for the same product won
        raise _error(
            "product", _("该商品已有待审核或有效的品牌授权。"), Code.LICENCE_EXISTS
        ) from error


# Vendor side ----------------------------------------------------------------------------------


@transaction.atomic
def request_licence(*, actor, product: Product) -> BrandLicence:
    """The product's vendor staff ask for the brand licence; a brand manager decides."""
    vendor = scoping.require_vendor(actor)
    if product.vendor_id != vendor.pk:
        # Another vendor's product is reported as not found (backend/vendors/scoping.py).
        raise _error("product", _("没有找到这个商品。"), Code.NOT_FOUND)
    licence = _create(
        product=product, actor=actor, status=LicenceStatus.REQUESTED, requested_by=actor
    )
    _record(licence, actor=actor, action="requested", before=None)
    return licence


# Brand managers -------------------------------------------------------------------------------


def _window(valid_from, valid_until, now) -> tuple[datetime.datetime, datetime.datetime]:
    start = valid_from or now
    if valid_until is None:
        raise _error("valid_until", _("请填写授权到期时间。"), Code.REQUIRED)
    for field, value in (("valid_from", start), ("valid_until", valid_until)):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            raise _error(field, _("请填写带时区的时间。"), Code.INVALID)
    if valid_until <= start:
        raise _error("valid_until", _("到期时间必须晚于生效时间。"), Code.INVALID_PERIOD)
    if valid_until <= now:
        raise _error("valid_until", _("到期时间已经过去。"), Code.INVALID_PERIOD)
    return start, valid_until


@transaction.atomic
def grant_licence(
    *,
    actor,
    licence: BrandLicence | None = None,
    product: Product | None = None,
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
    reason: str = "",
) -> BrandLicence:
    """Grant a requested licence, or license a product directly (no request needed), for
    [valid_from, valid_until). Only while the product's certificates are valid."""
    _require_brand_manager(actor)
    now = timezone.now()
    start, end = _window(valid_from, valid_until, now)
    text = _reason(reason, required=False)
    if licence is None:
        if product is None:
            raise _error("product", _("请选择商品或授权申请。"), Code.REQUIRED)
        licence = BrandLicence.objects.filter(
            product=product, status=LicenceStatus.REQUESTED
        ).first()
    if licence is not None:
        licence = _locked(licence)
        if licence.status != LicenceStatus.REQUESTED:
            raise _error(
                "licence",
                _("只能批准待审核的申请（当前状态：%(status)s）。")
                % {"status": licence.get_status_display()},
                Code.INVALID_STATUS,
            )
        _check_certificates(licence.product)
        before = _snapshot(licence)
        licence.status = LicenceStatus.ACTIVE
        licence.valid_from, licence.valid_until = start, end
        licence.decided_by, licence.decided_at, licence.reason = actor, now, text
        licence.save()
    else:
        assert product is not None
        _check_certificates(product)
        before = None
        licence = _create(
            product=product,
            actor=actor,
            status=LicenceStatus.ACTIVE,
            valid_from=start,
            valid_until=end,
            decided_by=actor,
            decided_at=now,
            reason=text,
        )
    _record(licence, actor=actor, action="granted", before=before, reason=text)
    notifications.queue_status_change(licence)
    return licence


def _transition(
    *,
    actor,
    licence: BrandLicence,
    allowed: tuple[str, ...],
    status: str,
    action: str,
    reason: Any,
    reason_required: bool = True,
    check_certificates: bool = False,
    also_by: tuple[Permission, ...] = (),
) -> BrandLicence:
    if not (
        also_by and getattr(actor, "is_staff", False) and has_permissions(actor, list(also_by))
    ):
        _require_brand_manager(actor)
    text = _reason(reason, required=reason_required)
    locked = _locked(licence)
    now = timezone.now()
    if locked.status not in allowed:
        raise _error(
            "licence",
            _("当前状态（%(status)s）下不能这样操作。") % {"status": locked.get_status_display()},
            Code.INVALID_STATUS,
        )
    if status == LicenceStatus.ACTIVE and locked.valid_until and locked.valid_until <= now:
        raise _error("licence", _("授权已过有效期，请重新授权。"), Code.INVALID_STATUS)
    if check_certificates:
        _check_certificates(locked.product)
    before = _snapshot(locked)
    locked.status = status
    locked.decided_by, locked.decided_at, locked.reason = actor, now, text
    locked.save()
    _record(locked, actor=actor, action=action, before=before, reason=text)
    notifications.queue_status_change(locked)
    return locked


@transaction.atomic
def suspend_licence(*, actor, licence: BrandLicence, reason: str) -> BrandLicence:
    """Take the badge off for now (e.g. a failed spot check); reinstate_licence undoes it.
    Inspectors (trace.manage_traceability) may suspend too: a failed spot check suspends the
    licence at once (issue #14); only brand managers reinstate it."""
    return _transition(
        actor=actor,
        licence=licence,
        allowed=(LicenceStatus.ACTIVE,),
        status=LicenceStatus.SUSPENDED,
        action="suspended",
        reason=reason,
        also_by=(Permission.MANAGE_TRACEABILITY,),
    )


@transaction.atomic
def reinstate_licence(*, actor, licence: BrandLicence, reason: str = "") -> BrandLicence:
    """A suspended licence is active again, within its window, if the certificates still are."""
    return _transition(
        actor=actor,
        licence=licence,
        allowed=(LicenceStatus.SUSPENDED,),
        status=LicenceStatus.ACTIVE,
        action="reinstated",
        reason=reason,
        reason_required=False,
        check_certificates=True,
    )


@transaction.atomic
def revoke_licence(*, actor, licence: BrandLicence, reason: str) -> BrandLicence:
    """End the licence for good; the vendor may request a new one later."""
    return _transition(
        actor=actor,
        licence=licence,
        allowed=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED),
        status=LicenceStatus.REVOKED,
        action="revoked",
        reason=reason,
    )


@transaction.atomic
def reject_licence(*, actor, licence: BrandLicence, reason: str) -> BrandLicence:
    """Turn a request down, with the reason the vendor will read."""
    return _transition(
        actor=actor,
        licence=licence,
        allowed=(LicenceStatus.REQUESTED,),
        status=LicenceStatus.REJECTED,
        action="rejected",
        reason=reason,
    )


# Expiry (beat task) ---------------------------------------------------------------------------


@transaction.atomic
def expire_licence(licence: BrandLicence, *, at: datetime.datetime) -> bool:
    """Mark a licence whose window ended by `at` EXPIRED and tell the vendor. The badge was
    already gone at valid_until (the selectors check the window); this records it. False when
    it was no longer due (a rerun, or a decision in between)."""
    locked = _locked(licence)
    if (
        locked.status not in (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
        or locked.valid_until is None
        or locked.valid_until > at
    ):
        return False
    before = _snapshot(locked)
    locked.status = LicenceStatus.EXPIRED
    locked.save(update_fields=["status", "updated_at"])
    _record(locked, actor=None, action="expired", before=before)
    notifications.queue_status_change(locked)
    return True
