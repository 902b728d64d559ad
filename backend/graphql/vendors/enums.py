"""Vendor enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.vendors.error_codes import VendorErrorCode
from backend.vendors.models import VendorDocumentKind, VendorKind, VendorRole, VendorStatus

VendorKindEnum = enum_from_choices("VendorKindEnum", VendorKind)
VendorStatusEnum = enum_from_choices(
    "VendorStatusEnum",
    VendorStatus,
    "Where a vendor is in onboarding: applied, active, rejected or suspended.",
)
VendorRoleEnum = enum_from_choices(
    "VendorRoleEnum", VendorRole, "What a user does for a vendor: owner or staff."
)
VendorDocumentKindEnum = enum_from_choices(
    "VendorDocumentKindEnum", VendorDocumentKind, "What a scan submitted with an application is."
)
VendorErrorCodeEnum = enum_from_choices("VendorErrorCode", VendorErrorCode)
