"""The cooperative's batch pages (/trace/mine/), in the vendor workspace's look: the vendor's
bases and batches, a new batch with its dates, inputs and processing steps, a batch's journey
with its trace code and QR for the pack label, recording an event or an inspection report.
Vendor staff only (the workspace's sign-in); everything is scoped to the signed-in user's vendor
by backend/trace/services.py — another vendor's batch is "not found"."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.catalog.models import ProductVariant
from backend.trace import services
from backend.trace.models import Batch, BizStep, InspectionResult, OriginBase, ReadPointKind
from backend.vendordesk.views import _page, vendor_page

# The steps a cooperative records by hand (sales and station scans are recorded by themselves).
VENDOR_STEPS = (
    BizStep.PLANTING,
    BizStep.HARVESTING,
    BizStep.TRANSFORMING,
    BizStep.PACKING,
    BizStep.STORING,
    BizStep.SHIPPING,
    BizStep.OTHER,
)


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"__all__": list(error.messages)}


def _batch_of(request, code: str) -> Batch:
    batch = (
        services.visible_batches(request.user)
        .filter(code=code, vendor=request.vendor_member.vendor)
        .select_related("variant__product", "base")
        .first()
    )
    if batch is None:
        raise Http404(_("找不到这个批次。"))
    return batch


@vendor_page
@require_http_methods(["GET"])
def index(request: HttpRequest, vendor) -> HttpResponse:
    batches = (
        Batch.objects.filter(vendor=vendor)
        .select_related("variant__product")
        .order_by("-created_at")[:100]
    )
    return _page(
        request,
        "trace/mine/index.html",
        vendor,
        title=_("批次与追溯"),
        batches=batches,
        bases=OriginBase.objects.filter(vendor=vendor),
    )


def _inputs_from(post) -> list[dict]:
    rows = []
    if post.get("fertiliser_name", "").strip():
        rows.append(
            {
                "kind": "fertiliser",
                "name": post.get("fertiliser_name"),
                "amount": post.get("fertiliser_amount", ""),
                "applied_on": post.get("fertiliser_on") or None,
            }
        )
    if post.get("pesticide_name", "").strip():
        rows.append(
            {
                "kind": "pesticide",
                "name": post.get("pesticide_name"),
                "amount": post.get("pesticide_amount", ""),
                "applied_on": post.get("pesticide_on") or None,
                "safe_until": post.get("pesticide_safe_until") or None,
            }
        )
    return rows


def _steps_from(text: str) -> list[dict]:
    """One processing step a line: "2026-10-05 碾米" (the date is optional)."""
    rows = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        day, _space, rest = line.partition(" ")
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            rows.append({"step": line})
        else:
            rows.append({"step": rest.strip() or day, "on": day})
    return rows


@vendor_page
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest, vendor) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            batch = services.create_batch(
                actor=request.user,
                variant=form.get("variant") or None,
                base=form.get("base") or None,
                lot_number=form.get("lot_number"),
                quantity=form.get("quantity"),
                planted_on=form.get("planted_on") or None,
                harvested_on=form.get("harvested_on") or None,
                packed_on=form.get("packed_on") or None,
                shelf_life_days=form.get("shelf_life_days") or 365,
                inputs=_inputs_from(form),
                processing_steps=_steps_from(form.get("steps", "")),
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("批次已登记，追溯码 %(code)s。") % {"code": batch.code})
            return redirect("trace:mine-batch", code=batch.code)
    return _page(
        request,
        "trace/mine/batch_new.html",
        vendor,
        title=_("登记批次"),
        form=form,
        errors=errors,
        variants=ProductVariant.objects.filter(product__vendor=vendor).select_related("product"),
        bases=OriginBase.objects.filter(vendor=vendor),
    )


@vendor_page
@require_http_methods(["GET", "POST"])
def base_new(request: HttpRequest, vendor) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            services.create_base(
                actor=request.user,
                name=form.get("name"),
                town=form.get("town", ""),
                village=form.get("village", ""),
                latitude=form.get("latitude") or None,
                longitude=form.get("longitude") or None,
                area_mu=form.get("area_mu") or None,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("基地已登记。"))
            return redirect("trace:mine")
    return _page(
        request, "trace/mine/base_new.html", vendor, title=_("登记基地"), form=form, errors=errors
    )


@vendor_page
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, vendor, code: str) -> HttpResponse:
    found = _batch_of(request, code)
    errors: dict[str, list[str]] = {}
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            if form.get("action") == "inspection":
                services.add_inspection(
                    actor=request.user,
                    batch=found,
                    lab=form.get("lab"),
                    tested_on=form.get("tested_on") or None,
                    result=form.get("result"),
                    report_number=form.get("report_number", ""),
                    values=[
                        {"item": item.strip(), "value": value.strip()}
                        for item, _sep, value in (
                            line.partition("=")
                            for line in form.get("values", "").splitlines()
                            if line.strip()
                        )
                    ],
                    document=request.FILES.get("document"),
                )
                messages.success(request, _("检验报告已添加。"))
            else:
                corrects = form.get("corrects") or None
                services.record_event(
                    actor=request.user,
                    batch=found,
                    biz_step=form.get("biz_step"),
                    event_time=form.get("event_time") or None,
                    read_point_kind=form.get("read_point_kind") or ReadPointKind.BASE,
                    read_point_name=form.get("read_point_name", ""),
                    quantity=form.get("quantity") or None,
                    note=form.get("note", ""),
                    corrects=corrects,
                )
                messages.success(request, _("已记录。"))
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("trace:mine-batch", code=found.code)
    return _page(
        request,
        "trace/mine/batch.html",
        vendor,
        title=_("批次 %(lot)s") % {"lot": found.lot_number},
        batch=found,
        events=found.events.select_related("corrects").order_by("sequence"),
        inspections=found.inspections.all(),
        steps=[(step.value, step.label) for step in VENDOR_STEPS],
        kinds=[(k.value, k.label) for k in ReadPointKind if k != ReadPointKind.LAB],
        results=InspectionResult.choices,
        form=form,
        errors=errors,
    )


@vendor_page
@require_http_methods(["GET"])
def label(request: HttpRequest, vendor, code: str) -> HttpResponse:
    """A printable pack label: product, lot, dates and the QR of the trace page."""
    found = _batch_of(request, code)
    return _page(request, "trace/mine/label.html", vendor, title=_("追溯标签"), batch=found)
