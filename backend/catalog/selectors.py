"""Read queries of the catalog: what a shopper or a staff member may see in a channel."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.catalog.models import (
    Category,
    Collection,
    CollectionChannelListing,
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.channel.models import Channel
from backend.core.permissions import Permission, has_permissions
from backend.inventory.models import Stock
from backend.vendors.models import VendorStatus


def can_manage_products(user) -> bool:
    return has_permissions(user, [Permission.MANAGE_PRODUCTS])


def published_listings(channel: Channel, *, now=None) -> QuerySet[ProductChannelListing]:
    now = now or timezone.now()
    return ProductChannelListing.objects.filter(channel=channel, is_published=True).filter(
        Q(published_at__isnull=True) | Q(published_at__lte=now)
    )


def visible_products(*, channel: Channel | None, user=None, for_listing: bool = True):
    """Products the user may see in the channel.

    Staff who manage products see everything (also products not listed in the channel);
    everyone else sees products published in an active channel, and in lists only those
    marked visible in listings (Saleor semantics of `visible_in_listings`). A product of a
    vendor that is not active (applied, rejected, suspended) is hidden from shoppers with all
    its listings; products without a vendor (the county's own) stay visible.
    """
    products = Product.objects.all()
    if can_manage_products(user):
        return products
    if channel is None or not channel.is_active:
        return products.none()
    # One join on the (product, channel) listing, which is unique, so rows never repeat.
    # A product with no priced variant has no lowest price on its listing
    # (`discounted_price_amount` is kept by the services that set prices), so that column
    # stands for "has a priced variant" without a second subquery over variants.
    conditions = {
        "channel_listings__channel": channel,
        "channel_listings__is_published": True,
        "channel_listings__discounted_price_amount__isnull": False,
    }
    if for_listing:
        conditions["channel_listings__visible_in_listings"] = True
    return products.filter(
        Q(channel_listings__published_at__isnull=True)
        | Q(channel_listings__published_at__lte=timezone.now()),
        Q(vendor__isnull=True) | Q(vendor__status=VendorStatus.ACTIVE),
        **conditions,
    )


def visible_variants(*, channel: Channel | None, user=None) -> QuerySet[ProductVariant]:
    variants = ProductVariant.objects.all()
    if can_manage_products(user):
        return variants
    if channel is None or not channel.is_active:
        return variants.none()
    products = visible_products(channel=channel, user=user, for_listing=False)
    priced = ProductVariantChannelListing.objects.filter(
        channel=channel, variant_id=OuterRef("pk"), price_amount__isnull=False
    )
    return variants.filter(Exists(priced), product__in=products)


def visible_collections(*, channel: Channel | None, user=None) -> QuerySet[Collection]:
    collections = Collection.objects.all()
    if can_manage_products(user):
        return collections
    if channel is None or not channel.is_active:
        return collections.none()
    now = timezone.now()
    published = CollectionChannelListing.objects.filter(
        collection_id=OuterRef("pk"), channel=channel, is_published=True
    ).filter(Q(published_at__isnull=True) | Q(published_at__lte=now))
    return collections.filter(Exists(published))


def in_stock_condition(channel: Channel | None) -> Q:
    """Products with at least one variant that can be sold now from the channel's warehouses."""
    stocks = Stock.objects.filter(
        product_variant__product_id=OuterRef("pk"), quantity__gt=F("quantity_allocated")
    )
    if channel is not None:
        stocks = stocks.filter(warehouse__channels=channel)
    untracked = ProductVariant.objects.filter(product_id=OuterRef("pk"), track_inventory=False)
    return Q(Exists(stocks)) | Q(Exists(untracked))


def category_and_descendant_ids(category_ids: list[int]) -> list[int]:
    ids, frontier = list(category_ids), list(category_ids)
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids
