"""The zone's public types (certifications as shoppers see them, the counters) and the county
staff's types (households, masked)."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.graphql.core.dataloaders import load
from backend.graphql.core.money import Money
from backend.graphql.poverty.dataloaders import HouseholdCountByCertificationLoader
from backend.graphql.poverty.enums import (
    PovertyCertificationStatusEnum,
    PovertyMechanismEnum,
    PovertyShareRecipientEnum,
)
from backend.poverty import services
from backend.poverty.models import Certification
from backend.poverty.models import Household as HouseholdModel
from backend.poverty.plain_words import mechanism_in_plain_words
from backend.vendors import scoping

PRIVATE = " Private: county zone staff and the vendor's own staff; null for anyone else."


def _may_see_private(info, certification: Certification) -> bool:
    user = info.context.user
    if services.can_manage_poverty(user):
        return True
    vendor = scoping.vendor_of(user)
    return vendor is not None and vendor.pk == certification.vendor_id


class PovertyCertification(DjangoObjectType):
    number = graphene.String(description="The certification number, e.g. FP-2026-0001.")
    status = graphene.Field(PovertyCertificationStatusEnum, required=True)
    mechanism = graphene.Field(PovertyMechanismEnum, required=True)
    mechanism_description = graphene.String(
        required=True, description="The benefit mechanism in plain words, for shoppers."
    )
    share_recipient = graphene.Field(PovertyShareRecipientEnum)
    village_name = graphene.String(description="The weak village whose collective benefits.")
    beneficiary_households = graphene.Int(
        required=True, description="How many registered households the mechanism names."
    )
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()
    reason = graphene.String(description="Why it was rejected or revoked." + PRIVATE)
    zone_position = graphene.Int(required=True)

    class Meta:
        model = Certification
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = (
            "A product's poverty-alleviation certification (扶贫产品认定) and its benefit "
            "mechanism. Household data is never exposed here."
        )

    @staticmethod
    def resolve_mechanism_description(root: Certification, info):
        return mechanism_in_plain_words(root)

    @staticmethod
    def resolve_share_recipient(root: Certification, info):
        return root.share_recipient or None

    @staticmethod
    def resolve_village_name(root: Certification, info):
        return str(root.village) if root.village_id else None

    @staticmethod
    def resolve_beneficiary_households(root: Certification, info):
        return load(info, HouseholdCountByCertificationLoader, root.pk)

    @staticmethod
    def resolve_reason(root: Certification, info):
        return root.reason if _may_see_private(info, root) else None

    @classmethod
    def get_node(cls, info, id):
        from backend.poverty.selectors import visible_certifications

        if not str(id).isdigit():
            return None
        return visible_certifications(info.context.user).filter(pk=id).first()


class PovertyZoneStats(graphene.ObjectType):
    year = graphene.Int(required=True)
    sales = graphene.Field(
        Money,
        required=True,
        description="Zone sales this year, net of refunds, without purchases by the vendors' "
        "staff or related accounts.",
    )
    target = graphene.Field(Money, required=True, description="The plan's annual target.")
    progress_percent = graphene.Int(required=True)
    households = graphene.Int(required=True, description="Households that benefited this year.")
    villages = graphene.Int(required=True, description="Villages that benefited this year.")
    benefit = graphene.Field(Money, required=True, description="Benefit reaching them.")

    @staticmethod
    def resolve_sales(root, info):
        return Money(amount=root.sales, currency="CNY")

    @staticmethod
    def resolve_target(root, info):
        return Money(amount=root.target, currency="CNY")

    @staticmethod
    def resolve_benefit(root, info):
        return Money(amount=root.benefit, currency="CNY")

    @staticmethod
    def resolve_progress_percent(root, info):
        return root.percent


class PovertyZone(graphene.ObjectType):
    products = graphene.List(
        graphene.NonNull("backend.graphql.catalog.types.Product"),
        required=True,
        description="Certified products visible in the channel, in the curated order.",
    )
    stats = graphene.Field(PovertyZoneStats, required=True)


class LowIncomeHousehold(DjangoObjectType):
    reference_number = graphene.String(required=True)
    head_name = graphene.String(required=True)
    members = graphene.Int(required=True)
    village_name = graphene.String(required=True)
    id_number = graphene.String(required=True, description="Masked: only the last 4 digits.")
    phone = graphene.String(required=True, description="Masked.")
    story_consent = graphene.Boolean(required=True)
    photo_consent = graphene.Boolean(required=True)
    is_fictional = graphene.Boolean(required=True)

    class Meta:
        model = HouseholdModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = (
            "A registered low-income household (建档立卡低收入户), masked. County zone staff "
            "(MANAGE_POVERTY) only; the full record is opened on the dashboard, audit-logged."
        )

    @staticmethod
    def resolve_village_name(root: HouseholdModel, info):
        return str(root.village)

    @staticmethod
    def resolve_id_number(root: HouseholdModel, info):
        return root.id_number_masked

    @staticmethod
    def resolve_phone(root: HouseholdModel, info):
        return root.phone_masked

    @classmethod
    def get_node(cls, info, id):
        if not services.can_manage_poverty(info.context.user) or not str(id).isdigit():
            return None
        return HouseholdModel.objects.filter(pk=id).first()
