"""Routing enums, generated from the models' TextChoices (one spelling in database and API)."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    ShipmentStatus,
    TrackingAction,
)

ShipmentStatusEnum = enum_from_choices(
    "ShipmentStatusEnum", ShipmentStatus, "Where a parcel is in its journey."
)
ShipmentDeliveryKindEnum = enum_from_choices(
    "ShipmentDeliveryKindEnum",
    DeliveryKind,
    "Station pickup (网订店取), home delivery (网订到家) or express out of the county.",
)
ShipmentLegKindEnum = enum_from_choices(
    "ShipmentLegKindEnum", LegKind, "Which hop of the network a leg is."
)
ShipmentLegStatusEnum = enum_from_choices("ShipmentLegStatusEnum", LegStatus)
TrackingActionEnum = enum_from_choices(
    "TrackingActionEnum", TrackingAction, "What happened to a parcel."
)
