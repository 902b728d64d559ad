"""The county's designations of leading e-commerce enterprises (county plan: 重点孵化农村电子
商务龙头企业不少于 3 家). Each change is audited and recomputes the current month's figure, so
the dashboard shows it at once."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.core import audit
from backend.targets import months
from backend.targets.aggregate import refresh_month
from backend.targets.models import LeadingEnterprise
from backend.vendors.models import Vendor, VendorStatus

DESIGNATE_PERMISSION = "targets.designate_enterprises"


def can_designate(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(DESIGNATE_PERMISSION)
    )


def _check(actor) -> None:
    if not can_designate(actor):
        raise PermissionDenied(_("只有县电商办有认定权限的工作人员可以认定龙头企业。"))


def designate_leading_enterprise(
    *, actor, vendor_id, designated_on: dt.date | None, note: str = ""
) -> LeadingEnterprise:
    _check(actor)
    vendor = Vendor.objects.filter(pk=vendor_id, status=VendorStatus.ACTIVE).first()
    if vendor is None:
        raise ValidationError({"vendor": _("请选择一家正常经营的商家。")}, code="invalid_vendor")
    if designated_on is None or designated_on > months.zone_today():
        raise ValidationError(
            {"designated_on": _("认定日期不能为空，也不能晚于今天。")}, code="invalid_date"
        )
    with transaction.atomic():
        if LeadingEnterprise.objects.select_for_update().filter(vendor=vendor).exists():
            raise ValidationError(
                {"vendor": _("该商家已认定为龙头企业。")}, code="already_designated"
            )
        designation = LeadingEnterprise.objects.create(
            vendor=vendor, designated_on=designated_on, note=note[:200], designated_by=actor
        )
        audit.record(
            actor=actor,
            action="targets.designate_leading_enterprise",
            instance=designation,
            after={"vendor": vendor.pk, "designated_on": designated_on, "note": note[:200]},
        )
    refresh_month(months.current_month(), codes=("leading_enterprises",))
    return designation


def revoke_leading_enterprise(*, actor, vendor_id) -> None:
    _check(actor)
    with transaction.atomic():
        designation = (
            LeadingEnterprise.objects.select_for_update().filter(vendor_id=vendor_id).first()
        )
        if designation is None:
            raise ValidationError(
                {"vendor": _("该商家未被认定为龙头企业。")}, code="not_designated"
            )
        audit.record(
            actor=actor,
            action="targets.revoke_leading_enterprise",
            instance=designation,
            before={"vendor": designation.vendor_id, "designated_on": designation.designated_on},
        )
        designation.delete()
    refresh_month(months.current_month(), codes=("leading_enterprises",))
