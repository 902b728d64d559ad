"""The public brand and its licences."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.brand.models import BrandLicence as BrandLicenceModel
from backend.brand.models import LicenceStatus
from backend.brand.models import PublicBrand as PublicBrandModel
from backend.brand.services import can_manage_brand
from backend.graphql.brand.dataloaders import EventsByLicenceLoader
from backend.graphql.brand.enums import BrandLicenceStatusEnum
from backend.graphql.catalog.types import Image
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.vendors import scoping

PRIVATE = " Private: brand managers and the vendor's own staff; null for anyone else."


def _may_see_private(info, licence: BrandLicenceModel) -> bool:
    user = info.context.user
    if can_manage_brand(user):
        return True
    vendor = scoping.vendor_of(user)
    return vendor is not None and vendor.pk == licence.vendor_id


class PublicBrand(graphene.ObjectType):
    name = graphene.String(required=True)
    slogan = graphene.String(required=True)
    story = graphene.String(required=True)
    county_name = graphene.String(required=True)
    logo = graphene.Field(Image, description="The brand mark; null before one is uploaded.")
    standards_document_url = graphene.String(
        description="The brand's standards (quality and packaging), a PDF."
    )
    quality_standards = graphene.String(required=True, description="Summary for shoppers.")
    packaging_rules = graphene.String(required=True)
    sms_signature = graphene.String(
        required=True, description="How the marketplace signs its text messages, e.g. 【伊山伊水】."
    )

    class Meta:
        description = "The county's public brand (区域公用品牌) the marketplace sells under."

    @staticmethod
    def resolve_logo(root: PublicBrandModel, info):
        if not root.logo:
            return None
        return Image(url=info.context.build_absolute_uri(root.logo.url), alt=root.name)

    @staticmethod
    def resolve_standards_document_url(root: PublicBrandModel, info):
        if not root.standards_document:
            return None
        return info.context.build_absolute_uri(root.standards_document.url)

    @staticmethod
    def resolve_sms_signature(root: PublicBrandModel, info):
        return root.sms_signature


class BrandLicenceEvent(graphene.ObjectType):
    action = graphene.String(
        required=True,
        description="requested, granted, suspended, reinstated, revoked, rejected or expired.",
    )
    status = graphene.Field(BrandLicenceStatusEnum, required=True)
    reason = graphene.String(required=True)
    date = graphene.DateTime(required=True)

    class Meta:
        description = "One decision in a licence's history."

    @staticmethod
    def resolve_date(root, info):
        return root.created_at

    @staticmethod
    def resolve_status(root, info):
        return LicenceStatus(root.status).value


class BrandLicence(DjangoObjectType):
    number = graphene.String(required=True, description="e.g. YSYS-2026-0001.")
    status = graphene.Field(BrandLicenceStatusEnum, required=True)
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime(description="The badge disappears at this instant.")
    product = graphene.Field("backend.graphql.catalog.types.Product")
    vendor = graphene.Field("backend.graphql.vendors.types.Vendor")
    requested_at = graphene.DateTime(description="When it was requested." + PRIVATE)
    decided_at = graphene.DateTime(description="When it was last decided." + PRIVATE)
    reason = graphene.String(description="The reason of the last decision." + PRIVATE)
    events = graphene.List(
        graphene.NonNull(BrandLicenceEvent), description="Its history, oldest first." + PRIVATE
    )

    class Meta:
        model = BrandLicenceModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A product's licence to carry the public brand (授权使用)."

    @staticmethod
    def resolve_status(root: BrandLicenceModel, info):
        # A status just assigned by a service is the enum member, a loaded one its value.
        return LicenceStatus(root.status).value

    @staticmethod
    def resolve_product(root: BrandLicenceModel, info):
        return root.product

    @staticmethod
    def resolve_vendor(root: BrandLicenceModel, info):
        return root.vendor

    @staticmethod
    def resolve_requested_at(root, info):
        return root.requested_at if _may_see_private(info, root) else None

    @staticmethod
    def resolve_decided_at(root, info):
        return root.decided_at if _may_see_private(info, root) else None

    @staticmethod
    def resolve_reason(root, info):
        return root.reason if _may_see_private(info, root) else None

    @staticmethod
    def resolve_events(root, info):
        if not _may_see_private(info, root):
            return None
        return load(info, EventsByLicenceLoader, root.pk)

    @classmethod
    def get_node(cls, info, id):
        from backend.brand.selectors import visible_licences

        return visible_licences(info.context.user).filter(pk=id).first()


class BrandLicenceCountableConnection(CountableConnection):
    class Meta:
        node = BrandLicence
