"""The voucher box's two POST targets (apply, remove) and the flash-sale page (限时秒杀)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.catalog.models import Product
from backend.discount.flash_sales import visible_flash_sales
from backend.storefront.discounts import apply_code, remove_code
from backend.storefront.security import with_csp
from backend.storefront.selectors import cards, with_card_data
from backend.storefront.views import _base_context

# Where the box sends the shopper back to: only these pages (no open redirect).
RETURN_TO = {"cart": "storefront:cart", "review": "storefront:checkout-review"}


def _back(request):
    return redirect(RETURN_TO.get(request.POST.get("next", ""), "storefront:cart"))


@require_POST
@with_csp
def voucher_apply(request):
    code = request.POST.get("code", "")
    if apply_code(request, code):
        messages.success(request, _("优惠券已使用。"))
    return _back(request)


@require_POST
@with_csp
def voucher_remove(request):
    remove_code(request)
    messages.success(request, _("已取消使用优惠券。"))
    return _back(request)


@require_GET
@with_csp
def flash_sales(request):
    context = _base_context(request, canonical=reverse("storefront:flash-sales"))
    channel = context["channel"]
    now = timezone.now()
    running, upcoming = [], []
    if channel is not None:
        sales = list(visible_flash_sales(channel, at=now).select_related("variant__product"))
        product_ids = {sale.variant.product_id for sale in sales}
        products = list(with_card_data(Product.objects.filter(pk__in=product_ids), channel))
        card_of = {card.product.pk: card for card in cards(products)}
        listings = {
            listing.variant_id: listing.price_amount
            for product in products
            for variant in product.variants.all()
            for listing in variant.channel_listings.all()
        }
        for sale in sales:
            row = {
                "sale": sale,
                "card": card_of.get(sale.variant.product_id),
                "list_price": listings.get(sale.variant_id),
                "sold_out": sale.quantity_remaining == 0,
            }
            (running if sale.starts_at <= now else upcoming).append(row)
    context.update(
        title=_("限时秒杀"),
        description=_("限量特价，先到先得。"),
        running=running,
        upcoming=upcoming,
    )
    response = render(request, "storefront/flash_sales.html", context)
    # Remaining quantities change with every order: never served from a shared cache.
    response.headers["Cache-Control"] = "no-cache"
    return response
