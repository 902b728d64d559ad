"""GraphQL types of the catalog, with Saleor's names and fields."""

from __future__ import annotations

import graphene
from django.conf import settings
from graphene.types.generic import GenericScalar
from graphene_django import DjangoObjectType

from backend.catalog import models
from backend.catalog.selectors import can_manage_products
from backend.catalog.thumbnails import pick_thumbnail
from backend.core.permissions import Permission
from backend.discount.pricing import product_pricing, variant_pricing
from backend.discount.rules import CatalogueRules, catalogue_rules
from backend.graphql.catalog import dataloaders as loaders
from backend.graphql.catalog import translations
from backend.graphql.catalog.assigned_attributes import AssignedAttribute, File, typed_assignments
from backend.graphql.catalog.enums import (
    AttributeInputTypeEnum,
    ProductMediaType,
    ProductTypeKindEnum,
    ThumbnailFormatEnum,
)
from backend.graphql.channel.types import Channel
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.money import Money, TaxedMoney, TaxedMoneyRange, Weight
from backend.graphql.core.permissions import require_permissions
from backend.graphql.metadata.types import ObjectWithMetadata, ObjectWithMetadataFields
from backend.graphql.vendors.types import Vendor


def _channel_id(info, root) -> int | None:
    """The channel a nested field is priced in: the one the parent query was asked for."""
    channel = getattr(root, "_channel", None)
    return channel.pk if channel is not None else None


def _rules(info, channel_id: int) -> CatalogueRules:
    """The channel's promotion snapshot, fetched once per request (not per product)."""
    snapshots = getattr(info.context, "_catalogue_rules", None)
    if snapshots is None:
        snapshots = {}
        info.context._catalogue_rules = snapshots
    if channel_id not in snapshots:
        snapshots[channel_id] = catalogue_rules(channel_id)
    return snapshots[channel_id]


def _channel_slug(root) -> str | None:
    """Slug of the channel the parent query bound to this object, if any."""
    channel = getattr(root, "_channel", None)
    return channel.slug if channel is not None else None


def _with_channel(instances, channel):
    for instance in instances:
        instance._channel = channel
    return instances


def _require_manage_products(info) -> None:
    require_permissions(info, [Permission.MANAGE_PRODUCTS])


class LoadedList(list):
    """A list already loaded by a data loader, paginated like a queryset."""

    def count(self, *args) -> int:  # type: ignore[override]
        return len(self)


def _bind_channel(connection, channel):
    for edge in connection.edges:
        edge.node._channel = channel
    return connection


def _product_list_arguments() -> dict:
    from backend.graphql.catalog.filters import ProductFilterInput, ProductOrder
    from backend.graphql.catalog.where import ProductWhereInput

    return {
        "filter": ProductFilterInput(),
        "where": ProductWhereInput(),
        "sort_by": ProductOrder(),
    }


class Image(graphene.ObjectType):
    url = graphene.String(required=True, description="The URL of the image.")
    alt = graphene.String(description="Alt text for the image.")


def _absolute(info, url: str) -> str:
    return info.context.build_absolute_uri(url)


class AttributeValue(DjangoObjectType):
    input_type = graphene.Field(AttributeInputTypeEnum)
    value = graphene.String(description="The value as text, whatever the input type.")
    numeric = graphene.Float()
    date_time = graphene.DateTime(
        description="Always null: date attributes here hold a date, read from `date`."
    )
    file = graphene.Field(File, description="Always null: the catalogue has no file attributes.")
    translation = translations.translation_field(translations.AttributeValueTranslation)

    class Meta:
        model = models.AttributeValue
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "plain_text", "boolean", "date")

    @staticmethod
    def resolve_input_type(root, info):
        attribute = getattr(root, "_attribute", None)
        return attribute.input_type if attribute else None

    @staticmethod
    def resolve_value(root, info):
        return root.name

    @staticmethod
    def resolve_numeric(root, info):
        return float(root.numeric) if root.numeric is not None else None

    @staticmethod
    def resolve_date_time(root, info):
        return None

    @staticmethod
    def resolve_file(root, info):
        return None

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)


