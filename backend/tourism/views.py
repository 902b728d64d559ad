"""The shopper's tourism pages (/tourism/): venues with a date picker showing availability, a
venue's page with each product's calendar and booking form, my vouchers (code, QR, history,
refund) — printable. Thin: the booking goes through the cart and the checkout services, the
refund through backend.tourism.refunds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from backend.storefront import selectors as storefront_selectors
from backend.storefront.cart import add_to_cart, parse_quantity, session_checkout
from backend.storefront.security import with_csp
from backend.tourism import booking, codes, qr, refunds, selectors
from backend.tourism.models import TourismProduct, TourismVoucher, Venue

LOGIN_URL = reverse_lazy("storefront:login")
DATE_PICKER_DAYS = 60


def _context(request, **extra) -> dict:
    site = storefront_selectors.current_site()
    return {"brand": site.brand, "channel": site.channel, **extra}


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for errors in error.message_dict.values() for m in errors]
    return list(error.messages)


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _published_rules(channel):
    """Tourism products published in the channel, with their venue."""
    if channel is None:
        return TourismProduct.objects.none()
    return (
        TourismProduct.objects.filter(
            venue__is_active=True,
            product__channel_listings__channel=channel,
            product__channel_listings__is_published=True,
        )
        .select_related("venue", "product")
        .order_by("venue__name", "product__name")
    )


@require_GET
@with_csp
def venues(request):
    context = _context(request)
    today = booking.local_today()
    day = _parse_date(request.GET.get("date")) or today
    day = min(max(day, today), today + dt.timedelta(days=DATE_PICKER_DAYS))
    rows: dict[int, dict] = {}
    for rules in _published_rules(context["channel"]):
        entry = rows.setdefault(rules.venue_id, {"venue": rules.venue, "products": []})
        if rules.is_dated:
            slots = booking.availability(rules, day, day)
            remaining = sum(s.remaining for s in slots if s.is_bookable)
            reason = "" if any(s.is_bookable for s in slots) else (slots[0].reason if slots else "")
        else:
            remaining, reason = None, ""
        entry["products"].append({"rules": rules, "remaining": remaining, "reason": reason})
    context.update(
        title=_("乡村旅游"),
        description=_("景区门票、农家民宿、农家餐饮：在线预订，到店出示券码核销。"),
        day=day,
        min_day=today,
        max_day=today + dt.timedelta(days=DATE_PICKER_DAYS),
        venues=list(rows.values()),
    )
    return render(request, "storefront/tourism/venues.html", context)


def _variants(rules, channel):
    from backend.catalog.models import ProductVariantChannelListing

    listings = (
        ProductVariantChannelListing.objects.filter(
            variant__product=rules.product, channel=channel, price_amount__isnull=False
        )
        .select_related("variant")
        .order_by("variant__sort_order", "variant__pk")
    )
    return [{"variant": row.variant, "price": row.price_amount} for row in listings]


@require_GET
@with_csp
def venue_detail(request, slug: str):
    context = _context(request)
    venue = get_object_or_404(Venue, slug=slug, is_active=True)
    products = [
        {"rules": rules, "variants": _variants(rules, context["channel"])}
        for rules in _published_rules(context["channel"]).filter(venue=venue)
    ]
    context.update(
        title=venue.name,
        description=venue.description[:160],
        venue=venue,
        products=products,
        chosen_date=_parse_date(request.GET.get("date")),
    )
    return render(request, "storefront/tourism/venue.html", context)


@require_POST
@with_csp
def book(request, slug: str):
    """Add tickets to the cart with their date, slot and visitors' names, all or nothing."""
    site = storefront_selectors.current_site()
    rules = get_object_or_404(
        TourismProduct.objects.select_related("venue", "product"), product__slug=slug
    )
    back = reverse("tourism:venue", args=[rules.venue.slug])
    if site.channel is None:
        messages.error(request, _("商城暂未开放。"))
        return redirect(back)
    names = [n.strip() for n in request.POST.get("visitor_names", "").splitlines() if n.strip()]
    try:
        with transaction.atomic():
            quantity = parse_quantity(request.POST.get("quantity"), allow_zero=False)
            variant_id = request.POST.get("variant", "")
            if not rules.product.variants.filter(
                pk=variant_id if variant_id.isdigit() else 0
            ).exists():
                raise ValidationError(
                    {"variant": ValidationError(_("请选择票种。"), code="REQUIRED")}
                )
            checkout = add_to_cart(
                request, channel=site.channel, variant_id=variant_id, quantity=quantity
            )
            line = checkout.lines.select_related("variant__product").get(variant_id=int(variant_id))
            visit_date = _parse_date(request.POST.get("visit_date")) if rules.is_dated else None
            booking.set_line_details(
                line=line,
                visit_date=visit_date,
                slot=request.POST.get("visit_slot", "").strip(),
                visitor_names=names,
            )
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
        if session_checkout(request) is None:
            request.session.pop("storefront_checkout_token", None)
        return redirect(back)
    messages.success(request, _("已加入购物车，付款后即可收到券码。"))
    return redirect("storefront:cart")


@require_GET
def voucher_qr(request, code: str):
    """The QR image of a code; anyone holding the code may draw it, nothing is looked up."""
    code = codes.normalize(code)
    if not codes.is_valid(code):
        raise Http404
    response = HttpResponse(qr.svg_for(code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
@login_required(login_url=LOGIN_URL)
@never_cache
@with_csp
def my_vouchers(request):
    context = _context(request)
    context.update(
        title=_("我的票券"),
        robots="noindex",
        vouchers=list(selectors.vouchers_of(request.user)[:200]),
    )
    return render(request, "storefront/tourism/my_vouchers.html", context)


def _own_voucher(request, code: str) -> TourismVoucher:
    voucher = (
        selectors.vouchers_of(request.user)
        .select_related("tourism_product")
        .filter(code=codes.normalize(code))
        .first()
    )
    if voucher is None:
        raise Http404(_("没有找到这张票券。"))
    return voucher


@require_GET
@login_required(login_url=LOGIN_URL)
@never_cache
@with_csp
def voucher_detail(request, code: str):
    voucher = _own_voucher(request, code)
    context = _context(request)
    context.update(
        title=voucher.product_name,
        robots="noindex",
        voucher=voucher,
        display_code=codes.display(voucher.code),
        redemptions=list(voucher.redemptions.select_related("venue")),
        quote=refunds.quote(voucher),
    )
    return render(request, "storefront/tourism/voucher.html", context)


@require_POST
@login_required(login_url=LOGIN_URL)
@with_csp
def voucher_refund(request, code: str):
    voucher = _own_voucher(request, code)
    try:
        done = refunds.refund_vouchers(
            vouchers=[voucher], user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in _messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已退款 ¥%(amount)s，将原路退回。") % {"amount": done[0].refunded_amount},
        )
    return redirect("tourism:voucher", code=voucher.code)
