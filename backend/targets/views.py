"""The county office's dashboard (/county/targets/) and the public transparency page.

Staff pages need is_staff and targets.view_dashboard (checked here and in the GraphQL
resolver, not by hiding links): anyone else signed in gets 403, an anonymous visitor the
sign-in page. Every page reads the pre-aggregated months, so it costs the same whatever the
number of orders; a bad month is a 400 page naming the problem, never a 500."""

from __future__ import annotations

import datetime as dt
import re
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from backend.brand.models import PublicBrand
from backend.storefront.security import with_csp
from backend.targets import chart, drilldown, exports, months, services
from backend.targets.definitions import CODES, Status, plan
from backend.targets.models import LeadingEnterprise
from backend.targets.selectors import can_view_dashboard, figure, figures
from backend.vendors.models import Vendor, VendorStatus

PAGE_SIZE = 25
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PUBLIC_CACHE_SECONDS = 600
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def county_page(method: str = "GET"):
    """A county office page: the storefront's CSP, one HTTP method, is_staff with
    targets.view_dashboard (anonymous visitors go to sign in, anyone else gets 403) and the
    month of ?month=YYYY-MM (default this month) passed as `month`; a bad month is a 400 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url="/dashboard/login/")
            if not can_view_dashboard(request.user):
                raise PermissionDenied
            try:
                month = months.parse_month(request.GET.get("month"))
            except months.BadMonth:
                return _bad_month(request, _("月份格式应为 YYYY-MM，且不能晚于本月。"))
            return view(request, *args, month=month, **kwargs)

        return with_csp(require_http_methods([method])(wrapped))

    return decorator


def _bad_month(request, error: str) -> HttpResponse:
    return render(
        request,
        "targets/bad_month.html",
        {"title": _("规划目标看板"), "error": error},
        status=400,
    )


def _county() -> str:
    brand = PublicBrand.objects.filter(is_active=True).only("county_name").first()
    return brand.county_name if brand else ""


@county_page()
def summary(request, month: dt.date):
    shown = figures(month)
    rows = [(f, chart.sparkline(f.series, f.target.target)) for f in shown]
    return render(
        request,
        "targets/summary.html",
        {
            "title": _("规划目标看板"),
            "county": _county(),
            "month": months.label(month),
            "rows": rows,
            "any_demo": any(f.is_demo or any(p.is_demo for p in f.series) for f in shown),
        },
    )


def _designation_context(request, code: str) -> dict:
    if code != "leading_enterprises" or not services.can_designate(request.user):
        return {}
    designated = set(LeadingEnterprise.objects.values_list("vendor_id", flat=True))
    vendors = list(
        Vendor.objects.filter(status=VendorStatus.ACTIVE).order_by("name").values_list("pk", "name")
    )
    return {
        "can_designate": True,
        "candidates": [(pk, name) for pk, name in vendors if pk not in designated],
        "designated": [(pk, name) for pk, name in vendors if pk in designated],
        "today": months.zone_today().isoformat(),
    }


@county_page()
def target_page(request, code: str, month: dt.date):
    return _target_page(request, code, month)


def _target_page(
    request, code: str, month: dt.date, *, errors: dict | None = None, status: int = 200
):
    if code not in CODES:
        raise Http404
    shown = figure(code, month)
    if shown is None:
        raise Http404
    table = drilldown.table(code, month)
    page: Any = Paginator(table.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "targets/target.html",
        {
            "title": shown.target.title,
            "figure": shown,
            "month": months.label(month),
            "chart": chart.chart(
                shown.series, shown.target.target, title=shown.target.title, unit=shown.target.unit
            ),
            "columns": table.columns,
            "rows": table.rendered(page.object_list),
            "page": page,
            "any_demo": any(p.is_demo for p in shown.series),
            "errors": errors or {},
            **_designation_context(request, code),
        },
        status=status,
    )


@county_page(method="POST")
def designation(request, month: dt.date):
    """Designate a leading enterprise or revoke a designation (targets.designate_enterprises);
    a refused change shows the page again with the field's message and a 400."""
    try:
        if request.POST.get("action") == "revoke":
            services.revoke_leading_enterprise(
                actor=request.user, vendor_id=_int(request.POST.get("vendor"))
            )
        else:
            services.designate_leading_enterprise(
                actor=request.user,
                vendor_id=_int(request.POST.get("vendor")),
                designated_on=_date(request.POST.get("designated_on") or ""),
                note=request.POST.get("note", ""),
            )
    except ValidationError as problem:
        return _target_page(
            request, "leading_enterprises", month, errors=problem.message_dict, status=400
        )
    return redirect("targets-target", code="leading_enterprises")


def _date(text: str) -> dt.date | None:
    if not DATE.match(text):
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _download(content: bytes, *, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES.get(fmt, "application/pdf"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@county_page()
def target_export(request, code: str, fmt: str, month: dt.date):
    if code not in CODES or fmt not in CONTENT_TYPES:
        raise Http404
    table = drilldown.table(code, month)
    content = (
        exports.table_csv(table)
        if fmt == "csv"
        else exports.table_xlsx(table, title=plan().get(code).title)  # type: ignore[union-attr]
    )
    return _download(content, name=f"target-{code}-{months.label(month)}", fmt=fmt)


@county_page()
def report_export(request, fmt: str, month: dt.date):
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = (
        exports.monthly_report_csv(month) if fmt == "csv" else exports.monthly_report_xlsx(month)
    )
    return _download(content, name=f"targets-monthly-{months.label(month)}", fmt=fmt)


@county_page()
def summary_pdf(request, month: dt.date):
    content = exports.summary_pdf(figures(month), county=_county(), month=month)
    return _download(content, name=f"targets-summary-{months.label(month)}", fmt="pdf")


def public_figures() -> dict:
    """Headline figures for everyone: totals and shares only, no person and no household.
    Cached for ten minutes per language; the months behind them change at most every refresh."""
    key = f"targets:public:{get_language()}"
    found = cache.get(key)
    if found is None:
        month = months.current_month()
        found = {
            "month": months.label(month),
            "figures": [
                {
                    "number": f.target.number,
                    "title": f.target.title,
                    "unit": f.target.unit,
                    "value": f.value,
                    "target": f.target.target,
                    "secondary": (
                        (f.target.secondary.title, f.secondary_value, f.target.secondary.unit)
                        if f.target.secondary
                        else None
                    ),
                    "met": f.status == Status.MET,
                    "status": f.status_label,
                    "is_demo": f.is_demo,
                }
                for f in figures(month, series_months=1)
            ],
            "county": _county(),
        }
        cache.set(key, found, PUBLIC_CACHE_SECONDS)
    return found


@with_csp
@require_GET
def transparency(request):
    from backend.storefront.pages import page_links

    found = public_figures()
    return render(
        request,
        "targets/transparency.html",
        {
            **found,
            "title": _("本县电商进展公示"),
            "brand": PublicBrand.objects.filter(is_active=True).first(),
            "page_links": page_links(),
            "any_demo": any(f["is_demo"] for f in found["figures"]),
        },
    )


county_urls = [
    path("", summary, name="targets-summary"),
    path("summary.pdf", summary_pdf, name="targets-summary-pdf"),
    path("report.<str:fmt>", report_export, name="targets-report"),
    path("leading_enterprises/designation/", designation, name="targets-designation"),
    path("<str:code>/", target_page, name="targets-target"),
    path("<str:code>/export.<str:fmt>", target_export, name="targets-export"),
]
public_urls = [path("transparency/", transparency, name="targets-transparency")]
