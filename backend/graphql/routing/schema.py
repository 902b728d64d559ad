"""Parcel queries: `shipments` for staff and station operators (their stations' parcels)."""

from __future__ import annotations

import graphene
from django.db.models import QuerySet

from backend.core.permissions import Permission
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.core.ids import decode_id
from backend.graphql.routing.enums import ShipmentStatusEnum
from backend.graphql.routing.types import ShipmentCountableConnection
from backend.routing.models import Shipment
from backend.routing.selectors import (
    can_see_all_shipments,
    shipments_visible_to,
    touching_stations,
)
from backend.stations.models import Station
from backend.stations.selectors import stations_operated_by


class ShipmentFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(ShipmentStatusEnum))
    station = graphene.String(
        description="A station's ID or code: parcels bound for it or passing through it."
    )


def filter_shipments(shipments: QuerySet[Shipment], filter: dict) -> QuerySet[Shipment]:
    if filter.get("status"):
        shipments = shipments.filter(status__in=[getattr(s, "value", s) for s in filter["status"]])
    value = (filter.get("station") or "").strip()
    if value:
        station_id = Station.objects.filter(code=value).values_list("pk", flat=True).first()
        if station_id is None:
            station_id = decode_id(value, "Station", field="station")
        shipments = touching_stations(shipments, [station_id])
    return shipments


class RoutingQueries(graphene.ObjectType):
    shipments = graphene.ConnectionField(
        ShipmentCountableConnection,
        filter=ShipmentFilterInput(),
        description="Parcels, newest first. Requires MANAGE_ORDERS or MANAGE_STATIONS; a "
        "station operator sees the parcels of their own stations.",
    )

    @staticmethod
    def resolve_shipments(root, info, filter=None, **pagination):
        user = info.context.user
        if not (can_see_all_shipments(user) or stations_operated_by(user).exists()):
            raise PermissionDenied([Permission.MANAGE_ORDERS, Permission.MANAGE_STATIONS])
        shipments = filter_shipments(shipments_visible_to(user), filter or {})
        return resolve_connection(
            shipments.order_by("-created_at", "-pk"),
            ShipmentCountableConnection,
            info,
            **pagination,
        )
