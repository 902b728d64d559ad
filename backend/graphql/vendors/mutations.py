"""Vendor mutations: applying, the vendor's own details, bank account, documents and staff, and
the service centre's review (MANAGE_VENDORS). Thin: backend.vendors.services decides."""

from __future__ import annotations

import graphene

from backend.account.models import User as UserModel
from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.core.upload import Upload
from backend.graphql.vendors.enums import (
    VendorDocumentKindEnum,
    VendorErrorCodeEnum,
    VendorKindEnum,
    VendorRoleEnum,
)
from backend.graphql.vendors.types import Vendor, VendorDocument
from backend.vendors import scoping, services
from backend.vendors.models import Vendor as VendorModel
from backend.vendors.models import VendorRole

VendorError = error_type("VendorError", VendorErrorCodeEnum)
VENDORS = [Permission.MANAGE_VENDORS]
OWN_VENDOR = "The vendor; defaults to the signed-in user's own vendor."


def _vendor(info, global_id: str | None) -> VendorModel:
    """The vendor an ID names, among those the user may act for (another vendor's ID is
    NOT_FOUND); without an ID, the user's own vendor."""
    user = info.context.user
    if not global_id:
        return scoping.require_vendor(user)
    vendors = scoping.scoped(VendorModel.objects.all(), user, field="pk")
    return get_instance(vendors, global_id, "Vendor", field="id")


class VendorDetailsInput(graphene.InputObjectType):
    name = graphene.String(description="Shop name shown to shoppers.")
    description = graphene.String()
    contact_phone = graphene.String(description="Mobile (+86…) or landline (0518-…).")
    town = graphene.String(description="Town of the county: its name or division code.")
    village = graphene.String(description="Village of that town: its name or division code.")
    kind = VendorKindEnum()
    legal_name = graphene.String(description="Name on the business licence.")
    credit_code = graphene.String(
        description="统一社会信用代码, 18 characters; required except for individual sellers."
    )
    processes_food = graphene.Boolean(description="Makes or packs food.")
    sc_licence_number = graphene.String(
        description="食品生产许可证编号 (SC + 14 digits); required for enterprises and "
        "cooperatives that process food."
    )
    legal_representative = graphene.String(description="法定代表人 or operator.")


class VendorApplyInput(VendorDetailsInput):
    kind = VendorKindEnum(required=True)
    name = graphene.String(required=True)
    bank_name = graphene.String(description="Settlement account: bank and branch.")
    bank_account_name = graphene.String(description="Settlement account: holder's name.")
    bank_account_number = graphene.String(
        description="Settlement account number; stored encrypted, shown masked."
    )
    owner_phone = graphene.String(
        description="Service-centre staff (MANAGE_VENDORS) entering the application of a "
        "farmer without a smartphone: the farmer's mobile, which receives an owner invitation."
    )


class VendorApply(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        input = VendorApplyInput(required=True)

    class Meta:
        description = (
            "Applies for a new vendor (status APPLIED); the signed-in user becomes its owner. "
            "An owner of a rejected application resubmits it, corrected."
        )
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, input):
        data = dict(input)
        owner_phone = data.pop("owner_phone", None)
        vendor = services.apply(actor=info.context.user, data=data, owner_phone=owner_phone)
        return cls(vendor=vendor)


class VendorUpdate(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        id = graphene.ID(description=OWN_VENDOR)
        input = VendorDetailsInput(required=True)

    class Meta:
        description = (
            "Changes a vendor's details: its owner changes the public ones at any time and the "
            "legal ones until approval; vendor managers change both."
        )
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, input, id=None):
        vendor = services.update_vendor(
            vendor=_vendor(info, id), actor=info.context.user, data=dict(input)
        )
        return cls(vendor=vendor)


class VendorBankAccountInput(graphene.InputObjectType):
    bank_name = graphene.String(required=True)
    account_name = graphene.String(required=True)
    account_number = graphene.String(required=True, description="8–30 digits.")


class VendorBankAccountUpdate(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        id = graphene.ID(description=OWN_VENDOR)
        input = VendorBankAccountInput(required=True)

    class Meta:
        description = (
            "Sets the settlement account (owner only). The number is stored encrypted; the API "
            "only ever returns it masked."
        )
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, input, id=None):
        vendor = services.set_bank_account(
            vendor=_vendor(info, id),
            actor=info.context.user,
            bank_name=input["bank_name"],
            account_name=input["account_name"],
            account_number=input["account_number"],
        )
        return cls(vendor=vendor)


class VendorDocumentUpload(BaseMutation):
    vendor = graphene.Field(Vendor)
    document = graphene.Field(VendorDocument)

    class Arguments:
        id = graphene.ID(description=OWN_VENDOR)
        kind = VendorDocumentKindEnum(required=True)
        file = Upload(required=True, description="PDF, JPEG, PNG or WebP, at most 5 MB.")

    class Meta:
        description = (
            "Uploads a licence scan to the vendor's file; its type is checked by its content. "
            "The vendor's staff and vendor managers."
        )
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, kind, file, id=None):
        vendor = _vendor(info, id)
        document = services.upload_document(
            vendor=vendor, actor=info.context.user, kind=kind, file=file
        )
        return cls(vendor=vendor, document=document)


