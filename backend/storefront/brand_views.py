"""The public brand's page (/brand/): its story, logo, standards, packaging rules and the
products licensed to carry it now."""

from __future__ import annotations

from functools import cached_property

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.brand.selectors import licensed_condition
from backend.catalog.schedule import schedule_epoch
from backend.channel.models import Channel
from backend.storefront import selectors
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context

LICENSED_PRODUCTS = 48


class BrandContent:
    """The licensed products, computed only on a cache miss of the page's fragment."""

    def __init__(self, channel: Channel | None):
        self.channel = channel

    @cached_property
    def fragment_key(self) -> str:
        # A licence window opening or closing changes the list at that instant.
        return str(schedule_epoch())

    @cached_property
    def licensed_cards(self):
        if self.channel is None:
            return []
        products = (
            selectors.with_card_data(selectors.listed_products(self.channel), self.channel)
            .filter(licensed_condition())
            .order_by("name", "pk")
        )
        return selectors.cards(products[:LICENSED_PRODUCTS])


@require_GET
@with_csp
def brand(request):
    context = _base_context(request, canonical=reverse("storefront:brand"))
    brand = context["brand"]
    if brand is None:
        raise Http404(_("没有品牌信息。"))
    context.update(
        title=_("%(brand)s · 品牌标准与授权商品") % {"brand": brand.name},
        description=brand.slogan,
        content=BrandContent(context["channel"]),
        listing_url=reverse("storefront:products") + "?licensed=1",
    )
    return render(request, "storefront/brand.html", context)
