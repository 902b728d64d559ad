"""Loaders of the catalog's related objects; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    AttributeProduct,
    AttributeVariant,
    Category,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
    Thumbnail,
)
from backend.graphql.core.dataloaders import ByPkLoader, ChildrenLoader, DataLoader, group_by
from backend.inventory.models import Stock, Warehouse
from backend.vendors.models import Vendor


class CategoryByIdLoader(ByPkLoader):
    model = Category
    source = Product
    source_key = "category_id"


class ProductTypeByIdLoader(ByPkLoader):
    model = ProductType
    source = Product
    source_key = "product_type_id"


class VendorByIdLoader(ByPkLoader):
    model = Vendor
    source = Product
    source_key = "vendor_id"


class ProductByIdLoader(ByPkLoader):
    model = Product
    source = ProductVariant
    source_key = "product_id"


class WarehouseByIdLoader(ByPkLoader):
    model = Warehouse
    source = Stock
    source_key = "warehouse_id"


class ParentCategoryByIdLoader(ByPkLoader):
    model = Category
    source = Category
    source_key = "parent_id"


class VariantByIdLoader(ByPkLoader):
    model = ProductVariant
    source = Stock
    source_key = "product_variant_id"


class VariantsByProductIdLoader(ChildrenLoader):
    source = Product
    model = ProductVariant
    parent_field = "product_id"


class MediaByProductIdLoader(ChildrenLoader):
    source = Product
    model = ProductMedia
    parent_field = "product_id"


class ThumbnailsByMediaIdLoader(ChildrenLoader):
    source = ProductMedia
    model = Thumbnail
    parent_field = "product_media_id"


class ProductChannelListingsByProductIdLoader(ChildrenLoader):
    source = Product
    model = ProductChannelListing
    parent_field = "product_id"

    def queryset(self):
        return super().queryset().select_related("channel")


class VariantChannelListingsByVariantIdLoader(ChildrenLoader):
    source = ProductVariant
    model = ProductVariantChannelListing
    parent_field = "variant_id"

    def queryset(self):
        return super().queryset().select_related("channel")


class ProductListingByProductIdAndChannelLoader(DataLoader):
    """The product's listing in one channel (loader argument: channel id)."""

    source = Product

    def batch_load(self, keys):
        (channel_id,) = self.args
        found = {
            listing.product_id: listing
            for listing in ProductChannelListing.objects.filter(
                channel_id=channel_id, product_id__in=keys
            )
        }
        return [found.get(key) for key in keys]


class VariantListingByVariantIdAndChannelLoader(DataLoader):
    """The variant's price listing in one channel (loader argument: channel id)."""

    source = ProductVariant

    def batch_load(self, keys):
        (channel_id,) = self.args
        found = {
            listing.variant_id: listing
            for listing in ProductVariantChannelListing.objects.filter(
                channel_id=channel_id, variant_id__in=keys
            )
        }
        return [found.get(key) for key in keys]


class VariantListingsByProductIdAndChannelLoader(DataLoader):
    """All variant price listings of a product in one channel, for price ranges."""

    source = Product

    def batch_load(self, keys):
        (channel_id,) = self.args
        listings = ProductVariantChannelListing.objects.filter(
            channel_id=channel_id, variant__product_id__in=keys
        ).select_related("variant")
        by_variant = self.loaders.get(VariantListingByVariantIdAndChannelLoader, channel_id)
        for listing in listings:
            by_variant.prime(listing.variant_id, listing)
        grouped = group_by(listings, lambda listing: listing.variant.product_id)
        return [grouped.get(key, []) for key in keys]


class StocksByVariantIdAndChannelLoader(DataLoader):
    """Stocks of a variant in the warehouses that serve a channel (argument: channel id or
    None for every warehouse)."""

    source = ProductVariant

    def batch_load(self, keys):
        (channel_id,) = self.args
        stocks = Stock.objects.filter(product_variant_id__in=keys)
        if channel_id is not None:
            stocks = stocks.filter(warehouse__channels__id=channel_id)
        grouped = group_by(stocks, lambda stock: stock.product_variant_id)
        return [grouped.get(key, []) for key in keys]


class CollectionsByProductIdLoader(DataLoader):
    source = Product

    def batch_load(self, keys):
        links = CollectionProduct.objects.filter(product_id__in=keys).select_related("collection")
        grouped = group_by(links, lambda link: link.product_id)
        return [[link.collection for link in grouped.get(key, [])] for key in keys]


class ProductAttributesByProductTypeIdLoader(ChildrenLoader):
    source = ProductType
    model = AttributeProduct
    parent_field = "product_type_id"

    def queryset(self):
        return super().queryset().select_related("attribute")


class VariantAttributesByProductTypeIdLoader(ChildrenLoader):
    source = ProductType
    model = AttributeVariant
    parent_field = "product_type_id"

    def queryset(self):
        return super().queryset().select_related("attribute")


class AssignedValuesByProductIdLoader(ChildrenLoader):
    source = Product
    model = AssignedProductAttributeValue
    parent_field = "product_id"

    def queryset(self):
        return super().queryset().select_related("value")


class AssignedValuesByVariantIdLoader(ChildrenLoader):
    source = ProductVariant
    model = AssignedVariantAttributeValue
    parent_field = "variant_id"

    def queryset(self):
        return super().queryset().select_related("value")


class ProductCountByCategoryIdLoader(DataLoader):
    source = Category

    def batch_load(self, keys):
        from django.db.models import Count

        counts = dict(
            Product.objects.filter(category_id__in=keys)
            .values_list("category_id")
            .annotate(total=Count("pk"))
        )
        return [counts.get(key, 0) for key in keys]