class VendorApprove(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        id = graphene.ID(required=True)
        commission_rate = PositiveDecimal(description="e.g. 0.0500 for 5%; 0 is allowed.")

    class Meta:
        description = "Approves an application: APPLIED → ACTIVE. Requires MANAGE_VENDORS."
        permissions = VENDORS
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, id, commission_rate=None):
        vendor = services.approve(
            vendor=_vendor(info, id), actor=info.context.user, commission_rate=commission_rate
        )
        return cls(vendor=vendor)


def _decision(name: str, service, description: str, reason: str | None):
    """A review mutation `<name>(id[, reason])` calling `service(vendor=, actor=[, reason=])`;
    MANAGE_VENDORS."""
    arguments = {"id": graphene.ID(required=True)}
    if reason:
        arguments["reason"] = graphene.String(required=True, description=reason)

    def perform_mutation(cls, root, info, id, **extra):
        vendor = service(vendor=_vendor(info, id), actor=info.context.user, **extra)
        return cls(vendor=vendor)

    return type(
        name,
        (BaseMutation,),
        {
            "vendor": graphene.Field(Vendor),
            "Arguments": type("Arguments", (), arguments),
            "Meta": type(
                "Meta",
                (),
                {
                    "description": description + " Requires MANAGE_VENDORS.",
                    "permissions": VENDORS,
                    "error_type_class": VendorError,
                },
            ),
            "perform_mutation": classmethod(perform_mutation),
        },
    )


VendorReject = _decision(
    "VendorReject",
    services.reject,
    "Rejects an application: APPLIED → REJECTED; the applicant may correct and resubmit.",
    reason="Shown to the applicant.",
)
VendorSuspend = _decision(
    "VendorSuspend",
    services.suspend,
    "Suspends an active vendor: all its listings leave the storefront.",
    reason="Shown to the vendor.",
)
VendorReactivate = _decision(
    "VendorReactivate",
    services.reactivate,
    "Reactivates a suspended vendor: its listings are back on sale.",
    reason=None,
)


class VendorInvitation(graphene.ObjectType):
    id = graphene.ID(required=True)
    phone = graphene.String(required=True)
    role = graphene.Field(VendorRoleEnum, required=True)
    expires_at = graphene.DateTime(required=True)

    class Meta:
        description = "An invitation sent by SMS; the token is only in the message."

    @staticmethod
    def resolve_id(root, info):
        return graphene.relay.Node.to_global_id("VendorInvitation", root.pk)


class VendorStaffInvite(BaseMutation):
    invitation = graphene.Field(VendorInvitation)

    class Arguments:
        id = graphene.ID(description=OWN_VENDOR)
        phone = graphene.String(required=True, description="The invitee's mobile number.")
        role = VendorRoleEnum(description="STAFF (default) or OWNER.")

    class Meta:
        description = "Invites a phone number to the vendor's staff (owner only)."
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, phone, id=None, role=None):
        invitation, _token = services.invite_staff(
            vendor=_vendor(info, id),
            actor=info.context.user,
            phone=phone,
            role=role or VendorRole.STAFF,
        )
        return cls(invitation=invitation)


class VendorInvitationAccept(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        token = graphene.String(required=True, description="The token from the SMS.")

    class Meta:
        description = (
            "Joins the vendor that invited the signed-in user's phone number. A user works for "
            "one vendor at most."
        )
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, token):
        staff = services.accept_invitation(user=info.context.user, token=token)
        return cls(vendor=staff.vendor)


class VendorStaffRemove(BaseMutation):
    vendor = graphene.Field(Vendor)

    class Arguments:
        id = graphene.ID(description=OWN_VENDOR)
        user = graphene.ID(required=True, description="The staff member to remove.")

    class Meta:
        description = "Removes a user from the vendor's staff (owner only; not the last owner)."
        error_type_class = VendorError

    @classmethod
    def perform_mutation(cls, root, info, user, id=None):
        vendor = _vendor(info, id)
        member = get_instance(
            UserModel.objects.filter(vendor_membership__vendor=vendor), user, "User", field="user"
        )
        services.remove_staff(vendor=vendor, actor=info.context.user, user=member)
        return cls(vendor=vendor)


class VendorMutations(graphene.ObjectType):
    vendor_apply = VendorApply.Field()
    vendor_update = VendorUpdate.Field()
    vendor_bank_account_update = VendorBankAccountUpdate.Field()
    vendor_document_upload = VendorDocumentUpload.Field()
    vendor_approve = VendorApprove.Field()
    vendor_reject = VendorReject.Field()
    vendor_suspend = VendorSuspend.Field()
    vendor_reactivate = VendorReactivate.Field()
    vendor_staff_invite = VendorStaffInvite.Field()
    vendor_invitation_accept = VendorInvitationAccept.Field()
    vendor_staff_remove = VendorStaffRemove.Field()
