"""Saleor's `where:` filters (`ProductWhereInput`): per-field operators and AND/OR nesting.

`{name: {eq: "..."}}`, `{slug: {oneOf: [...]}}`, `{price: {range: {gte: 10, lte: 50}}}`,
`{AND: [...]}`, `{OR: [...]}`. Each field reuses the `filter:` implementation
(backend/graphql/catalog/filters.py), so both spellings select the same products.
"""

from __future__ import annotations

import graphene
from django.db.models import Q, QuerySet

from backend.catalog.models import Product
from backend.graphql.catalog.enums import StockAvailability
from backend.graphql.catalog.filters import AttributeInput, filter_products
from backend.graphql.core.errors import ApiError, QueryErrorCode


class StringFilterInput(graphene.InputObjectType):
    eq = graphene.String()
    one_of = graphene.List(graphene.NonNull(graphene.String))


class GlobalIDFilterInput(graphene.InputObjectType):
    eq = graphene.ID()
    one_of = graphene.List(graphene.NonNull(graphene.ID))


class DecimalRangeInput(graphene.InputObjectType):
    gte = graphene.Decimal()
    lte = graphene.Decimal()


class DecimalFilterInput(graphene.InputObjectType):
    eq = graphene.Decimal()
    one_of = graphene.List(graphene.NonNull(graphene.Decimal))
    range = graphene.Field(DecimalRangeInput)


class ProductWhereInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID))
    name = graphene.Field(StringFilterInput)
    slug = graphene.Field(StringFilterInput)
    product_type = graphene.Field(GlobalIDFilterInput)
    category = graphene.Field(GlobalIDFilterInput)
    collection = graphene.Field(GlobalIDFilterInput)
    is_published = graphene.Boolean()
    stock_availability = graphene.Argument(StockAvailability)
    price = graphene.Field(DecimalFilterInput, description="Lowest variant price in the channel.")
    minimal_price = graphene.Field(DecimalFilterInput)
    attributes = graphene.List(graphene.NonNull(AttributeInput))
    AND = graphene.List(graphene.NonNull(lambda: ProductWhereInput), name="AND")
    OR = graphene.List(graphene.NonNull(lambda: ProductWhereInput), name="OR")


def _strings(data: dict | None, field: str) -> list[str] | None:
    if not data:
        return None
    if data.get("eq") is not None and data.get("one_of") is not None:
        raise ApiError(
            "Use either `eq` or `oneOf`, not both.", code=QueryErrorCode.INVALID, field=field
        )
    if data.get("eq") is not None:
        return [data["eq"]]
    return list(data.get("one_of") or [])


def _range(data: dict | None, field: str) -> dict | None:
    if not data:
        return None
    if data.get("range"):
        return {key: data["range"].get(key) for key in ("gte", "lte")}
    values = _strings(data, field)
    if values is None or len(values) != 1:
        raise ApiError(
            "Filter prices with `eq` or `range`.", code=QueryErrorCode.INVALID, field=field
        )
    return {"gte": values[0], "lte": values[0]}


def where_products(queryset: QuerySet, where: dict, channel) -> QuerySet:
    names = _strings(where.get("name"), "name")
    if names is not None:
        queryset = queryset.filter(name__in=names)
    data: dict = {
        "ids": where.get("ids"),
        "slugs": _strings(where.get("slug"), "slug"),
        "product_types": _strings(where.get("product_type"), "productType"),
        "categories": _strings(where.get("category"), "category"),
        "collections": _strings(where.get("collection"), "collection"),
        "is_published": where.get("is_published"),
        "stock_availability": where.get("stock_availability"),
        "price": _range(where.get("price"), "price"),
        "minimal_price": _range(where.get("minimal_price"), "minimalPrice"),
        "attributes": where.get("attributes"),
    }
    if any(value == [] for value in data.values()) or names == []:
        # `oneOf: []` names no value, so nothing matches (filter_products skips empty lists).
        return queryset.none()
    queryset = filter_products(queryset, {k: v for k, v in data.items() if v is not None}, channel)
    for part in where.get("AND") or []:
        queryset = where_products(queryset, part, channel)
    alternatives = where.get("OR") or []
    if alternatives:
        any_of = Q(pk__in=[])
        for part in alternatives:
            any_of |= Q(pk__in=where_products(Product.objects.all(), part, channel).values("pk"))
        queryset = queryset.filter(any_of)
    return queryset
