"""The inspector's pages (/inspect/): find a batch by its code, see its chain and journey,
record a spot check, open and follow recalls, copied-label alerts, a vendor's record, and the
traceability report with its XLSX export. For staff holding trace.manage_traceability (the
report and vendor records also for reviewers and brand managers); others get 403, anonymous
visitors the dashboard's login."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.brand.services import can_manage_brand
from backend.storefront.security import with_csp
from backend.trace import chain, epcis, recalls, reports, selectors
from backend.trace.models import Batch, CopyFlag, Recall, SpotCheck
from backend.trace.services import can_inspect
from backend.vendors import scoping
from backend.vendors.models import Vendor


def _allowed(user, *, readers: bool) -> bool:
    if can_inspect(user):
        return True
    return readers and (scoping.can_manage_vendors(user) or can_manage_brand(user))


def inspector_page(readers: bool = False):
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "/dashboard/login/")
            if not _allowed(request.user, readers=readers):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return with_csp(wrapped)

    return decorate


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for errors in error.message_dict.values() for m in errors]
    return list(error.messages)


@inspector_page()
def index(request):
    code = request.GET.get("code", "").strip()
    if code:
        batch = selectors.batch_by_code(code)
        if batch is not None:
            return redirect("inspect:batch", code=batch.code)
        messages.error(request, _("查不到追溯码 %(code)s。") % {"code": code[:24]})
    context = {
        "title": _("质量监管"),
        "flags": CopyFlag.objects.filter(resolved=False).select_related("batch")[:20],
        "recalls": [
            (recall, recalls.progress(recall))
            for recall in Recall.objects.filter(status="open").select_related("batch")[:20]
        ],
        "checks": SpotCheck.objects.select_related("batch", "product", "vendor")[:20],
    }
    return render(request, "trace/inspect/index.html", context)


@inspector_page()
@require_http_methods(["GET", "POST"])
def batch(request, code: str):
    found = get_object_or_404(
        Batch.objects.select_related("variant__product", "vendor", "base"), code=code
    )
    form: dict = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            if form.get("action") == "recall":
                recall = recalls.open_recall(
                    actor=request.user,
                    batch=found,
                    reason=form.get("reason"),
                    refund_policy=form.get("refund_policy") or "full",
                )
                messages.success(request, _("已启动召回。"))
                return redirect("inspect:recall", pk=recall.pk)
            values = []
            for line in (form.get("values") or "").splitlines():
                if line.strip():
                    item, _sep, value = line.partition("=")
                    values.append({"item": item.strip(), "value": value.strip()})
            check = recalls.record_spot_check(
                actor=request.user,
                batch=found,
                sample=form.get("sample"),
                lab=form.get("lab"),
                result=form.get("result"),
                values=values,
                note=form.get("note"),
            )
            if check.result == "fail":
                messages.warning(
                    request, _("抽查不合格：商品已暂停销售，品牌授权已暂停，召回已启动。")
                )
            else:
                messages.success(request, _("抽查结果已记录。"))
            return redirect("inspect:batch", code=found.code)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
    context = {
        "title": _("批次 %(code)s") % {"code": found.code},
        "batch": found,
        "events": found.events.select_related("corrects").order_by("sequence"),
        "problems": chain.verify_batch(found),
        "checks": found.spot_checks.all(),
        "recalls": found.recalls.all(),
        "form": form,
    }
    return render(request, "trace/inspect/batch.html", context)


@inspector_page()
def batch_epcis(request, code: str):
    found = get_object_or_404(Batch, code=code)
    body = json.dumps(epcis.batch_document(found), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="epcis-{found.code}.jsonld"'
    return response


@inspector_page()
@require_http_methods(["GET", "POST"])
def recall(request, pk: int):
    found = get_object_or_404(Recall.objects.select_related("batch__variant__product"), pk=pk)
    if request.method == "POST":
        try:
            recalls.close_recall(actor=request.user, recall=found)
            messages.success(request, _("召回已完成。"))
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        return redirect("inspect:recall", pk=found.pk)
    context = {
        "title": _("召回 %(code)s") % {"code": found.batch.code},
        "recall": found,
        "progress": recalls.progress(found),
        "notices": found.notices.select_related("order", "station").order_by("order_id"),
    }
    return render(request, "trace/inspect/recall.html", context)


@inspector_page()
@require_POST
def flag_resolve(request, pk: int):
    CopyFlag.objects.filter(pk=pk).update(resolved=True)
    return redirect("inspect:index")


@inspector_page(readers=True)
def vendor_record(request, pk: int):
    vendor = get_object_or_404(Vendor, pk=pk)
    context = {
        "title": _("%(vendor)s 的质量记录") % {"vendor": vendor.name},
        "vendor": vendor,
        "record": selectors.vendor_record(vendor),
    }
    return render(request, "trace/inspect/vendor.html", context)


@inspector_page(readers=True)
def report(request):
    data = reports.build()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reports.export_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="traceability-report.xlsx"'
        return response
    context = {
        "title": _("质量追溯报表"),
        "report": data,
        "xlsx_url": reverse("inspect:report") + "?format=xlsx",
    }
    return render(request, "trace/inspect/report.html", context)
