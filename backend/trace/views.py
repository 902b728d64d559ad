"""The consumer's trace page (/trace/<code>/), its QR code for the pack label, and the page
where a shopper acknowledges a recall notice. Public pages: they show no personal data — no
person, order, address or phone — only the product, the producer, the base, dates,
inspections, the journey through stations and the brand and certificate status."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from backend.storefront.security import with_csp
from backend.storefront.views import _base_context
from backend.trace import recalls, selectors


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@require_GET
@with_csp
def trace_page(request, code: str):
    batch = selectors.batch_by_code(code)
    context = _base_context(request)
    if batch is None:
        context.update(title=_("追溯码无效"), code=code[:40])
        return render(request, "storefront/trace/unknown.html", context, status=404)
    selectors.record_scan(batch, _client_address(request))
    # Built only when the page's cached fragment is missing (its key: the head of the batch's
    # hash chain, its status, the catalog version with the schedule epoch, the local day).
    trace = SimpleLazyObject(lambda: selectors.public_trace(batch))
    context.update(
        batch=batch,
        today=timezone.localdate().isoformat(),
        title=_("%(product)s · 产品追溯") % {"product": batch.variant.product.name},
        description=_("批号 %(lot)s 的来源、检验和流转记录。") % {"lot": batch.lot_number},
        trace=trace,
        map_url=(
            f"https://uri.amap.com/marker?position={batch.base.longitude},{batch.base.latitude}"
            if batch.base and batch.base.latitude is not None
            else ""
        ),
        product_url=reverse("storefront:product", args=[batch.variant.product.slug]),
    )
    response = render(request, "storefront/trace/batch.html", context)
    response["Cache-Control"] = "no-store"
    return response


def trace_url(request, code: str) -> str:
    return request.build_absolute_uri(reverse("trace:page", args=[code]))


@require_GET
def trace_qr(request, code: str):
    """The QR of the pack label: the absolute URL of the trace page, as SVG."""
    batch = selectors.batch_by_code(code)
    if batch is None:
        return HttpResponse(status=404)
    buffer = io.BytesIO()
    segno.make(trace_url(request, batch.code), error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_http_methods(["GET", "POST"])
@with_csp
def recall_notice(request, token: str):
    notice = recalls.notice_by_token(token)
    context = _base_context(request)
    if notice is None:
        context.update(title=_("链接无效"), code="")
        return render(request, "storefront/trace/unknown.html", context, status=404)
    if request.method == "POST":
        try:
            notice = recalls.acknowledge(token=token)
        except ValidationError:
            pass
        else:
            messages.success(request, _("已确认收到召回通知，谢谢。"))
    batch = notice.recall.batch
    context.update(
        title=_("召回通知"),
        notice=notice,
        batch=batch,
        product_name=batch.variant.product.name,
        trace_link=reverse("trace:page", args=[batch.code]),
    )
    return render(request, "storefront/trace/recall.html", context)
