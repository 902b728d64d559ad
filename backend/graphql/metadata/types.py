"""Saleor's public metadata: `metadata`, `metafield(key:)`, `privateMetadata` on the types
that keep it (Product, ProductVariant, Checkout).

Private metadata (Saleor: for apps and staff only) is not kept here; `privateMetadata` answers
an empty list and `privateMetafield` null.
"""

from __future__ import annotations

import graphene


class MetadataItem(graphene.ObjectType):
    key = graphene.String(required=True)
    value = graphene.String(required=True)


class MetadataInput(graphene.InputObjectType):
    key = graphene.String(required=True)
    value = graphene.String(required=True)


class ObjectWithMetadataFields:
    """Mixed into an object type whose model has a `metadata` JSON column."""

    metadata = graphene.List(graphene.NonNull(MetadataItem), required=True)
    metafield = graphene.String(key=graphene.String(required=True))
    private_metadata = graphene.List(
        graphene.NonNull(MetadataItem),
        required=True,
        description="Always empty: no private metadata is kept here.",
    )
    private_metafield = graphene.String(
        key=graphene.String(required=True), description="Always null."
    )

    @staticmethod
    def resolve_metadata(root, info):
        data = root.metadata or {}
        return [MetadataItem(key=key, value=str(value)) for key, value in sorted(data.items())]

    @staticmethod
    def resolve_metafield(root, info, key):
        value = (root.metadata or {}).get(key)
        return None if value is None else str(value)

    @staticmethod
    def resolve_private_metadata(root, info):
        return []

    @staticmethod
    def resolve_private_metafield(root, info, key):
        return None


class ObjectWithMetadata(graphene.Interface):
    """Saleor's interface of the types that keep metadata (here Product, ProductVariant and
    Checkout); `updateMetadata` returns the changed object as this interface."""

    metadata = graphene.List(graphene.NonNull(MetadataItem), required=True)
    metafield = graphene.String(key=graphene.String(required=True))
    private_metadata = graphene.List(graphene.NonNull(MetadataItem), required=True)
    private_metafield = graphene.String(key=graphene.String(required=True))

    @classmethod
    def resolve_type(cls, instance, info):
        from backend.graphql.catalog.types import Product, ProductVariant
        from backend.graphql.checkout.types import Checkout

        types = {"Product": Product, "ProductVariant": ProductVariant}
        return types.get(type(instance).__name__, Checkout)
