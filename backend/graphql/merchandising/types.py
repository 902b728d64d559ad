"""HomeSection, Campaign and LivestreamEvent (our additions to Saleor's schema, in its style)."""

from __future__ import annotations

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.core.money import Money as MoneyValue
from backend.graphql.catalog.types import _with_channel
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.money import Money
from backend.graphql.merchandising import dataloaders as loaders
from backend.graphql.merchandising.enums import (
    HomeSectionKindEnum,
    LivestreamPlatformEnum,
    ScheduleStatusEnum,
)
from backend.merchandising import models
from backend.merchandising.promotions import describe_promotions
from backend.merchandising.selectors import can_preview

CATALOG = "backend.graphql.catalog.types"
CHANNEL = "backend.graphql.channel.types.Channel"


def _list(type_path, description: str = ""):
    return graphene.List(graphene.NonNull(type_path), required=True, description=description)


def _file_url(info, field) -> str | None:
    return info.context.build_absolute_uri(field.url) if field else None


def _channel_products(info, products, channel_loader, channel_key):
    channel = load(info, channel_loader, channel_key) if channel_key else None
    return _with_channel(products, channel)


class HomeSection(DjangoObjectType):
    kind = graphene.Field(HomeSectionKindEnum, required=True)
    channel = graphene.Field(CHANNEL, required=True)
    collection = graphene.Field(f"{CATALOG}.Collection")
    products = _list(f"{CATALOG}.Product", "A carousel's products, in their order.")
    image_url = graphene.String(description="Absolute URL of the banner image.")

    class Meta:
        model = models.HomeSection
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "title",
            "subtitle",
            "link_url",
            "sort_order",
            "starts_at",
            "ends_at",
            "is_published",
            "updated_at",
        )
        description = "A block of a channel's home page shown inside its window."

    @staticmethod
    def resolve_channel(root, info):
        return load(info, loaders.ChannelBySectionLoader, root.channel_id)

    @staticmethod
    def resolve_collection(root, info):
        if root.collection_id is None:
            return None
        return load(info, loaders.CollectionBySectionLoader, root.collection_id)

    @staticmethod
    def resolve_products(root, info):
        products = load(info, loaders.ProductsBySectionLoader, root.pk)
        return _channel_products(info, products, loaders.ChannelBySectionLoader, root.channel_id)

    @staticmethod
    def resolve_image_url(root, info):
        return _file_url(info, root.image)


class PromotionOffer(graphene.ObjectType):
    name = graphene.String(required=True)
    offers = _list(graphene.String, "The promotion's rewards in words, e.g. 满99减10, 9折.")
    ends_at = graphene.DateTime()


class Campaign(DjangoObjectType):
    channel = graphene.Field(CHANNEL, required=True)
    status = graphene.Field(ScheduleStatusEnum, required=True)
    collection = graphene.Field(f"{CATALOG}.Collection", description="The campaign's products.")
    offers = _list(PromotionOffer, "Its running or upcoming promotions in words.")
    promotions = _list(
        "backend.graphql.discount.types.Promotion",
        "The promotions themselves; visible to staff who manage merchandising.",
    )
    banner_image_url = graphene.String()

    class Meta:
        model = models.Campaign
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
            "slug",
            "headline",
            "description",
            "starts_at",
            "ends_at",
            "is_published",
        )
        description = "A scheduled campaign (年货节, 丰收节) with its landing page."

    @staticmethod
    def resolve_channel(root, info):
        return load(info, loaders.ChannelByCampaignLoader, root.channel_id)

    @staticmethod
    def resolve_status(root, info):
        return root.status(timezone.now())

    @staticmethod
    def resolve_collection(root, info):
        if root.collection_id is None:
            return None
        collection = load(info, loaders.CollectionByCampaignLoader, root.collection_id)
        channel = load(info, loaders.ChannelByCampaignLoader, root.channel_id)
        return _with_channel([collection], channel)[0] if collection else None

    @staticmethod
    def resolve_offers(root, info):
        promotions = load(info, loaders.PromotionsByCampaignLoader, root.pk)
        return describe_promotions(promotions, at=timezone.now())

    @staticmethod
    def resolve_promotions(root, info):
        if not can_preview(info.context.user):
            return []
        return load(info, loaders.PromotionsByCampaignLoader, root.pk)

    @staticmethod
    def resolve_banner_image_url(root, info):
        return _file_url(info, root.banner_image)


class LivestreamPrice(graphene.ObjectType):
    variant = graphene.Field(f"{CATALOG}.ProductVariant", required=True)
    price = graphene.Field(Money, required=True, description="The live-only price (直播专享价).")

    @staticmethod
    def resolve_variant(root, info):
        return root.variant

    @staticmethod
    def resolve_price(root, info):
        return MoneyValue(root.price_amount, root.currency)


class LivestreamEvent(DjangoObjectType):
    channel = graphene.Field(CHANNEL, required=True)
    platform = graphene.Field(LivestreamPlatformEnum, required=True)
    status = graphene.Field(ScheduleStatusEnum, required=True)
    products = _list(f"{CATALOG}.Product", "The featured products, in their order.")
    live_prices = _list(LivestreamPrice, "Prices valid only inside the event's window.")
    host_avatar_url = graphene.String()

    class Meta:
        model = models.LivestreamEvent
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "title",
            "host_name",
            "stream_url",
            "starts_at",
            "ends_at",
            "is_published",
        )
        description = "A livestream sale (直播带货) with live-only prices inside its window."

    @staticmethod
    def resolve_channel(root, info):
        return load(info, loaders.ChannelByEventLoader, root.channel_id)

    @staticmethod
    def resolve_status(root, info):
        return root.status(timezone.now())

    @staticmethod
    def resolve_products(root, info):
        products = load(info, loaders.ProductsByEventLoader, root.pk)
        return _channel_products(info, products, loaders.ChannelByEventLoader, root.channel_id)

    @staticmethod
    def resolve_live_prices(root, info):
        return load(info, loaders.PricesByEventLoader, root.pk)

    @staticmethod
    def resolve_host_avatar_url(root, info):
        return _file_url(info, root.host_avatar)


class CampaignCountableConnection(CountableConnection):
    class Meta:
        node = Campaign


class LivestreamEventCountableConnection(CountableConnection):
    class Meta:
        node = LivestreamEvent


class CollectionRuleRefresh(graphene.ObjectType):
    added = graphene.Int(required=True)
    removed = graphene.Int(required=True)