class Attribute(DjangoObjectType):
    input_type = graphene.Field(AttributeInputTypeEnum)
    choices = graphene.List(graphene.NonNull(AttributeValue), description="Dropdown values.")
    translation = translations.translation_field(translations.AttributeTranslation)

    class Meta:
        model = models.Attribute
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
            "slug",
            "unit",
            "value_required",
            "visible_in_storefront",
            "filterable_in_storefront",
            "storefront_search_position",
        )

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)

    @staticmethod
    def resolve_choices(root, info):
        values = list(root.values.all())
        for value in values:
            value._attribute = root
        return values


class AttributeCountableConnection(CountableConnection):
    class Meta:
        node = Attribute


class SelectedAttribute(graphene.ObjectType):
    attribute = graphene.Field(Attribute, required=True)
    values = graphene.List(graphene.NonNull(AttributeValue), required=True)


def _selected_attributes(assignments, assigned_values, *, visible_only: bool):
    values_by_attribute: dict[int, list] = {}
    for assigned in assigned_values:
        values_by_attribute.setdefault(assigned.value.attribute_id, []).append(assigned.value)
    selected = []
    for assignment in assignments:
        attribute = assignment.attribute
        if visible_only and not attribute.visible_in_storefront:
            continue
        values = values_by_attribute.get(attribute.pk, [])
        for value in values:
            value._attribute = attribute
        selected.append(SelectedAttribute(attribute=attribute, values=values))
    return selected


class ProductType(DjangoObjectType):
    kind = graphene.Field(ProductTypeKindEnum, required=True)
    weight = graphene.Field(Weight)
    tax_rate = graphene.Float(description="VAT rate included in prices of this type.")
    product_attributes = graphene.List(graphene.NonNull(Attribute))
    variant_attributes = graphene.List(graphene.NonNull(Attribute))

    class Meta:
        model = models.ProductType
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "has_variants", "is_shipping_required")

    @staticmethod
    def resolve_weight(root, info):
        return Weight.from_grams(root.weight_grams)

    @staticmethod
    def resolve_tax_rate(root, info):
        return float(root.tax_rate)

    @staticmethod
    def resolve_product_attributes(root, info):
        rows = load(info, loaders.ProductAttributesByProductTypeIdLoader, root.pk)
        return [row.attribute for row in rows]

    @staticmethod
    def resolve_variant_attributes(root, info):
        rows = load(info, loaders.VariantAttributesByProductTypeIdLoader, root.pk)
        return [row.attribute for row in rows]


class ProductTypeCountableConnection(CountableConnection):
    class Meta:
        node = ProductType


class ProductMedia(DjangoObjectType):
    url = graphene.String(
        required=True, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )
    type = graphene.Field(ProductMediaType, required=True)

    class Meta:
        model = models.ProductMedia
        interfaces = (graphene.relay.Node,)
        fields = ("id", "alt", "sort_order")

    @staticmethod
    def resolve_url(root, info, size=None, format=None):
        if root.external_url:
            return root.external_url
        if not root.image:
            return ""
        if size:
            thumbnails = load(info, loaders.ThumbnailsByMediaIdLoader, root.pk)
            chosen = pick_thumbnail(thumbnails, size, format or "ORIGINAL")
            if chosen is not None:
                return _absolute(info, chosen.image.url)
        return _absolute(info, root.image.url)


class VariantPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    discount = graphene.Field(TaxedMoney)
    price = graphene.Field(TaxedMoney)
    price_undiscounted = graphene.Field(TaxedMoney)
    prior_price = graphene.Field(TaxedMoney)


class ProductPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    price_range = graphene.Field(TaxedMoneyRange)
    price_range_undiscounted = graphene.Field(TaxedMoneyRange)


class ProductChannelListing(DjangoObjectType):
    channel = graphene.Field(Channel, required=True)

    class Meta:
        model = models.ProductChannelListing
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "is_published",
            "published_at",
            "visible_in_listings",
            "available_for_purchase_at",
        )


