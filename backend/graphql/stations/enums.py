"""Station enums, generated from the models' TextChoices so a value has one spelling."""

import graphene

from backend.graphql.catalog.enums import enum_from_choices
from backend.stations.error_codes import StationErrorCode
from backend.stations.models import (
    StationCapability,
    StationLevel,
    StationOperatorRole,
    StationStatus,
)
from backend.stations.opening_hours import DAYS

StationLevelEnum = enum_from_choices(
    "StationLevelEnum",
    StationLevel,
    "County distribution centre, town transfer station or village e-commerce service station.",
)
StationCapabilityEnum = enum_from_choices(
    "StationCapabilityEnum", StationCapability, "A service a station offers."
)
StationStatusEnum = enum_from_choices(
    "StationStatusEnum", StationStatus, "Whether a station takes parcels."
)
StationOperatorRoleEnum = enum_from_choices(
    "StationOperatorRoleEnum", StationOperatorRole, "What a user does at a station."
)
StationErrorCodeEnum = enum_from_choices("StationErrorCode", StationErrorCode)
WeekdayEnum = graphene.Enum(
    "WeekdayEnum", [(day.upper(), day) for day in DAYS], description="A day of the week."
)


def enum_value(value):
    """The plain value of an enum argument (graphene passes members or values)."""
    return getattr(value, "value", value)
