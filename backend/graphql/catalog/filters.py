"""Filter and sort inputs of `products` (Saleor: ProductFilterInput, ProductOrder)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import graphene
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    ProductChannelListing,
)
from backend.catalog.selectors import category_and_descendant_ids, in_stock_condition
from backend.channel.models import Channel
from backend.graphql.catalog.enums import OrderDirection, ProductOrderField, StockAvailability
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_ids
from backend.search.backends.base import get_search_backend


class PriceRangeInput(graphene.InputObjectType):
    gte = graphene.Float(description="Price greater than or equal to.")
    lte = graphene.Float(description="Price less than or equal to.")


class AttributeInput(graphene.InputObjectType):
    slug = graphene.String(required=True, description="Attribute slug.")
    values = graphene.List(graphene.NonNull(graphene.String), description="Value slugs.")
    boolean = graphene.Boolean()


class ProductFilterInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))
    categories = graphene.List(graphene.NonNull(graphene.ID))
    collections = graphene.List(graphene.NonNull(graphene.ID))
    product_types = graphene.List(graphene.NonNull(graphene.ID))
    attributes = graphene.List(graphene.NonNull(AttributeInput))
    price = graphene.Field(PriceRangeInput, description="Lowest variant price in the channel.")
    minimal_price = graphene.Field(PriceRangeInput)
    stock_availability = graphene.Argument(StockAvailability)
    is_published = graphene.Boolean()
    search = graphene.String()
    is_brand_licensed = graphene.Boolean(
        description="Only products carrying the public brand's licence now, or only those not."
    )


class ProductOrder(graphene.InputObjectType):
    direction = graphene.Argument(OrderDirection, required=True)
    field = graphene.Argument(ProductOrderField, required=True)


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ApiError("Invalid price.", code=QueryErrorCode.INVALID, field=field) from error
    if not amount.is_finite() or amount < 0:
        raise ApiError(
            "Price bounds must be non-negative numbers.", code=QueryErrorCode.INVALID, field=field
        )
    return amount


def _channel_price(channel: Channel | None):
    if channel is None:
        return None
    return Subquery(
        ProductChannelListing.objects.filter(product_id=OuterRef("pk"), channel=channel).values(
            "discounted_price_amount"
        )[:1]
    )


def filter_products(queryset: QuerySet, data: dict, channel: Channel | None) -> QuerySet:
    if data.get("ids"):
        queryset = queryset.filter(pk__in=decode_ids(data["ids"], "Product", field="ids"))
    if data.get("slugs"):
        queryset = queryset.filter(slug__in=data["slugs"])
    if data.get("categories"):
        ids = decode_ids(data["categories"], "Category", field="categories")
        queryset = queryset.filter(category_id__in=category_and_descendant_ids(ids))
    if data.get("collections"):
        ids = decode_ids(data["collections"], "Collection", field="collections")
        queryset = queryset.filter(collectionproduct__collection_id__in=ids).distinct()
    if data.get("product_types"):
        ids = decode_ids(data["product_types"], "ProductType", field="productTypes")
        queryset = queryset.filter(product_type_id__in=ids)
    for attribute in data.get("attributes") or []:
        queryset = queryset.filter(_attribute_condition(attribute))
    for key in ("price", "minimal_price"):
        bounds = data.get(key)
        if not bounds:
            continue
        if channel is None:
            raise ApiError(
                "Filtering by price needs a channel.",
                code=QueryErrorCode.CHANNEL_REQUIRED,
                field="channel",
            )
        queryset = queryset.annotate(_channel_price=_channel_price(channel))
        if bounds.get("gte") is not None:
            queryset = queryset.filter(_channel_price__gte=_decimal(bounds["gte"], key))
        if bounds.get("lte") is not None:
            queryset = queryset.filter(_channel_price__lte=_decimal(bounds["lte"], key))
    availability = data.get("stock_availability")
    if availability is not None:
        condition = in_stock_condition(channel)
        in_stock = availability in (StockAvailability.IN_STOCK, "in_stock")
        queryset = queryset.filter(condition if in_stock else ~condition)
    if data.get("is_published") is not None and channel is not None:
        published = ProductChannelListing.objects.filter(
            product_id=OuterRef("pk"), channel=channel, is_published=True
        )
        exists = Exists(published)
        queryset = queryset.filter(exists if data["is_published"] else ~exists)
    if data.get("is_brand_licensed") is not None:
        from backend.brand.selectors import licensed_condition

        licensed = licensed_condition()
        queryset = queryset.filter(licensed if data["is_brand_licensed"] else ~licensed)
    if data.get("search"):
        queryset = get_search_backend().search_products(queryset, data["search"])
    return queryset


def _attribute_condition(attribute: dict) -> Q:
    slug = attribute["slug"]
    values = attribute.get("values")
    product_values = AssignedProductAttributeValue.objects.filter(
        product_id=OuterRef("pk"), value__attribute__slug=slug
    )
    variant_values = AssignedVariantAttributeValue.objects.filter(
        variant__product_id=OuterRef("pk"), value__attribute__slug=slug
    )
    if values:
        product_values = product_values.filter(value__slug__in=values)
        variant_values = variant_values.filter(value__slug__in=values)
    if attribute.get("boolean") is not None:
        product_values = product_values.filter(value__boolean=attribute["boolean"])
        variant_values = variant_values.filter(value__boolean=attribute["boolean"])
    return Q(Exists(product_values)) | Q(Exists(variant_values))


def sort_products(
    queryset: QuerySet, sort_by: dict | None, channel: Channel | None, searching: bool
) -> QuerySet:
    field = sort_by.get("field") if sort_by else None
    direction = sort_by.get("direction") if sort_by else None
    field = getattr(field, "value", field)
    descending = getattr(direction, "value", direction) == "desc"
    if field is None:
        field = "rank" if searching else "name"
        descending = searching
    if field == "rank":
        if not searching:
            raise ApiError(
                "Sorting by RANK is only available together with a search.",
                code=QueryErrorCode.INVALID,
                field="sortBy",
            )
        key = F("search_rank")
    elif field in ("price", "minimal_price"):
        if channel is None:
            raise ApiError(
                "Sorting by price needs a channel.",
                code=QueryErrorCode.CHANNEL_REQUIRED,
                field="channel",
            )
        queryset = queryset.annotate(_sort_price=_channel_price(channel))
        key = F("_sort_price")
    else:
        key = F(field)
    ordered = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
    tiebreak = "-pk" if descending else "pk"
    if field == "name":
        return queryset.order_by(ordered, tiebreak)
    return queryset.order_by(ordered, "name", tiebreak)
