"""Poverty-zone queries: the public zone (products, counters), certifications (public ones for
everyone, all for county staff, their own for vendors) and, for county zone staff only, the
masked household registry."""

from __future__ import annotations

import graphene
from django.db.models import Q

from backend.catalog.selectors import visible_products
from backend.graphql.channel.resolvers import resolve_channel
from backend.graphql.core.connection import CountableConnection, resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.poverty.types import (
    LowIncomeHousehold,
    PovertyCertification,
    PovertyZone,
)
from backend.poverty import selectors, services
from backend.poverty.models import Household


class PovertyCertificationCountableConnection(CountableConnection):
    class Meta:
        node = PovertyCertification


class LowIncomeHouseholdCountableConnection(CountableConnection):
    class Meta:
        node = LowIncomeHousehold


class PovertyQueries(graphene.ObjectType):
    poverty_zone = graphene.Field(
        PovertyZone,
        required=True,
        channel=graphene.String(description="Slug of the channel; the default channel if omitted."),
        description="The poverty-alleviation zone (扶贫专区): its certified products in the "
        "curated order and this year's counters.",
    )
    poverty_certifications = graphene.ConnectionField(
        PovertyCertificationCountableConnection,
        description="Certifications: every one for county zone staff (MANAGE_POVERTY) and brand "
        "managers, the vendor's own for its staff, those in force for everyone else.",
    )
    low_income_households = graphene.ConnectionField(
        LowIncomeHouseholdCountableConnection,
        search=graphene.String(description="Part of the reference number or village name."),
        description="The registry, masked. Requires MANAGE_POVERTY.",
    )

    @staticmethod
    def resolve_poverty_zone(root, info, channel=None):
        channel_obj = resolve_channel(info, channel)
        ids = [c.product_id for c in selectors.zone_certifications()]
        visible = visible_products(channel=channel_obj, user=info.context.user).in_bulk(ids)
        products = []
        for product_id in ids:
            product = visible.get(product_id)
            if product is not None and product not in products:
                product._channel = channel_obj
                products.append(product)
        # Registered, so each loader under the products runs once for all of them.
        loaders_of(info).register(products)
        return PovertyZone(products=products, stats=selectors.zone_stats())

    @staticmethod
    def resolve_poverty_certifications(root, info, **pagination):
        certifications = selectors.visible_certifications(info.context.user).order_by(
            "zone_position", "-created_at", "pk"
        )
        return resolve_connection(
            certifications, PovertyCertificationCountableConnection, info, **pagination
        )

    @staticmethod
    def resolve_low_income_households(root, info, search=None, **pagination):
        if not services.can_manage_poverty(info.context.user):
            raise ApiError(
                "You need MANAGE_POVERTY to see the registry.",
                code=QueryErrorCode.PERMISSION_DENIED,
            )
        households = Household.objects.select_related("village__town")
        if search:
            text = search.strip()[:50]
            households = households.filter(
                Q(reference_number__icontains=text) | Q(village__name__icontains=text)
            )
        return resolve_connection(
            households, LowIncomeHouseholdCountableConnection, info, **pagination
        )
