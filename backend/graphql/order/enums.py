"""Order enums, generated from the models' TextChoices (one spelling in database and API)."""

import graphene

from backend.graphql.catalog.enums import enum_from_choices
from backend.order.error_codes import OrderErrorCode as OrderErrorCodeChoices
from backend.order.models import (
    FulfillmentStatus as FulfillmentStatusChoices,
)
from backend.order.models import (
    OrderChargeStatus,
    OrderEvents,
)
from backend.order.models import (
    OrderStatus as OrderStatusChoices,
)

OrderStatusEnum = enum_from_choices("OrderStatus", OrderStatusChoices, "Status of an order.")
OrderChargeStatusEnum = enum_from_choices(
    "OrderChargeStatusEnum", OrderChargeStatus, "How much of the order's total has been charged."
)
OrderEventsEnum = enum_from_choices("OrderEventsEnum", OrderEvents)
FulfillmentStatusEnum = enum_from_choices("FulfillmentStatus", FulfillmentStatusChoices)
OrderErrorCodeEnum = enum_from_choices("OrderErrorCode", OrderErrorCodeChoices)


class OrderSortField(graphene.Enum):
    NUMBER = "number"
    CREATED_AT = "created_at"
    LAST_MODIFIED_AT = "updated_at"
    CUSTOMER = "user_email"
    PAYMENT = "charge_status"
    FULFILLMENT_STATUS = "status"
