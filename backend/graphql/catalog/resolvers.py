"""Resolvers of the catalog's root queries."""

from __future__ import annotations

from backend.catalog import models
from backend.catalog.selectors import (
    visible_collections,
    visible_products,
    visible_variants,
)
from backend.graphql.catalog.filters import filter_products, sort_products
from backend.graphql.catalog.types import (
    CollectionCountableConnection,
    ProductCountableConnection,
    ProductVariantCountableConnection,
)
from backend.graphql.catalog.where import where_products
from backend.graphql.channel.resolvers import resolve_channel_or_none
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id, decode_ids


def _bind_channel(connection, channel):
    for edge in connection.edges:
        edge.node._channel = channel
    return connection


def resolve_products(
    info,
    *,
    channel=None,
    filter=None,
    where=None,
    search=None,
    sort_by=None,
    categories=None,
    collections=None,
    **pagination,
):
    channel_obj = resolve_channel_or_none(info, channel)
    products = visible_products(channel=channel_obj, user=info.context.user)
    data = dict(filter or {})
    if search is not None:
        data["search"] = search
    products = filter_products(products, data, channel_obj)
    if where:
        products = where_products(products, where, channel_obj)
    if categories:
        from backend.catalog.selectors import category_and_descendant_ids

        products = products.filter(category_id__in=category_and_descendant_ids(categories))
    if collections:
        products = products.filter(collectionproduct__collection_id__in=collections)
    products = sort_products(products, sort_by, channel_obj, searching=bool(data.get("search")))
    connection = resolve_connection(products, ProductCountableConnection, info, **pagination)
    return _bind_channel(connection, channel_obj)


def product_by_pk(info, pk: int, *, channel_slug: str | None):
    channel = resolve_channel_or_none(info, channel_slug)
    product = (
        visible_products(channel=channel, user=info.context.user, for_listing=False)
        .filter(pk=pk)
        .first()
    )
    return _register_one(info, product, channel)


def resolve_product(info, *, id=None, slug=None, channel=None):
    _exactly_one(id=id, slug=slug)
    channel_obj = resolve_channel_or_none(info, channel)
    products = visible_products(channel=channel_obj, user=info.context.user, for_listing=False)
    if id is not None:
        product = products.filter(pk=decode_id(id, "Product")).first()
    else:
        product = products.filter(slug=slug).first()
    return _register_one(info, product, channel_obj)


def variant_by_pk(info, pk: int, *, channel_slug: str | None):
    channel = resolve_channel_or_none(info, channel_slug)
    variant = visible_variants(channel=channel, user=info.context.user).filter(pk=pk).first()
    return _register_one(info, variant, channel)


def resolve_variant(info, *, id=None, sku=None, channel=None):
    _exactly_one(id=id, sku=sku)
    channel_obj = resolve_channel_or_none(info, channel)
    variants = visible_variants(channel=channel_obj, user=info.context.user)
    if id is not None:
        variant = variants.filter(pk=decode_id(id, "ProductVariant")).first()
    else:
        variant = variants.filter(sku=sku).first()
    return _register_one(info, variant, channel_obj)


def resolve_variants(info, *, ids=None, channel=None, filter=None, **pagination):
    channel_obj = resolve_channel_or_none(info, channel)
    variants = visible_variants(channel=channel_obj, user=info.context.user)
    if ids:
        variants = variants.filter(pk__in=decode_ids(ids, "ProductVariant", field="ids"))
    filter = filter or {}
    if filter.get("sku"):
        variants = variants.filter(sku__in=filter["sku"])
    if filter.get("search"):
        term = filter["search"]
        variants = variants.filter(sku__icontains=term) | variants.filter(
            product__name__icontains=term
        )
    variants = variants.order_by("product__name", "sort_order", "pk")
    connection = resolve_connection(variants, ProductVariantCountableConnection, info, **pagination)
    return _bind_channel(connection, channel_obj)


def resolve_collections(info, *, channel=None, search=None, **pagination):
    channel_obj = resolve_channel_or_none(info, channel)
    collections = visible_collections(channel=channel_obj, user=info.context.user)
    if search:
        collections = collections.filter(name__icontains=search)
    connection = resolve_connection(collections, CollectionCountableConnection, info, **pagination)
    return _bind_channel(connection, channel_obj)


def resolve_collection(info, *, id=None, slug=None, channel=None):
    _exactly_one(id=id, slug=slug)
    channel_obj = resolve_channel_or_none(info, channel)
    collections = visible_collections(channel=channel_obj, user=info.context.user)
    if id is not None:
        collection = collections.filter(pk=decode_id(id, "Collection")).first()
    else:
        collection = collections.filter(slug=slug).first()
    return _register_one(info, collection, channel_obj)


def resolve_category(info, *, id=None, slug=None):
    _exactly_one(id=id, slug=slug)
    if id is not None:
        return models.Category.objects.filter(pk=decode_id(id, "Category")).first()
    return models.Category.objects.filter(slug=slug).first()


def resolve_categories(info, *, level=None, filter=None, **pagination):
    from backend.graphql.catalog.types import CategoryCountableConnection

    categories = models.Category.objects.all()
    if level is not None:
        categories = categories.filter(level=level)
    filter = filter or {}
    if filter.get("search"):
        categories = categories.filter(name__icontains=filter["search"])
    if filter.get("slugs"):
        categories = categories.filter(slug__in=filter["slugs"])
    if filter.get("ids"):
        categories = categories.filter(pk__in=decode_ids(filter["ids"], "Category", field="ids"))
    return resolve_connection(categories, CategoryCountableConnection, info, **pagination)


def _register_one(info, instance, channel):
    if instance is not None:
        instance._channel = channel
        loaders_of(info).register([instance])
    return instance


def _exactly_one(**arguments) -> None:
    given = [name for name, value in arguments.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(f"`{name}`" for name in arguments)
        raise ApiError(f"Provide exactly one of {names}.", code=QueryErrorCode.INVALID)
