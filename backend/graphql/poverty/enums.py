"""Poverty-zone enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.poverty.error_codes import PovertyErrorCode
from backend.poverty.models import CertificationStatus, Mechanism, ShareRecipient

PovertyCertificationStatusEnum = enum_from_choices(
    "PovertyCertificationStatusEnum",
    CertificationStatus,
    "Where a poverty-alleviation certification is: requested, approved, rejected, revoked or "
    "expired.",
)
PovertyMechanismEnum = enum_from_choices(
    "PovertyMechanismEnum",
    Mechanism,
    "How a certified product benefits low-income households or weak villages.",
)
PovertyShareRecipientEnum = enum_from_choices("PovertyShareRecipientEnum", ShareRecipient)
PovertyErrorCodeEnum = enum_from_choices("PovertyErrorCode", PovertyErrorCode)
