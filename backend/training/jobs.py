"""Jobs created (就业岗位, county plan target 6): reported by the employer, confirmed by the county.

A vendor's staff report for their vendor, a station's operators for their station, and nobody
for another employer. A job counts in the figures only once county staff confirm it; confirming
and rejecting leave audit entries. A low-income household is linked only with its consent
(county plan: personal data minimal), and the worker's name is kept only masked.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.poverty.models import Household
from backend.stations.models import Station
from backend.training.access import employer_station_ids, employer_vendor_id, is_training_staff
from backend.training.attendance import mask_name
from backend.training.error_codes import TrainingErrorCode as Code
from backend.training.models import Job, JobStatus
from backend.vendors.models import Vendor

# A report may name a start up to a year back (the plan reports yearly) and a month ahead.
MAX_DAYS_BACK = 366
MAX_DAYS_AHEAD = 31


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _snapshot(job: Job) -> dict:
    return {
        "status": job.status,
        "position": job.position,
        "start_date": job.start_date,
        "household_id": job.household_id,
        "reason": job.reason,
    }


def report_job(
    *,
    user,
    position: str,
    start_date: dt.date,
    vendor: Vendor | None = None,
    station: Station | None = None,
    worker_name: str = "",
    household_reference: str = "",
    household_consent: bool = False,
) -> Job:
    if (vendor is None) == (station is None):
        raise _error("employer", _("请选择一个用工单位（商家或站点）。"), Code.REQUIRED)
    if vendor is not None and vendor.pk != employer_vendor_id(user):
        raise _error("vendor", _("只能为本商家上报岗位。"), Code.NOT_EMPLOYER)
    if station is not None and station.pk not in employer_station_ids(user):
        raise _error("station", _("只能为本站点上报岗位。"), Code.NOT_EMPLOYER)
    position = (position or "").strip()
    if not position:
        raise _error("position", _("请填写岗位名称。"), Code.REQUIRED)
    if len(position) > 80:
        raise _error("position", _("岗位名称太长。"), Code.INVALID)
    today = timezone.localdate()
    if not (
        today - dt.timedelta(days=MAX_DAYS_BACK)
        <= start_date
        <= today + dt.timedelta(days=MAX_DAYS_AHEAD)
    ):
        raise _error("start_date", _("上岗日期应在一年内，且不晚于一个月后。"), Code.INVALID)
    worker_name = (worker_name or "").strip()
    if len(worker_name) > 64:
        raise _error("worker_name", _("姓名太长。"), Code.INVALID)
    household = None
    reference = (household_reference or "").strip()
    if reference:
        if not household_consent:
            raise _error(
                "household_consent",
                _("关联低收入户须先取得该户同意。"),
                Code.CONSENT_REQUIRED,
            )
        household = Household.objects.filter(reference_number=reference, is_active=True).first()
        if household is None:
            raise _error("household_reference", _("登记册中没有这个户编号。"), Code.NOT_FOUND)
    with transaction.atomic():
        job = Job.objects.create(
            vendor=vendor,
            station=station,
            position=position,
            start_date=start_date,
            worker_name_masked=mask_name(worker_name),
            household=household,
            household_consent=household is not None,
            reported_by=user,
        )
        audit.record(actor=user, action="training.job.report", instance=job, after=_snapshot(job))
    return job


def decide_job(*, user, job: Job, confirm: bool, reason: str = "") -> Job:
    """County staff confirm (counted from then on) or reject (with a reason) a reported job."""
    if not is_training_staff(user):
        raise _error("id", _("只有县级培训管理人员可以审核岗位。"), Code.PERMISSION_DENIED)
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise _error("reason", _("驳回时请写明原因。"), Code.REQUIRED)
    if len(reason) > 200:
        raise _error("reason", _("原因太长。"), Code.INVALID)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.REPORTED:
            raise _error("id", _("该岗位已审核。"), Code.INVALID_STATUS)
        before = _snapshot(job)
        job.status = JobStatus.CONFIRMED if confirm else JobStatus.REJECTED
        job.reason = "" if confirm else reason
        job.confirmed_by = user
        job.decided_at = timezone.now()
        job.save(update_fields=["status", "reason", "confirmed_by", "decided_at"])
        audit.record(
            actor=user,
            action="training.job.confirm" if confirm else "training.job.reject",
            instance=job,
            before=before,
            after=_snapshot(job),
        )
    return job
