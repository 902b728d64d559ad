"""Bulk listing import pages (/vendor/import/, issue #6): the template, the upload form with
"import valid rows", the result with the problems in a table, and the error report download.

Thin: the checking and writing are `backend.listings.imports.import_listings`. Signed-in vendor
staff only, through the workspace's own `vendor_page` (the sign-in page otherwise, and a 403
page for a user who works for no vendor). A report is looked up under the user's own vendor, so
another vendor's report is 404 whatever the URL.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from backend.account.jwt import InvalidToken, user_from_token
from backend.listings.import_jobs import start_import
from backend.listings.import_report import open_report
from backend.listings.import_table import max_bytes, max_rows
from backend.listings.import_template import template_csv, template_xlsx
from backend.listings.imports import COLUMNS
from backend.listings.models import ListingImportJob
from backend.vendordesk.views import LOGIN_URL, vendor_page
from backend.vendors.scoping import membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How many problems the result page lists; the rest are in the downloadable report.
SHOWN_PROBLEMS = 200
# How often the job page reloads itself while the job is queued or running.
JOB_REFRESH_SECONDS = 5
# The vendor's latest background imports listed on the upload page.
RECENT_JOBS = 5


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("商品表格（.xlsx 或 .csv）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,text/csv,application/vnd.ms-excel," + XLSX}
        ),
    )
    import_valid_rows = forms.BooleanField(
        label=gettext_lazy("导入有效行"),
        required=False,
        help_text=gettext_lazy("不勾选时，表格有任何错误都不会导入；勾选后只导入没有错误的行。"),
    )


@vendor_page
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, vendor) -> HttpResponse:
    result = None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            result, job = start_import(
                user=request.user,
                upload=form.cleaned_data["file"],
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if job is not None:
                return redirect("vendordesk:import-job", pk=job.pk)
            form = ImportForm()
    problems = result.problems if result else []
    return render(
        request,
        "vendordesk/import.html",
        {
            "vendor": vendor,
            "title": _("批量导入商品"),
            "form": form,
            "result": result,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(len(problems) - SHOWN_PROBLEMS, 0),
            "columns": COLUMNS,
            "max_rows": max_rows(),
            "max_megabytes": f"{max_bytes() / 1024 / 1024:g}",
            "recent_jobs": ListingImportJob.objects.filter(vendor=vendor)[:RECENT_JOBS],
        },
        status=200,
    )


@vendor_page
@require_GET
def job(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    """A background import: progress while it runs (the page reloads itself every few
    seconds, no JavaScript), then its outcome. Another vendor's job is 404."""
    found = get_object_or_404(ListingImportJob, pk=pk, vendor=vendor)
    percent = 100
    if found.total_rows and not found.is_finished:
        percent = min(100, found.processed_rows * 100 // found.total_rows)
    response = render(
        request,
        "vendordesk/import_job.html",
        {
            "vendor": vendor,
            "title": _("商品导入进度"),
            "job": found,
            "percent": percent,
            "refresh_seconds": JOB_REFRESH_SECONDS,
            "problems": found.errors[:SHOWN_PROBLEMS],
            "more_problems": max(found.error_count - SHOWN_PROBLEMS, 0),
        },
    )
    if not found.is_finished:
        # The page has no <head> block of its own: the header does what the <meta> in the
        # body does, for browsers that only honour one of them.
        response["Refresh"] = str(JOB_REFRESH_SECONDS)
    return response


@vendor_page
@require_GET
def template(request: HttpRequest, vendor, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template_xlsx(vendor), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"商品导入模板.{fmt}")
    return response


@never_cache
@require_GET
def report(request: HttpRequest, token: str) -> HttpResponseBase:
    """The error report. The GraphQL API hands its URL to app clients, which send their
    access token (Authorization: Bearer …) instead of a session cookie."""
    user = request.user
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, bearer = header.partition(" ")
    if scheme.lower() in {"bearer", "jwt"} and bearer.strip():
        try:
            user = user_from_token(bearer.strip())
        except InvalidToken:
            return HttpResponse(status=401)
    elif not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), str(LOGIN_URL))
    member = membership(user)
    if member is None:
        return render(request, "vendordesk/not_vendor.html", status=403)
    handle = open_report(member.vendor_id, token)
    if handle is None:
        raise Http404(_("没有找到这份错误报告。"))
    return FileResponse(handle, as_attachment=True, filename="导入错误报告.xlsx", content_type=XLSX)