class ProductVariantChannelListing(DjangoObjectType):
    channel = graphene.Field(Channel, required=True)
    price = graphene.Field(Money)
    cost_price = graphene.Field(Money)
    prior_price = graphene.Field(Money)

    class Meta:
        model = models.ProductVariantChannelListing
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @staticmethod
    def _money(root, amount):
        from backend.core.money import Money as MoneyValue

        return MoneyValue(amount, root.currency) if amount is not None else None

    @classmethod
    def resolve_price(cls, root, info):
        return cls._money(root, root.price_amount)

    @classmethod
    def resolve_cost_price(cls, root, info):
        _require_manage_products(info)
        return cls._money(root, root.cost_price_amount)

    @classmethod
    def resolve_prior_price(cls, root, info):
        return cls._money(root, root.prior_price_amount)


class ProductVariant(ObjectWithMetadataFields, DjangoObjectType):
    product = graphene.Field(lambda: Product, required=True)
    weight = graphene.Field(Weight)
    attributes = graphene.List(
        graphene.NonNull(SelectedAttribute),
        required=True,
        variant_selection=graphene.Argument(
            graphene.Enum(
                "VariantAttributeScope",
                [("ALL", "all"), ("VARIANT_SELECTION", "sel"), ("NOT_VARIANT_SELECTION", "not")],
            )
        ),
    )
    pricing = graphene.Field(VariantPricingInfo)
    quantity_available = graphene.Int(
        description="Quantity a shopper can buy now from the channel's warehouses."
    )
    channel_listings = graphene.List(graphene.NonNull(ProductVariantChannelListing))
    stocks = graphene.List(graphene.NonNull(lambda: Stock))
    channel = graphene.String(description="Slug of the channel the variant is priced in.")
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    translation = translations.translation_field(translations.ProductVariantTranslation)
    media = graphene.List(
        graphene.NonNull(ProductMedia),
        description="The product's photos: variants here share their product's media.",
    )

    class Meta:
        model = models.ProductVariant
        interfaces = (graphene.relay.Node, ObjectWithMetadata)
        fields = ("id", "name", "sku", "track_inventory", "quantity_limit_per_customer")

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)

    @staticmethod
    def resolve_media(root, info):
        product = load(info, loaders.ProductByIdLoader, root.product_id)
        return load(info, loaders.MediaByProductIdLoader, product.pk)

    @staticmethod
    def resolve_channel(root, info):
        return _channel_slug(root)

    @staticmethod
    def resolve_product(root, info):
        product = load(info, loaders.ProductByIdLoader, root.product_id)
        return _with_channel([product], getattr(root, "_channel", None))[0]

    @staticmethod
    def resolve_weight(root, info):
        return Weight.from_grams(root.weight_grams)

    @staticmethod
    def resolve_attributes(root, info, variant_selection=None):
        product = load(info, loaders.ProductByIdLoader, root.product_id)
        assignments = load(
            info, loaders.VariantAttributesByProductTypeIdLoader, product.product_type_id
        )
        if variant_selection == "sel":
            assignments = [a for a in assignments if a.variant_selection]
        elif variant_selection == "not":
            assignments = [a for a in assignments if not a.variant_selection]
        values = load(info, loaders.AssignedValuesByVariantIdLoader, root.pk)
        return _selected_attributes(assignments, values, visible_only=False)

    @staticmethod
    def resolve_pricing(root, info):
        channel_id = _channel_id(info, root)
        if channel_id is None:
            return None
        listing = load(info, loaders.VariantListingByVariantIdAndChannelLoader, root.pk, channel_id)
        product = load(info, loaders.ProductByIdLoader, root.product_id)
        product_type = load(info, loaders.ProductTypeByIdLoader, product.product_type_id)
        pricing = variant_pricing(listing, product_type.tax_rate, rules=_rules(info, channel_id))
        if pricing is None:
            return None
        return VariantPricingInfo(
            on_sale=pricing.on_sale,
            discount=pricing.discount,
            price=pricing.price,
            price_undiscounted=pricing.price_undiscounted,
            prior_price=pricing.prior_price,
        )

    @staticmethod
    def resolve_quantity_available(root, info):
        if not root.track_inventory:
            return settings.MAX_CHECKOUT_LINE_QUANTITY
        stocks = load(
            info, loaders.StocksByVariantIdAndChannelLoader, root.pk, _channel_id(info, root)
        )
        return sum(stock.quantity_available for stock in stocks)

    @staticmethod
    def resolve_channel_listings(root, info):
        _require_manage_products(info)
        return load(info, loaders.VariantChannelListingsByVariantIdLoader, root.pk)

    @staticmethod
    def resolve_stocks(root, info):
        _require_manage_products(info)
        return load(info, loaders.StocksByVariantIdAndChannelLoader, root.pk, None)

    @classmethod
    def get_node(cls, info, id):
        from backend.graphql.catalog.resolvers import variant_by_pk

        return variant_by_pk(info, int(id), channel_slug=None)


