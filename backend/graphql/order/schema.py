"""Order queries: `orders` for order managers, `order(id)` for whoever may see it, and
`orderByToken` for whoever holds the order's UUID (guest checkouts, as in Saleor)."""

from __future__ import annotations

from datetime import datetime, time

import graphene
from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.core.permissions import Permission
from backend.graphql.catalog.enums import OrderDirection
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.core.ids import decode_ids, decode_uuid
from backend.graphql.order.enums import OrderSortField, OrderStatusEnum
from backend.graphql.order.types import Order, OrderCountableConnection
from backend.order.models import Order as OrderModel
from backend.order.selectors import can_manage_orders, orders_visible_to


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
        description="Every order. Requires MANAGE_ORDERS.",
    )
    order_by_token = graphene.Field(
        Order,
        token=graphene.UUID(required=True),
        description="The order with this token (its UUID); whoever holds it may see it.",
    )

    @staticmethod
    def resolve_order(root, info, id):
        pk = decode_uuid(id, "Order")
        return orders_visible_to(info.context.user).filter(pk=pk).first()

    @staticmethod
    def resolve_orders(root, info, filter=None, sort_by=None, **pagination):
        if not can_manage_orders(info.context.user):
            raise PermissionDenied([Permission.MANAGE_ORDERS])
        orders = sort_orders(filter_orders(OrderModel.objects.all(), filter or {}), sort_by)
        return resolve_connection(orders, OrderCountableConnection, info, **pagination)

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
