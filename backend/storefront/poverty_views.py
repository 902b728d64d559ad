"""The poverty-alleviation zone for shoppers (/poverty-zone/, 扶贫专区): certified products in
the order brand managers curated, the benefit mechanism of each in plain words, stories of
consenting villages and households, and live counters against the plan's annual target
(county plan §三: 扶贫产品年网销额超过 100 万元).

No household's name, identity number or phone is ever on this page: stories show the village
and the text the household agreed to publish."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.poverty.models import Household, VillageStory
from backend.poverty.plain_words import mechanism_in_plain_words
from backend.poverty.selectors import zone_certifications, zone_stats
from backend.storefront import selectors
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context

ZONE_PRODUCTS = 60
STORIES = 6


def zone_cards(channel):
    """Cards of the certified products listed in the channel, in the curated order, each with
    its mechanism in plain words."""
    if channel is None:
        return []
    certifications = list(zone_certifications()[:ZONE_PRODUCTS])
    order = {c.product_id: index for index, c in enumerate(certifications)}
    words = {c.product_id: mechanism_in_plain_words(c) for c in certifications}
    products = selectors.with_card_data(
        selectors.listed_products(channel).filter(pk__in=list(order)), channel
    )
    cards = selectors.cards(sorted(products, key=lambda product: order[product.pk]))
    return [(card, words[card.product.pk]) for card in cards]


@require_GET
@with_csp
def poverty_zone(request):
    context = _base_context(request, canonical=reverse("storefront:poverty-zone"))
    stats = zone_stats()
    village_stories = list(
        VillageStory.objects.filter(consent=True).select_related("village__town")[:STORIES]
    )
    household_stories = list(
        Household.objects.filter(story_consent=True, is_active=True)
        .exclude(story="")
        .select_related("village__town")
        .order_by("-updated_at", "pk")[:STORIES]
    )
    for story in village_stories:
        story.photo_url = (
            reverse("storefront:poverty-village-photo", args=[story.pk])
            if story.photo_consent and story.photo
            else ""
        )
    for household in household_stories:
        household.photo_url = (
            reverse("storefront:poverty-household-photo", args=[household.pk])
            if household.photo_consent and household.photo
            else ""
        )
    context.update(
        title=_("扶贫专区"),
        description=_("经认定的扶贫产品：每一笔订单的收益都记入台账，直达低收入户和经济薄弱村。"),
        stats=stats,
        zone_cards=zone_cards(context["channel"]),
        village_stories=village_stories,
        household_stories=household_stories,
    )
    return render(request, "storefront/poverty_zone.html", context)


def _photo_response(file):
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(file.storage.open(file.name, "rb"), content_type=content_type)
    # Never cached anywhere: a consent withdrawn hides the photo at the next request.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def household_photo(request, pk: int):
    """A household's story photo, only while it consents to its story and its photo being
    public (checked at every request); otherwise 404, to everyone."""
    household = (
        Household.objects.filter(pk=pk, is_active=True, story_consent=True, photo_consent=True)
        .exclude(story="")
        .exclude(photo="")
        .first()
    )
    if household is None or not household.photo.storage.exists(household.photo.name or ""):
        raise Http404("no photo")
    return _photo_response(household.photo)


@require_GET
def village_photo(request, pk: int):
    """A village story's photo, only while the village consents to both (per request)."""
    story = (
        VillageStory.objects.filter(pk=pk, consent=True, photo_consent=True)
        .exclude(photo="")
        .first()
    )
    if story is None or not story.photo.storage.exists(story.photo.name or ""):
        raise Http404("no photo")
    return _photo_response(story.photo)


urlpatterns = [
    path("poverty-zone/", poverty_zone, name="poverty-zone"),
    path(
        "poverty-zone/photos/household/<int:pk>/",
        household_photo,
        name="poverty-household-photo",
    ),
    path("poverty-zone/photos/village/<int:pk>/", village_photo, name="poverty-village-photo"),
]