class ProductVariantCountableConnection(CountableConnection):
    class Meta:
        node = ProductVariant


class Product(ObjectWithMetadataFields, DjangoObjectType):
    description = GenericScalar(description="Rich description as EditorJS-style JSON.")
    product_type = graphene.Field(ProductType, required=True)
    category = graphene.Field(lambda: Category)
    vendor = graphene.Field(Vendor, description="The cooperative or enterprise selling it.")
    collections = graphene.List(graphene.NonNull(lambda: Collection))
    media = graphene.List(graphene.NonNull(ProductMedia))
    thumbnail = graphene.Field(
        Image,
        size=graphene.Int(description="Size of the image in pixels (longest side)."),
        format=graphene.Argument(ThumbnailFormatEnum),
    )
    variants = graphene.List(graphene.NonNull(ProductVariant))
    product_variants = graphene.ConnectionField(
        ProductVariantCountableConnection,
        description="The product's variants a shopper can buy in the channel, paginated.",
    )
    default_variant = graphene.Field(ProductVariant)
    attributes = graphene.List(graphene.NonNull(SelectedAttribute), required=True)
    assigned_attribute = graphene.Field(
        AssignedAttribute,
        slug=graphene.String(required=True),
        description="The product's value of one attribute, typed by its input type; null "
        "when the product's type has no such attribute.",
    )
    assigned_attributes = graphene.List(
        graphene.NonNull(AssignedAttribute),
        required=True,
        limit=graphene.Int(description="At most this many (default: all)."),
    )
    translation = translations.translation_field(translations.ProductTranslation)
    pricing = graphene.Field(ProductPricingInfo)
    is_available = graphene.Boolean(
        description="Whether the product is in stock, published and available for purchase."
    )
    is_available_for_purchase = graphene.Boolean()
    available_for_purchase_at = graphene.DateTime()
    channel = graphene.String(description="Slug of the channel the product is priced in.")
    channel_listings = graphene.List(graphene.NonNull(ProductChannelListing))
    weight = graphene.Field(Weight)
    rating = graphene.Float()
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    # The public brand's licence (backend/graphql/brand): the one the badge stands on now.
    brand_licence = graphene.Field(
        "backend.graphql.brand.types.BrandLicence",
        description="The public brand's licence the product carries now (ACTIVE and inside its "
        "validity window); null when it carries none.",
    )
    is_brand_licensed = graphene.Boolean(
        required=True, description="Whether the product carries the public brand's badge now."
    )
    # The poverty-alleviation zone (backend/graphql/poverty): the certification in force now.
    poverty_certification = graphene.Field(
        "backend.graphql.poverty.types.PovertyCertification",
        description="The poverty-alleviation certification the product carries now (approved "
        "and inside its validity window); null when it carries none.",
    )
    tourism = graphene.Field(
        "backend.graphql.tourism.types.TourismProductRules",
        description="Booking rules of a tourism product (venue, dates, limits); null otherwise.",
    )
    availability = graphene.List(
        graphene.NonNull("backend.graphql.tourism.types.TourismAvailability"),
        date_from=graphene.Date(required=True),
        date_to=graphene.Date(required=True),
        description="Places per date (and slot) of a dated tourism product, at most 92 days; "
        "empty for other products.",
    )

    class Meta:
        model = models.Product
        interfaces = (graphene.relay.Node, ObjectWithMetadata)
        fields = (
            "id",
            "name",
            "slug",
            "seo_title",
            "seo_description",
            "description_plaintext",
        )

    @staticmethod
    def resolve_description(root, info):
        return root.description

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_channel(root, info):
        return _channel_slug(root)

    @staticmethod
    def resolve_product_type(root, info):
        return load(info, loaders.ProductTypeByIdLoader, root.product_type_id)

    @staticmethod
    def resolve_category(root, info):
        if root.category_id is None:
            return None
        return load(info, loaders.CategoryByIdLoader, root.category_id)

    @staticmethod
    def resolve_vendor(root, info):
        if root.vendor_id is None:
            return None
        return load(info, loaders.VendorByIdLoader, root.vendor_id)

    @staticmethod
    def resolve_tourism(root, info):
        from backend.tourism.selectors import rules_of

        return rules_of(root)

    @staticmethod
    def resolve_availability(root, info, date_from, date_to):
        from backend.tourism.selectors import product_availability

        return product_availability(root, date_from, date_to)

    @staticmethod
    def resolve_brand_licence(root, info):
        from backend.graphql.brand.dataloaders import ValidLicenceByProductLoader

        return load(info, ValidLicenceByProductLoader, root.pk)

    @staticmethod
    def resolve_is_brand_licensed(root, info):
        from backend.graphql.brand.dataloaders import ValidLicenceByProductLoader

        return load(info, ValidLicenceByProductLoader, root.pk) is not None

    @staticmethod
    def resolve_poverty_certification(root, info):
        from backend.graphql.poverty.dataloaders import CertificationInForceByProductLoader

        return load(info, CertificationInForceByProductLoader, root.pk)

    @staticmethod
    def resolve_collections(root, info):
        collections = load(info, loaders.CollectionsByProductIdLoader, root.pk)
        if can_manage_products(info.context.user):
            return collections
        channel = getattr(root, "_channel", None)
        if channel is None:
            return []
        visible = _visible_collection_ids(info, channel)
        return [collection for collection in collections if collection.pk in visible]

    @staticmethod
    def resolve_media(root, info):
        return load(info, loaders.MediaByProductIdLoader, root.pk)

    @staticmethod
    def resolve_thumbnail(root, info, size=256, format=None):
        media = load(info, loaders.MediaByProductIdLoader, root.pk)
        first = next((m for m in media if m.image), None)
        if first is None:
            return None
        thumbnails = load(info, loaders.ThumbnailsByMediaIdLoader, first.pk)
        chosen = pick_thumbnail(thumbnails, size or 256, format or "ORIGINAL")
        url = chosen.image.url if chosen is not None else first.image.url
        return Image(url=_absolute(info, url), alt=first.alt or root.name)

    @staticmethod
    def resolve_variants(root, info):
        variants = load(info, loaders.VariantsByProductIdLoader, root.pk)
        channel = getattr(root, "_channel", None)
        if not can_manage_products(info.context.user):
            if channel is None:
                return []
            listings = load(
                info, loaders.VariantListingsByProductIdAndChannelLoader, root.pk, channel.pk
            )
            priced = {lst.variant_id for lst in listings if lst.price_amount is not None}
            variants = [variant for variant in variants if variant.pk in priced]
        return _with_channel(variants, channel)

    @classmethod
    def resolve_product_variants(cls, root, info, **kwargs):
        from backend.graphql.core.connection import resolve_connection

        variants = LoadedList(cls.resolve_variants(root, info))
        connection = resolve_connection(variants, ProductVariantCountableConnection, info, **kwargs)
        return _bind_channel(connection, getattr(root, "_channel", None))

    @classmethod
    def resolve_assigned_attribute(cls, root, info, slug):
        found = typed_assignments(cls.resolve_attributes(root, info), slug=slug)
        return found[0] if found else None

    @classmethod
    def resolve_assigned_attributes(cls, root, info, limit=None):
        if limit is not None and limit < 0:
            raise ApiError(
                "Argument `limit` must be a non-negative integer.",
                code=QueryErrorCode.INVALID,
                field="limit",
            )
        return typed_assignments(cls.resolve_attributes(root, info), limit=limit)

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)

    @classmethod
    def resolve_default_variant(cls, root, info):
        variants = cls.resolve_variants(root, info)
        return variants[0] if variants else None

    @staticmethod
    def resolve_attributes(root, info):
        assignments = load(
            info, loaders.ProductAttributesByProductTypeIdLoader, root.product_type_id
        )
        values = load(info, loaders.AssignedValuesByProductIdLoader, root.pk)
        visible_only = not can_manage_products(info.context.user)
        return _selected_attributes(assignments, values, visible_only=visible_only)

    @staticmethod
    def resolve_pricing(root, info):
        channel_id = _channel_id(info, root)
        if channel_id is None:
            return None
        listings = load(
            info, loaders.VariantListingsByProductIdAndChannelLoader, root.pk, channel_id
        )
        product_type = load(info, loaders.ProductTypeByIdLoader, root.product_type_id)
        pricing = product_pricing(listings, product_type.tax_rate, rules=_rules(info, channel_id))
        return ProductPricingInfo(
            on_sale=pricing.on_sale,
            price_range=pricing.price_range,
            price_range_undiscounted=pricing.price_range_undiscounted,
        )

    @staticmethod
    def _listing(root, info):
        channel_id = _channel_id(info, root)
        if channel_id is None:
            return None
        return load(info, loaders.ProductListingByProductIdAndChannelLoader, root.pk, channel_id)

    @classmethod
    def resolve_is_available_for_purchase(cls, root, info):
        listing = cls._listing(root, info)
        return bool(listing and listing.is_available_for_purchase())

    @classmethod
    def resolve_available_for_purchase_at(cls, root, info):
        listing = cls._listing(root, info)
        return listing.available_for_purchase_at if listing else None

    @classmethod
    def resolve_is_available(cls, root, info):
        listing = cls._listing(root, info)
        if listing is None or not listing.is_visible() or not listing.is_available_for_purchase():
            return False
        variants = cls.resolve_variants(root, info)
        return any(
            (ProductVariant.resolve_quantity_available(variant, info) or 0) > 0
            for variant in variants
        )

    @staticmethod
    def resolve_channel_listings(root, info):
        _require_manage_products(info)
        return load(info, loaders.ProductChannelListingsByProductIdLoader, root.pk)

    @staticmethod
    def resolve_weight(root, info):
        return Weight.from_grams(root.weight_grams)

    @staticmethod
    def resolve_updated_at(root, info):
        return root.updated_at

    @classmethod
    def get_node(cls, info, id):
        from backend.graphql.catalog.resolvers import product_by_pk

        return product_by_pk(info, int(id), channel_slug=None)


