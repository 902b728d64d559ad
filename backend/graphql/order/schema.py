"""Order queries: `orders` for order managers and (vendor-scoped) for a vendor's staff,
`order(id)` for whoever may see it, and `orderByToken` for whoever holds the order's UUID
(guest checkouts, as in Saleor)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import graphene
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.core.permissions import Permission
from backend.graphql.catalog.enums import OrderDirection
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.core.ids import decode_ids, decode_uuid
from backend.graphql.order.dataloaders import (
    FulfillmentsByOrderIdLoader,
    GrantedRefundsByOrderIdLoader,
    LinesByFulfillmentIdLoader,
    LinesByOrderIdLoader,
    TransactionsByOrderIdLoader,
)
from backend.graphql.order.enums import OrderSortField, OrderStatusEnum
from backend.graphql.order.types import Order, OrderCountableConnection
from backend.graphql.routing.dataloaders import ShipmentsByOrderIdLoader
from backend.order.models import Fulfillment, FulfillmentLine, OrderLine
from backend.order.models import Order as OrderModel
from backend.order.selectors import can_manage_orders, orders_visible_to
from backend.routing.models import Shipment
from backend.vendors.scoping import vendor_of


class DateRangeInput(graphene.InputObjectType):
    gte = graphene.Date(description="Start date (inclusive), in the county's time zone.")
    lte = graphene.Date(description="End date (inclusive), in the county's time zone.")


class OrderFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(OrderStatusEnum))
    created = graphene.Field(DateRangeInput)
    customer = graphene.String(description="Part of the customer's e-mail or mobile number.")
    channels = graphene.List(graphene.NonNull(graphene.ID))
    search = graphene.String(description="An order number, or part of an e-mail or number.")


class OrderSortingInput(graphene.InputObjectType):
    direction = graphene.Field(OrderDirection, required=True)
    field = graphene.Field(OrderSortField, required=True)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_end(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _text(value: str) -> str:
    # PostgreSQL text cannot hold NUL characters; a search for one finds nothing anyway.
    return value.replace("\x00", "").strip()


def filter_orders(orders: QuerySet[OrderModel], filter: dict) -> QuerySet[OrderModel]:
    if filter.get("status"):
        orders = orders.filter(status__in=[getattr(s, "value", s) for s in filter["status"]])
    created = filter.get("created") or {}
    if created.get("gte"):
        orders = orders.filter(created_at__gte=_day_start(created["gte"]))
    if created.get("lte"):
        orders = orders.filter(created_at__lte=_day_end(created["lte"]))
    if filter.get("customer"):
        text = _text(filter["customer"])
        orders = orders.filter(
            Q(user_email__icontains=text)
            | Q(user_phone__icontains=text)
            | Q(user__email__icontains=text)
            | Q(user__phone__icontains=text)
        )
    if filter.get("channels"):
        orders = orders.filter(
            channel_id__in=decode_ids(filter["channels"], "Channel", field="channels")
        )
    if filter.get("search"):
        text = _text(filter["search"]).lstrip("#")
        condition = Q(user_email__icontains=text) | Q(user_phone__icontains=text)
        if text.isdigit() and len(text) < 19:
            condition |= Q(number=int(text))
        orders = orders.filter(condition)
    return orders


def sort_orders(orders: QuerySet[OrderModel], sort_by: dict | None) -> QuerySet[OrderModel]:
    if not sort_by:
        return orders.order_by("-number")
    field = getattr(sort_by["field"], "value", sort_by["field"])
    direction = getattr(sort_by["direction"], "value", sort_by["direction"])
    prefix = "-" if direction == "desc" else ""
    return orders.order_by(f"{prefix}{field}", f"{prefix}number")


# --- vendor scoping (issue #6) ----------------------------------------------------------------
# A vendor's staff (who are not order managers) see the orders that hold at least one of their
# vendor's lines, and of each only what is theirs: their lines, their parcels, the fulfilments
# of their lines; never the payments, and the shopper's personal data masked as `orderByToken`
# masks it for a stranger. The page of orders is fetched first; the related rows for the whole
# page are then loaded in one statement each and handed to the request's loaders, so the
# statement count does not grow with the page size.


def vendor_orders(vendor) -> QuerySet[OrderModel]:
    return OrderModel.objects.filter(
        pk__in=OrderLine.objects.filter(vendor=vendor).values("order_id")
    )


def _vendor_filter(orders: QuerySet[OrderModel], filter: dict) -> QuerySet[OrderModel]:
    """A vendor may filter by status, date and channel, and search by order number only: the
    customer filter and an e-mail or phone search would let them probe who bought."""
    orders = filter_orders(
        orders, {key: value for key, value in filter.items() if key not in ("customer", "search")}
    )
    search = _text(filter.get("search") or "").lstrip("#")
    if search:
        number = int(search) if search.isdigit() and len(search) < 19 else None
        orders = orders.filter(number=number) if number is not None else orders.none()
    return orders


def scope_to_vendor(info, orders: list[OrderModel], vendor) -> None:
    """Mask each order and give the loaders only the vendor's share of its related rows."""
    ids = [order.pk for order in orders]
    for order in orders:
        order._masked = True  # type: ignore[attr-defined]
    loaders = loaders_of(info)
    lines = list(OrderLine.objects.filter(order_id__in=ids, vendor=vendor))
    for order in orders:
        own = [line for line in lines if line.order_id == order.pk]
        order._vendor_share = (  # type: ignore[attr-defined]
            sum((line.total_price_net_amount for line in own), Decimal(0)),
            sum((line.total_price_gross_amount for line in own), Decimal(0)),
        )
    shipments = list(Shipment.objects.filter(order_id__in=ids, source_warehouse__vendor=vendor))
    fulfillments = list(
        Fulfillment.objects.filter(order_id__in=ids, lines__order_line__vendor=vendor).distinct()
    )
    for loader_class, rows in (
        (LinesByOrderIdLoader, lines),
        (ShipmentsByOrderIdLoader, shipments),
        (FulfillmentsByOrderIdLoader, fulfillments),
        (TransactionsByOrderIdLoader, []),
        (GrantedRefundsByOrderIdLoader, []),
    ):
        loader = loaders.get(loader_class)
        for order_id in ids:
            loader.prime(order_id, [row for row in rows if row.order_id == order_id])
        loaders.register(rows)
    fulfillment_lines = list(
        FulfillmentLine.objects.filter(
            fulfillment_id__in=[f.pk for f in fulfillments], order_line__vendor=vendor
        )
    )
    by_fulfillment = loaders.get(LinesByFulfillmentIdLoader)
    for fulfillment in fulfillments:
        by_fulfillment.prime(
            fulfillment.pk, [x for x in fulfillment_lines if x.fulfillment_id == fulfillment.pk]
        )
    loaders.register(fulfillment_lines)


