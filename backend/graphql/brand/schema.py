"""Brand queries: the public brand for everyone, licences for brand managers and vendors."""

from __future__ import annotations

import graphene
from django.db.models import Case, IntegerField, Q, Value, When

from backend.brand.models import PublicBrand as PublicBrandModel
from backend.brand.selectors import valid_licences, visible_licences
from backend.graphql.brand.enums import BrandLicenceStatusEnum
from backend.graphql.brand.types import BrandLicenceCountableConnection, PublicBrand
from backend.graphql.core.connection import resolve_connection
from backend.graphql.stations.enums import enum_value


class BrandLicenceFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(BrandLicenceStatusEnum))
    is_valid_now = graphene.Boolean(
        description="Only licences that carry the badge now (ACTIVE and inside their window), "
        "or only those that do not."
    )
    search = graphene.String(description="Part of the licence number, product or vendor name.")


class BrandQueries(graphene.ObjectType):
    public_brand = graphene.Field(
        PublicBrand, description="The county's public brand; null before the seed is loaded."
    )
    brand_licences = graphene.ConnectionField(
        BrandLicenceCountableConnection,
        filter=BrandLicenceFilterInput(),
        description="Brand licences, requests waiting for a decision first: every licence for "
        "brand managers (MANAGE_BRAND), their own vendor's for vendor staff, none for anyone "
        "else.",
    )

    @staticmethod
    def resolve_public_brand(root, info):
        return PublicBrandModel.objects.filter(is_active=True).order_by("pk").first()

    @staticmethod
    def resolve_brand_licences(root, info, filter=None, **pagination):
        licences = visible_licences(info.context.user)
        filter = filter or {}
        if filter.get("status"):
            licences = licences.filter(status__in=[enum_value(s) for s in filter["status"]])
        if filter.get("is_valid_now") is not None:
            valid = Q(pk__in=valid_licences().values("pk"))
            licences = licences.filter(valid if filter["is_valid_now"] else ~valid)
        if filter.get("search"):
            text = filter["search"].strip()[:100]
            licences = licences.filter(
                Q(number__icontains=text)
                | Q(product__name__icontains=text)
                | Q(vendor__name__icontains=text)
            )
        licences = licences.annotate(
            _waiting=Case(
                When(status="requested", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("_waiting", "-requested_at", "-pk")
        return resolve_connection(licences, BrandLicenceCountableConnection, info, **pagination)
