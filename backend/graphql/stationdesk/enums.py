"""Station desk enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.stationdesk.error_codes import StationDeskErrorCode
from backend.stationdesk.models import FirstMileStatus

StationDeskErrorCodeEnum = enum_from_choices("StationDeskErrorCode", StationDeskErrorCode)
FirstMileStatusEnum = enum_from_choices(
    "FirstMileStatusEnum", FirstMileStatus, "Where a first-mile produce parcel is."
)
