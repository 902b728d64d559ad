"""Loaders of an order's related rows; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.account.models import Address, User
from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.graphql.core.dataloaders import ByPkLoader, ChildrenLoader
from backend.order.models import (
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderEvent,
    OrderGrantedRefund,
    OrderLine,
)
from backend.payment.models import TransactionItem


class LinesByOrderIdLoader(ChildrenLoader):
    source = Order
    model = OrderLine
    parent_field = "order_id"


class EventsByOrderIdLoader(ChildrenLoader):
    source = Order
    model = OrderEvent
    parent_field = "order_id"


class FulfillmentsByOrderIdLoader(ChildrenLoader):
    source = Order
    model = Fulfillment
    parent_field = "order_id"


class GrantedRefundsByOrderIdLoader(ChildrenLoader):
    source = Order
    model = OrderGrantedRefund
    parent_field = "order_id"


class TransactionsByOrderIdLoader(ChildrenLoader):
    source = Order
    model = TransactionItem
    parent_field = "order_id"


class LinesByFulfillmentIdLoader(ChildrenLoader):
    source = Fulfillment
    model = FulfillmentLine
    parent_field = "fulfillment_id"


class ChannelByOrderLoader(ByPkLoader):
    model = Channel
    source = Order
    source_key = "channel_id"


class UserByOrderLoader(ByPkLoader):
    model = User
    source = Order
    source_key = "user_id"


class ShippingAddressByOrderLoader(ByPkLoader):
    model = Address
    source = Order
    source_key = "shipping_address_id"


class BillingAddressByOrderLoader(ByPkLoader):
    model = Address
    source = Order
    source_key = "billing_address_id"


class UserByEventLoader(ByPkLoader):
    model = User
    source = OrderEvent
    source_key = "user_id"


class VariantByOrderLineLoader(ByPkLoader):
    model = ProductVariant
    source = OrderLine
    source_key = "variant_id"


class OrderLineByFulfillmentLineLoader(ByPkLoader):
    model = OrderLine
    source = FulfillmentLine
    source_key = "order_line_id"


class UserByGrantedRefundLoader(ByPkLoader):
    model = User
    source = OrderGrantedRefund
    source_key = "user_id"
