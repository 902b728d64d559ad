"""Vendor queries: one vendor for anyone (public details), the list for vendor managers."""

from __future__ import annotations

import graphene
from django.db.models import F
from django.utils.translation import gettext as _

from backend.core.permissions import Permission
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, PermissionDenied, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.stations.enums import enum_value
from backend.graphql.vendors.enums import VendorKindEnum, VendorStatusEnum
from backend.graphql.vendors.types import Vendor, VendorCountableConnection
from backend.vendors import scoping
from backend.vendors.selectors import search_vendors, vendors_visible_to


class VendorFilterInput(graphene.InputObjectType):
    status = VendorStatusEnum(description="Only vendors in this status (e.g. APPLIED to review).")
    kind = VendorKindEnum()
    search = graphene.String(
        description="Part of the name, legal name, town, village or phone, or a whole credit code."
    )


class VendorQueries(graphene.ObjectType):
    vendor = graphene.Field(
        Vendor,
        id=graphene.ID(description="The vendor's ID."),
        slug=graphene.String(description="Or its slug."),
        description="One vendor by ID or slug; null if there is none you may see. Everyone sees "
        "active vendors' public details; a vendor's staff and vendor managers also see its "
        "private ones.",
    )
    vendors = graphene.ConnectionField(
        VendorCountableConnection,
        filter=VendorFilterInput(),
        description="Every vendor, newest application first. Requires MANAGE_VENDORS.",
    )

    @staticmethod
    def resolve_vendor(root, info, id=None, slug=None):
        vendors = vendors_visible_to(info.context.user)
        if id:
            vendor = vendors.filter(pk=decode_id(id, "Vendor")).first()
        elif slug:
            vendor = vendors.filter(slug=slug.strip()).first()
        else:
            raise ApiError(_("请提供商家 ID 或标识。"), code=QueryErrorCode.INVALID, field="id")
        if vendor is not None:
            loaders_of(info).register([vendor])
        return vendor

    @staticmethod
    def resolve_vendors(root, info, filter=None, **pagination):
        user = info.context.user
        if not scoping.can_manage_vendors(user):
            raise PermissionDenied([Permission.MANAGE_VENDORS])
        vendors = vendors_visible_to(user)
        filter = filter or {}
        if filter.get("status"):
            vendors = vendors.filter(status=enum_value(filter["status"]))
        if filter.get("kind"):
            vendors = vendors.filter(kind=enum_value(filter["kind"]))
        if filter.get("search"):
            vendors = search_vendors(vendors, filter["search"])
        vendors = vendors.order_by(F("applied_at").desc(nulls_last=True), "-pk")
        return resolve_connection(vendors, VendorCountableConnection, info, **pagination)
