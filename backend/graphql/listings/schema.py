"""Listing queries: a product's review state, the reviewers' queue, a vendor's own products."""

from __future__ import annotations

import graphene
from django.db.models import Prefetch, QuerySet

from backend.catalog.models import AssignedProductAttributeValue
from backend.core.permissions import Permission
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.core.ids import decode_id
from backend.graphql.listings.types import (
    Listing,
    ListingCountableConnection,
    ListingStateEnum,
    enum_value,
)
from backend.listings.models import Listing as ListingModel
from backend.listings.models import ListingState
from backend.vendors import scoping


class ListingFilterInput(graphene.InputObjectType):
    state = ListingStateEnum(description="Only listings in this state.")
    has_pending_revision = graphene.Boolean(
        description="Only approved listings with (or without) changes waiting for review."
    )


def listings_with_related() -> QuerySet[ListingModel]:
    """Listings with what the Listing type reads, fetched in a fixed number of queries."""
    return ListingModel.objects.select_related(
        "product__product_type", "product__vendor", "product__category"
    ).prefetch_related(
        "revisions",
        "decisions",
        "product__certificates",
        Prefetch(
            "product__attributevalues",
            queryset=AssignedProductAttributeValue.objects.select_related("value__attribute"),
        ),
    )


def _filtered(listings: QuerySet[ListingModel], filter) -> QuerySet[ListingModel]:
    filter = filter or {}
    if filter.get("state"):
        listings = listings.filter(state=enum_value(filter["state"]))
    if filter.get("has_pending_revision") is not None:
        listings = listings.filter(has_pending_revision=filter["has_pending_revision"])
    return listings


class ListingQueries(graphene.ObjectType):
    product_listing = graphene.Field(
        Listing,
        product=graphene.ID(required=True, description="The product's ID."),
        description="A product's review state: reviewers see every product's, vendor staff "
        "their own vendor's; null for anyone else (and for a product without a listing).",
    )
    listing_review_queue = graphene.ConnectionField(
        ListingCountableConnection,
        filter=ListingFilterInput(
            description="Default: listings waiting for review (SUBMITTED), oldest first."
        ),
        description="Listings for the reviewers. Requires MANAGE_VENDORS.",
    )
    vendor_products = graphene.ConnectionField(
        ListingCountableConnection,
        filter=ListingFilterInput(),
        description="The signed-in vendor staff's own products with their review states, "
        "most recently changed first. Empty for anyone who is not vendor staff.",
    )

    @staticmethod
    def resolve_product_listing(root, info, product):
        pk = decode_id(product, "Product", field="product")
        listings = scoping.scoped(
            listings_with_related(), info.context.user, field="product__vendor"
        )
        return listings.filter(product_id=pk).first()

    @staticmethod
    def resolve_listing_review_queue(root, info, filter=None, **pagination):
        if not scoping.can_manage_vendors(info.context.user):
            raise PermissionDenied([Permission.MANAGE_VENDORS])
        filter = dict(filter or {})
        filter.setdefault("state", ListingState.SUBMITTED)
        listings = _filtered(listings_with_related(), filter).order_by("submitted_at", "pk")
        return resolve_connection(listings, ListingCountableConnection, info, **pagination)

    @staticmethod
    def resolve_vendor_products(root, info, filter=None, **pagination):
        vendor = scoping.vendor_of(info.context.user)
        listings = (
            listings_with_related().filter(product__vendor=vendor)
            if vendor is not None
            else ListingModel.objects.none()
        )
        listings = _filtered(listings, filter).order_by("-updated_at", "-pk")
        return resolve_connection(listings, ListingCountableConnection, info, **pagination)