class OrderQueries(graphene.ObjectType):
    order = graphene.Field(
        Order,
        id=graphene.ID(required=True),
        description="An order: any for order managers, a shopper's own, else null.",
    )
    orders = graphene.ConnectionField(
        OrderCountableConnection,
        filter=OrderFilterInput(),
        sort_by=OrderSortingInput(),
        description=(
            "Every order for MANAGE_ORDERS; for a vendor's staff, the orders holding their "
            "vendor's lines, with only those lines and the shopper's data masked."
        ),
    )
    order_by_token = graphene.Field(
        Order,
        token=graphene.UUID(required=True),
        description="The order with this token (its UUID); whoever holds it may see it.",
    )

    @staticmethod
    def resolve_order(root, info, id):
        pk = decode_uuid(id, "Order")
        user = info.context.user
        order = orders_visible_to(user).filter(pk=pk).first()
        if order is not None or can_manage_orders(user):
            return order
        vendor = vendor_of(user)
        if vendor is None:
            return None
        order = vendor_orders(vendor).filter(pk=pk).first()
        if order is not None:
            loaders_of(info).register([order])
            scope_to_vendor(info, [order], vendor)
        return order

    @staticmethod
    def resolve_orders(root, info, filter=None, sort_by=None, **pagination):
        user = info.context.user
        if can_manage_orders(user):
            orders = sort_orders(filter_orders(OrderModel.objects.all(), filter or {}), sort_by)
            return resolve_connection(orders, OrderCountableConnection, info, **pagination)
        vendor = vendor_of(user)
        if vendor is None:
            raise PermissionDenied([Permission.MANAGE_ORDERS])
        orders = sort_orders(_vendor_filter(vendor_orders(vendor), filter or {}), sort_by)
        connection = resolve_connection(orders, OrderCountableConnection, info, **pagination)
        scope_to_vendor(info, [edge.node for edge in connection.edges], vendor)
        return connection

    @staticmethod
    def resolve_order_by_token(root, info, token):
        order = OrderModel.objects.filter(pk=token).first()
        user = info.context.user
        if order is not None and not (
            can_manage_orders(user) or (user.is_authenticated and order.user_id == user.pk)
        ):
            # The token shows a guest their order; the personal data in it stays masked.
            order._masked = True  # type: ignore[attr-defined]
        return order