def _visible_collection_ids(info, channel) -> set[int]:
    cache = info.context.__dict__.setdefault("_visible_collections", {})
    if channel.pk not in cache:
        from backend.catalog.selectors import visible_collections

        cache[channel.pk] = set(
            visible_collections(channel=channel, user=info.context.user).values_list(
                "pk", flat=True
            )
        )
    return cache[channel.pk]


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = Product


class Category(DjangoObjectType):
    description = GenericScalar()
    parent = graphene.Field(lambda: Category)
    children = graphene.ConnectionField(lambda: CategoryCountableConnection)
    ancestors = graphene.ConnectionField(lambda: CategoryCountableConnection)
    products = graphene.ConnectionField(
        ProductCountableConnection,
        channel=graphene.String(description="Slug of a channel for which the data is returned."),
        **_product_list_arguments(),
    )
    product_count = graphene.Int(description="Number of products directly in this category.")
    translation = translations.translation_field(translations.CategoryTranslation)
    background_image = graphene.Field(
        Image,
        size=graphene.Int(),
        format=graphene.Argument(ThumbnailFormatEnum),
        description="Always null: categories here have no image of their own.",
    )

    class Meta:
        model = models.Category
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "seo_title", "seo_description", "level", "updated_at")

    @staticmethod
    def resolve_description(root, info):
        return root.description

    @staticmethod
    def resolve_parent(root, info):
        if root.parent_id is None:
            return None
        return load(info, loaders.ParentCategoryByIdLoader, root.parent_id)

    @staticmethod
    def resolve_children(root, info, **kwargs):
        from backend.graphql.core.connection import resolve_connection

        return resolve_connection(
            models.Category.objects.filter(parent_id=root.pk),
            CategoryCountableConnection,
            info,
            **kwargs,
        )

    @staticmethod
    def resolve_ancestors(root, info, **kwargs):
        from backend.graphql.core.connection import resolve_connection

        ancestor_ids, current = [], root
        while current.parent_id:
            ancestor_ids.append(current.parent_id)
            current = models.Category.objects.get(pk=current.parent_id)
        return resolve_connection(
            models.Category.objects.filter(pk__in=ancestor_ids).order_by("level"),
            CategoryCountableConnection,
            info,
            **kwargs,
        )

    @staticmethod
    def resolve_products(root, info, channel=None, **kwargs):
        from backend.graphql.catalog.resolvers import resolve_products

        return resolve_products(info, channel=channel, categories=[root.pk], **kwargs)

    @staticmethod
    def resolve_product_count(root, info):
        return load(info, loaders.ProductCountByCategoryIdLoader, root.pk)

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)

    @staticmethod
    def resolve_background_image(root, info, **kwargs):
        return None


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = Category


