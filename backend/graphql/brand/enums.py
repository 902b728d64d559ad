"""Brand enums, generated from the models' TextChoices so a value has one spelling."""

from backend.brand.error_codes import BrandErrorCode
from backend.brand.models import LicenceStatus
from backend.graphql.catalog.enums import enum_from_choices

BrandLicenceStatusEnum = enum_from_choices(
    "BrandLicenceStatusEnum",
    LicenceStatus,
    "Where a brand licence is: requested, active, suspended, revoked, expired or rejected.",
)
BrandErrorCodeEnum = enum_from_choices("BrandErrorCode", BrandErrorCode)
