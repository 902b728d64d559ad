"""The Vendor type: public details for everyone, private ones for its staff and managers."""

from __future__ import annotations

from functools import wraps

import graphene
from graphene_django import DjangoObjectType

from backend.graphql.account.types import User
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.vendors.dataloaders import DocumentsByVendorLoader, StaffByVendorLoader
from backend.graphql.vendors.enums import (
    VendorDocumentKindEnum,
    VendorKindEnum,
    VendorRoleEnum,
    VendorStatusEnum,
)
from backend.vendors.models import Vendor as VendorModel
from backend.vendors.selectors import can_see_private, vendors_visible_to

PRIVATE = " Private: only the vendor's own staff and vendor managers; null for anyone else."


def private(resolve):
    """A resolver that answers null unless the viewer works for the vendor or manages vendors."""

    @wraps(resolve)
    def wrapper(root: VendorModel, info, **kwargs):
        if not can_see_private(info.context.user, root):
            return None
        return resolve(root, info, **kwargs)

    return staticmethod(wrapper)


def _attribute(name: str):
    return private(lambda root, info: getattr(root, name))


class VendorStaffMember(graphene.ObjectType):
    user = graphene.Field(User, required=True)
    role = graphene.Field(VendorRoleEnum, required=True)
    joined_at = graphene.DateTime(required=True)

    class Meta:
        description = "A user working for a vendor."


class VendorDocument(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.Field(VendorDocumentKindEnum, required=True)
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True, description="Size in bytes.")
    url = graphene.String(required=True, description="Where the scan can be downloaded.")
    uploaded_at = graphene.DateTime(required=True)

    class Meta:
        description = "A licence scan (or ID, bank proof) submitted with an application."

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id("VendorDocument", root.pk)

    @staticmethod
    def resolve_url(root, info):
        return info.context.build_absolute_uri(root.file.url)


class Vendor(DjangoObjectType):
    kind = graphene.Field(VendorKindEnum, required=True)
    status = graphene.Field(VendorStatusEnum, description="Onboarding status." + PRIVATE)
    legal_name = graphene.String(description="Name on the business licence." + PRIVATE)
    credit_code = graphene.String(description="统一社会信用代码 (GB 32100)." + PRIVATE)
    sc_licence_number = graphene.String(
        description="食品生产许可证编号 (SC + 14 digits) of a food processor." + PRIVATE
    )
    processes_food = graphene.Boolean(description="Makes or packs food." + PRIVATE)
    legal_representative = graphene.String(description="法定代表人 or operator." + PRIVATE)
    contact_phone = graphene.String(description=PRIVATE.strip())
    bank_name = graphene.String(description=PRIVATE.strip())
    bank_account_name = graphene.String(description=PRIVATE.strip())
    bank_account_masked = graphene.String(
        description="The settlement account's last digits, e.g. `**** 0123`; the full number "
        "is never returned." + PRIVATE
    )
    commission_rate = PositiveDecimal(
        description="Platform commission, e.g. 0.0500 for 5%; may be 0." + PRIVATE
    )
    rejection_reason = graphene.String(description="Why the application was rejected." + PRIVATE)
    suspension_reason = graphene.String(description="Why the vendor is suspended." + PRIVATE)
    applied_at = graphene.DateTime(description=PRIVATE.strip())
    reviewed_at = graphene.DateTime(description=PRIVATE.strip())
    staff = graphene.List(graphene.NonNull(VendorStaffMember), description=PRIVATE.strip())
    documents = graphene.List(graphene.NonNull(VendorDocument), description=PRIVATE.strip())

    class Meta:
        model = VendorModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "description", "town", "village")
        description = "A cooperative, family farm or enterprise that sells in the marketplace."

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.all() & vendors_visible_to(info.context.user)

    resolve_status = _attribute("status")
    resolve_legal_name = _attribute("legal_name")
    resolve_credit_code = _attribute("credit_code")
    resolve_sc_licence_number = _attribute("sc_licence_number")
    resolve_processes_food = _attribute("processes_food")
    resolve_legal_representative = _attribute("legal_representative")
    resolve_contact_phone = _attribute("contact_phone")
    resolve_bank_name = _attribute("bank_name")
    resolve_bank_account_name = _attribute("bank_account_name")
    resolve_bank_account_masked = _attribute("bank_account_masked")
    resolve_commission_rate = _attribute("commission_rate")
    resolve_rejection_reason = _attribute("rejection_reason")
    resolve_suspension_reason = _attribute("suspension_reason")
    resolve_applied_at = _attribute("applied_at")
    resolve_reviewed_at = _attribute("reviewed_at")

    @private
    def resolve_staff(root: VendorModel, info):
        return [
            VendorStaffMember(user=member.user, role=member.role, joined_at=member.created_at)
            for member in load(info, StaffByVendorLoader, root.pk)
        ]

    @private
    def resolve_documents(root: VendorModel, info):
        return load(info, DocumentsByVendorLoader, root.pk)


class VendorCountableConnection(CountableConnection):
    class Meta:
        node = Vendor
