"""Tourism enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.tourism.error_codes import TourismErrorCode
from backend.tourism.models import BookingMode, TicketKind, TourismVoucherStatus, VenueKind

TourismErrorCodeEnum = enum_from_choices("TourismErrorCode", TourismErrorCode)
VenueKindEnum = enum_from_choices("VenueKindEnum", VenueKind, "What kind of place a venue is.")
BookingModeEnum = enum_from_choices(
    "TourismBookingModeEnum", BookingMode, "A visit date chosen at purchase, or open-dated."
)
TicketKindEnum = enum_from_choices("TicketKindEnum", TicketKind, "The kind of a ticket type.")
TourismVoucherStatusEnum = enum_from_choices(
    "TourismVoucherStatusEnum", TourismVoucherStatus, "Where an issued tourism voucher stands."
)
