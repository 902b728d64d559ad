"""The county office's staff pages beside the dashboard: a household's full record (each view
audit-logged), the roster import (XLSX, per-row errors, nothing written on error) and the
zone's report with charts and CSV/XLSX exports. Only `poverty.manage_poverty` holders."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from backend.poverty import export, reports, services
from backend.poverty.models import Household


def poverty_staff(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.can_manage_poverty(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    # Sign-in redirects and the dashboard's session handling come from the admin site.
    return admin.site.admin_view(wrapped)


def _context(request, **values):
    return {**admin.site.each_context(request), **values}


@require_GET
def household_full(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("village__town"), pk=pk)
    full = services.reveal_household(actor=request.user, household=household)
    return render(
        request,
        "poverty/household_full.html",
        _context(request, title=_("低收入户完整信息"), full=full, household=household),
    )


@require_http_methods(["GET", "POST"])
def household_import(request):
    result = error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择 .xlsx 文件。")
        else:
            try:
                result = services.import_households(actor=request.user, file=upload)
            except ValidationError as problem:
                error = "；".join(problem.messages)
    return render(
        request,
        "poverty/import.html",
        _context(
            request,
            title=_("从花名册导入低收入户"),
            result=result,
            error=error,
            columns=list(services.IMPORT_COLUMNS),
        ),
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2015), 2100)


@require_GET
def report(request):
    year = _year(request)
    data = reports.yearly_report(year)
    months_max = max((row.sales for row in data.months), default=0) or 1
    return render(
        request,
        "poverty/report.html",
        _context(
            request,
            title=_("扶贫专区报表"),
            report=data,
            year=year,
            months_max=months_max,
            tables=["summary", "month", "village", "town", "vendor", "product"],
        ),
    )


@require_GET
def report_export(request, fmt: str):
    year = _year(request)
    data = reports.yearly_report(year)
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="poverty-zone-{year}.xlsx"'
        return response
    table = request.GET.get("table", "summary")
    if fmt != "csv" or table not in export.tables(data):
        raise Http404
    response = HttpResponse(export.to_csv(data, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poverty-zone-{year}-{table}.csv"'
    return response


urlpatterns = [
    path("household/<int:pk>/full/", poverty_staff(household_full), name="poverty-household-full"),
    path("import/", poverty_staff(household_import), name="poverty-import"),
    path("report/", poverty_staff(report), name="poverty-report"),
    path("report.<str:fmt>", poverty_staff(report_export), name="poverty-report-export"),
]
