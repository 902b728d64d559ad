"""Loaders of the related rows of home sections, campaigns and livestream events, so a list
query costs one statement per loader whatever the page size (see
backend/graphql/core/dataloaders.py)."""

from __future__ import annotations

from backend.catalog.models import Collection
from backend.channel.models import Channel
from backend.discount.models import Promotion
from backend.graphql.core.dataloaders import ByPkLoader, DataLoader, group_by
from backend.merchandising.models import (
    Campaign,
    HomeSection,
    HomeSectionProduct,
    LivestreamEvent,
    LivestreamPrice,
    LivestreamProduct,
)


class ChannelBySectionLoader(ByPkLoader):
    source = HomeSection
    source_key = "channel_id"
    model = Channel


class ChannelByCampaignLoader(ByPkLoader):
    source = Campaign
    source_key = "channel_id"
    model = Channel


class ChannelByEventLoader(ByPkLoader):
    source = LivestreamEvent
    source_key = "channel_id"
    model = Channel


class CollectionBySectionLoader(ByPkLoader):
    source = HomeSection
    source_key = "collection_id"
    model = Collection


class CollectionByCampaignLoader(ByPkLoader):
    source = Campaign
    source_key = "collection_id"
    model = Collection


class ProductsBySectionLoader(DataLoader[int, list]):
    """A section's products in their order."""

    source = HomeSection

    def batch_load(self, keys):
        rows = (
            HomeSectionProduct.objects.filter(section_id__in=keys)
            .select_related("product")
            .order_by("sort_order", "pk")
        )
        grouped = group_by(rows, lambda row: row.section_id)
        return [[row.product for row in grouped.get(key, [])] for key in keys]


class ProductsByEventLoader(DataLoader[int, list]):
    source = LivestreamEvent

    def batch_load(self, keys):
        rows = (
            LivestreamProduct.objects.filter(event_id__in=keys)
            .select_related("product")
            .order_by("sort_order", "pk")
        )
        grouped = group_by(rows, lambda row: row.event_id)
        return [[row.product for row in grouped.get(key, [])] for key in keys]


class PricesByEventLoader(DataLoader[int, list]):
    source = LivestreamEvent

    def batch_load(self, keys):
        rows = (
            LivestreamPrice.objects.filter(event_id__in=keys)
            .select_related("variant__product")
            .order_by("pk")
        )
        grouped = group_by(rows, lambda row: row.event_id)
        return [grouped.get(key, []) for key in keys]


class PromotionsByCampaignLoader(DataLoader[int, list]):
    source = Campaign

    def batch_load(self, keys):
        through = Campaign.promotions.through
        rows = through.objects.filter(campaign_id__in=keys).order_by("pk")
        links = [(row.campaign_id, row.promotion_id) for row in rows]
        promotions = Promotion.objects.prefetch_related("rules__gift_variant__product").in_bulk(
            {promotion_id for _campaign, promotion_id in links}
        )
        grouped: dict[int, list] = {}
        for campaign_id, promotion_id in links:
            grouped.setdefault(campaign_id, []).append(promotions[promotion_id])
        return [grouped.get(key, []) for key in keys]
