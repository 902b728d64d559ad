"""Training pages (/training/): the sign-in page behind a session's QR code (扫码签到), the
attendee's own records and certificates (培训结业证明), and the county staff's session pages
(the QR to print or project, the masked attendee list, the XLSX import and its template).

Thin: sign-in goes through backend.training.attendance, the import through
backend.training.imports; both check who is asking.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from backend.stations.models import Station
from backend.storefront import selectors as storefront_selectors
from backend.storefront.security import with_csp
from backend.training import attendance as attendance_service
from backend.training import imports, jobs
from backend.training.access import (
    employer_station_ids,
    employer_vendor_id,
    is_training_staff,
    visible_attendances,
    visible_jobs,
)
from backend.training.models import Attendance, Attendee, TrainingSession
from backend.vendors.models import Vendor

LOGIN_URL = reverse_lazy("storefront:login")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(**extra) -> dict:
    site = storefront_selectors.current_site()
    return {"brand": site.brand, "channel": site.channel, "robots": "noindex", **extra}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for errors in error.message_dict.values() for m in errors]
    return list(error.messages)


@never_cache
@require_http_methods(["GET", "POST"])
@with_csp
def attend(request, token: str):
    """The page a phone opens from the QR: sign in once; reopening it shows the same record."""
    try:
        session = attendance_service.session_for_token(token)
    except ValidationError:
        raise Http404(_("签到二维码无效或已更换。")) from None
    user = request.user
    if request.method == "POST" and not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), str(LOGIN_URL))
    record = None
    errors: list[str] = []
    created = False
    if request.method == "POST":
        try:
            record, created = attendance_service.attend_by_qr(
                token=token, user=user, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            errors = _messages(error)
    elif user.is_authenticated:
        record = Attendance.objects.filter(session=session, attendee__user=user).first()
    needs_name = (
        user.is_authenticated
        and record is None
        and not Attendee.objects.filter(user=user).exists()
        and not user.get_full_name().strip()
    )
    context = _context(
        title=_("扫码签到"),
        session=session,
        record=record,
        created=created,
        errors=errors,
        needs_name=needs_name,
        is_open=attendance_service.is_open(session),
        login_url=f"{LOGIN_URL}?next={request.path}",
    )
    return render(request, "training/attend.html", context, status=400 if errors else 200)


@never_cache
@require_GET
@login_required(login_url=LOGIN_URL)
@with_csp
def my_training(request):
    records = (
        visible_attendances(request.user)
        .filter(attendee__user=request.user)
        .select_related("session__course")
        .order_by("-session_starts_at")
    )
    return render(request, "training/mine.html", _context(title=_("我的培训"), records=records))


@never_cache
@require_GET
@with_csp
def certificate(request, token: str):
    """培训结业证明: the link itself is the key (32 random bytes, sent to the attendee); it
    shows the masked phone only, and nothing of other attendees."""
    record = get_object_or_404(
        Attendance.objects.select_related("session__course", "session__town", "attendee"),
        certificate_token=token,
    )
    return render(
        request,
        "training/certificate.html",
        _context(title=_("培训结业证明"), record=record, session=record.session),
    )


def _staff_session(request, pk: int) -> TrainingSession:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not is_training_staff(request.user):
        raise PermissionDenied
    return get_object_or_404(TrainingSession.objects.select_related("course", "town"), pk=pk)


@never_cache
@require_GET
@with_csp
def session_qr(request, pk: int):
    """The QR page to print or project at the session (staff only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/dashboard/login/")
    session = _staff_session(request, pk)
    svg = attendance_service.qr_svg(session, base_url=request.build_absolute_uri("/"))
    return render(
        request,
        "training/session_qr.html",
        _context(
            title=_("签到二维码"),
            session=session,
            qr_svg=svg,
            attend_url=request.build_absolute_uri(attendance_service.attend_url(session)),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@with_csp
def session_attendees(request, pk: int):
    """The masked attendee list of a session and the XLSX import (staff only)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "/dashboard/login/")
    session = _staff_session(request, pk)
    result = None
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择要上传的 .xlsx 文件。")]
        else:
            try:
                result = imports.import_attendance(actor=request.user, session=session, file=upload)
            except ValidationError as error:
                errors = _messages(error)
    records = session.attendances.select_related("attendee", "attendee__household").order_by("pk")
    failed = bool(errors or (result and result.errors))
    return render(
        request,
        "training/session_attendees.html",
        _context(
            title=_("签到名单"),
            session=session,
            records=records,
            result=result,
            errors=errors,
        ),
        status=400 if failed else 200,
    )


@require_GET
def import_template(request):
    if not is_training_staff(request.user):
        raise PermissionDenied
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="training-attendance-template.xlsx"'
    return response


def _employers(user) -> list[tuple[str, str]]:
    """(value, label) of the employers the user may report for: their vendor, their stations."""
    choices = []
    vendor_id = employer_vendor_id(user)
    if vendor_id is not None:
        vendor = Vendor.objects.get(pk=vendor_id)
        choices.append((f"vendor:{vendor.pk}", vendor.name))
    for station in Station.objects.filter(pk__in=employer_station_ids(user)).order_by("name"):
        choices.append((f"station:{station.pk}", station.name))
    return choices


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@never_cache
@require_http_methods(["GET", "POST"])
@login_required(login_url=LOGIN_URL)
@with_csp
def employer_jobs(request):
    """A vendor's staff or a station's operators: report a job (就业岗位) for their own employer
    and follow its review. The service checks the employer again on every report."""
    employers = _employers(request.user)
    if not employers:
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        kind, _sep, pk = request.POST.get("employer", "").partition(":")
        allowed = dict(employers)
        start_date = _parse_date(request.POST.get("start_date", ""))
        if request.POST.get("employer", "") not in allowed:
            errors = [_("请选择一个用工单位（商家或站点）。")]
        elif start_date is None:
            errors = [_("请填写上岗日期。")]
        else:
            try:
                jobs.report_job(
                    user=request.user,
                    vendor=Vendor.objects.get(pk=pk) if kind == "vendor" else None,
                    station=Station.objects.get(pk=pk) if kind == "station" else None,
                    position=request.POST.get("position", ""),
                    start_date=start_date,
                    worker_name=request.POST.get("worker_name", ""),
                    household_reference=request.POST.get("household_reference", ""),
                    household_consent=request.POST.get("household_consent") == "on",
                )
            except ValidationError as error:
                errors = _messages(error)
            else:
                return redirect("training:employer-jobs")
    rows = visible_jobs(request.user).select_related("vendor", "station")[:100]
    return render(
        request,
        "training/employer_jobs.html",
        _context(title=_("上报就业岗位"), employers=employers, rows=rows, errors=errors),
        status=400 if errors else 200,
    )
