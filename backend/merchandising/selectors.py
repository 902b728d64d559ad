"""Read queries of merchandising: what the home page, campaign and livestream pages show at an
instant, and who may preview what is not published yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from backend.catalog.models import Product
from backend.channel.models import Channel
from backend.core.permissions import Permission, has_permissions
from backend.merchandising.models import (
    Campaign,
    HomeSection,
    HomeSectionKind,
    LivestreamEvent,
    LivestreamPrice,
    LivestreamProduct,
    ScheduleStatus,
)

# A featured collection shows a row or two of cards (as the home page always did); a carousel
# scrolls sideways, so it can hold more.
COLLECTION_SECTION_PRODUCTS = 4
CAROUSEL_PRODUCTS = 12


def can_preview(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and has_permissions(user, [Permission.MANAGE_MERCHANDISING])
    )


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 instant from a query string; a time without zone is read in the county's
    zone (Asia/Shanghai). None when absent or not a date-time."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def in_window(at: datetime) -> Q:
    return (Q(starts_at__isnull=True) | Q(starts_at__lte=at)) & (
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    )


def home_sections(
    channel: Channel | None, *, at: datetime | None = None, include_unpublished: bool = False
) -> QuerySet[HomeSection]:
    """The sections shown on the channel's home page at `at`, in their order. A preview
    includes the sections not published yet."""
    if channel is None:
        return HomeSection.objects.none()
    at = at or timezone.now()
    sections = HomeSection.objects.filter(in_window(at), channel=channel)
    if not include_unpublished:
        sections = sections.filter(is_published=True)
    return sections.select_related("collection").order_by("sort_order", "pk")


@dataclass
class SectionView:
    """One home section with what it shows (cards come from the storefront's card builder,
    so their prices come from the one pricing function)."""

    section: HomeSection
    cards: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.section.kind

    @property
    def link(self) -> str:
        if self.section.link_url:
            return self.section.link_url
        if self.section.collection is not None:
            from django.urls import reverse

            return reverse("storefront:collection", args=[self.section.collection.slug])
        return ""


def section_views(
    channel: Channel, *, at: datetime | None = None, include_unpublished: bool = False
) -> list[SectionView]:
    from backend.storefront import selectors as storefront

    views = []
    for section in home_sections(channel, at=at, include_unpublished=include_unpublished):
        view = SectionView(section=section)
        if section.kind == HomeSectionKind.COLLECTION and section.collection is not None:
            view.cards = storefront.collection_products(
                section.collection, channel, COLLECTION_SECTION_PRODUCTS
            )
        elif section.kind == HomeSectionKind.PRODUCT_CAROUSEL:
            products = storefront.with_card_data(
                storefront.listed_products(channel).filter(home_section_products__section=section),
                channel,
            ).order_by("home_section_products__sort_order", "pk")
            view.cards = storefront.cards(products[:CAROUSEL_PRODUCTS])
        views.append(view)
    return views


# Campaigns ----------------------------------------------------------------------------------


def published_campaigns(channel: Channel | None) -> QuerySet[Campaign]:
    if channel is None:
        return Campaign.objects.none()
    return Campaign.objects.filter(channel=channel, is_published=True)


def campaign_lists(channel: Channel | None, at: datetime) -> dict[str, list[Campaign]]:
    """Running (ending soonest first), upcoming (soonest first) and recently ended."""
    campaigns = published_campaigns(channel)
    return {
        ScheduleStatus.RUNNING: list(
            campaigns.filter(starts_at__lte=at, ends_at__gt=at).order_by("ends_at", "pk")
        ),
        ScheduleStatus.SCHEDULED: list(
            campaigns.filter(starts_at__gt=at).order_by("starts_at", "pk")
        ),
        ScheduleStatus.ENDED: list(
            campaigns.filter(ends_at__lte=at).order_by("-ends_at", "pk")[:10]
        ),
    }


def campaign_products(campaign: Campaign, channel: Channel, limit: int = 24) -> list:
    from backend.storefront import selectors as storefront

    if campaign.collection_id is None:
        return []
    products = storefront.with_card_data(
        storefront.listed_products(channel).filter(
            collectionproduct__collection_id=campaign.collection_id
        ),
        channel,
    ).order_by("collectionproduct__sort_order", "pk")
    return storefront.cards(products[:limit])


# Livestreams --------------------------------------------------------------------------------


def published_events(channel: Channel | None) -> QuerySet[LivestreamEvent]:
    if channel is None:
        return LivestreamEvent.objects.none()
    return LivestreamEvent.objects.filter(channel=channel, is_published=True)


def events_by_status(
    events: QuerySet[LivestreamEvent], status: str | None, at: datetime
) -> QuerySet[LivestreamEvent]:
    if status == ScheduleStatus.RUNNING:
        return events.filter(starts_at__lte=at, ends_at__gt=at).order_by("ends_at", "pk")
    if status == ScheduleStatus.SCHEDULED:
        return events.filter(starts_at__gt=at).order_by("starts_at", "pk")
    if status == ScheduleStatus.ENDED:
        return events.filter(ends_at__lte=at).order_by("-ends_at", "-pk")
    return events.order_by("starts_at", "pk")


def live_now(channel: Channel, *, at: datetime, limit: int = 3) -> list[LivestreamEvent]:
    events = events_by_status(published_events(channel), ScheduleStatus.RUNNING, at)
    return list(events[:limit])


@dataclass
class LiveProduct:
    """A featured product on the event page: its card (the price a shopper pays now, from
    the pricing engine) and the live prices of its variants with their usual prices."""

    card: object
    live_prices: list[tuple[LivestreamPrice, Decimal | None]]


def event_products(event: LivestreamEvent, channel: Channel) -> list[LiveProduct]:
    from backend.catalog.models import ProductVariantChannelListing
    from backend.storefront import selectors as storefront

    products = storefront.with_card_data(
        storefront.listed_products(channel).filter(livestream_products__event=event), channel
    ).order_by("livestream_products__sort_order", "pk")
    cards = storefront.cards(products)
    prices = list(event.prices.select_related("variant").order_by("variant__sort_order", "pk"))
    list_prices = dict(
        ProductVariantChannelListing.objects.filter(
            channel=channel, variant_id__in=[p.variant_id for p in prices]
        ).values_list("variant_id", "price_amount")
    )
    by_product: dict[int, list[tuple[LivestreamPrice, Decimal | None]]] = {}
    for price in prices:
        by_product.setdefault(price.variant.product_id, []).append(
            (price, list_prices.get(price.variant_id))
        )
    return [
        LiveProduct(card=card, live_prices=by_product.get(card.product.pk, [])) for card in cards
    ]


def events_with_products(events: QuerySet[LivestreamEvent]) -> QuerySet[LivestreamEvent]:
    return events.prefetch_related(
        Prefetch(
            "event_products",
            queryset=LivestreamProduct.objects.select_related("product").order_by("sort_order"),
        )
    )


def section_products(section: HomeSection) -> QuerySet[Product]:
    return Product.objects.filter(home_section_products__section=section).order_by(
        "home_section_products__sort_order"
    )