class Collection(DjangoObjectType):
    description = GenericScalar()
    channel = graphene.String()
    products = graphene.ConnectionField(ProductCountableConnection, **_product_list_arguments())
    translation = translations.translation_field(translations.CollectionTranslation)
    background_image = graphene.Field(
        Image,
        size=graphene.Int(),
        format=graphene.Argument(ThumbnailFormatEnum),
        description="Always null: collections here have no image of their own.",
    )
    # Rule-based collections (backend/merchandising/collections.py; set by collectionRuleUpdate).
    kind = graphene.Field("backend.graphql.catalog.enums.CollectionKindEnum", required=True)
    rule = GenericScalar(description='A rule collection\'s rule: {"conditions": [...]} (AND).')
    rule_refreshed_at = graphene.DateTime(description="When the rule was last evaluated.")

    class Meta:
        model = models.Collection
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "seo_title", "seo_description")

    @staticmethod
    def resolve_kind(root, info):
        return root.kind

    @staticmethod
    def resolve_rule(root, info):
        return root.rule or None

    @staticmethod
    def resolve_rule_refreshed_at(root, info):
        return root.rule_refreshed_at

    @staticmethod
    def resolve_description(root, info):
        return root.description

    @staticmethod
    def resolve_channel(root, info):
        return _channel_slug(root)

    @staticmethod
    def resolve_translation(root, info, language_code):
        return translations.translated(root, language_code)

    @staticmethod
    def resolve_background_image(root, info, **kwargs):
        return None

    @staticmethod
    def resolve_products(root, info, **kwargs):
        from backend.graphql.catalog.resolvers import resolve_products

        channel = getattr(root, "_channel", None)
        return resolve_products(
            info, channel=channel.slug if channel else None, collections=[root.pk], **kwargs
        )


class CollectionCountableConnection(CountableConnection):
    class Meta:
        node = Collection


class Stock(graphene.ObjectType):
    id = graphene.ID(required=True)
    warehouse = graphene.Field(lambda: _warehouse_type(), required=True)
    product_variant = graphene.Field(ProductVariant, required=True)
    quantity = graphene.Int(required=True)
    quantity_allocated = graphene.Int(required=True)

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id("Stock", root.pk)

    @staticmethod
    def resolve_warehouse(root, info):
        return load(info, loaders.WarehouseByIdLoader, root.warehouse_id)

    @staticmethod
    def resolve_product_variant(root, info):
        return load(info, loaders.VariantByIdLoader, root.product_variant_id)


def _warehouse_type():
    from backend.graphql.inventory.types import Warehouse

    return Warehouse
