"""GraphQL types of parcels (shipments), their legs and tracking events (issue #4).

A shopper reaches their parcels through `order.shipments`; staff through the `shipments`
query. The pickup code is shown to the order's owner only — not to staff or station operators,
who must get it from the shopper at the counter.
"""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.inventory.types import Warehouse
from backend.graphql.routing import dataloaders as loaders
from backend.graphql.routing.enums import (
    ShipmentDeliveryKindEnum,
    ShipmentLegKindEnum,
    ShipmentLegStatusEnum,
    ShipmentStatusEnum,
    TrackingActionEnum,
)
from backend.graphql.stations.types import Station
from backend.order.selectors import can_manage_orders
from backend.routing import models
from backend.routing.selectors import can_see_all_shipments, pickup_code_for


class ShipmentLeg(graphene.ObjectType):
    sequence = graphene.Int(required=True)
    from_ = graphene.Field(Station, name="from", required=True, description="Where it leaves.")
    to = graphene.Field(
        Station, description="Where it arrives; null for the last mile or the express courier."
    )
    kind = graphene.Field(ShipmentLegKindEnum, required=True)
    status = graphene.Field(ShipmentLegStatusEnum, required=True)
    planned_at = graphene.DateTime(
        required=True, description="Planned departure, from the co-delivery schedule."
    )
    planned_arrival_at = graphene.DateTime(required=True)
    done_at = graphene.DateTime()

    class Meta:
        description = "One hop of a parcel between stations (or to the shopper or courier)."

    @staticmethod
    def resolve_from_(root: models.ShipmentLeg, info):
        return load(info, loaders.FromStationByLegLoader, root.from_station_id)

    @staticmethod
    def resolve_to(root: models.ShipmentLeg, info):
        if root.to_station_id is None:
            return None
        return load(info, loaders.ToStationByLegLoader, root.to_station_id)

    @staticmethod
    def resolve_kind(root: models.ShipmentLeg, info):
        return str(root.kind)

    @staticmethod
    def resolve_status(root: models.ShipmentLeg, info):
        return str(root.status)


class TrackingEvent(graphene.ObjectType):
    action = graphene.Field(TrackingActionEnum, required=True)
    station = graphene.Field(Station)
    at = graphene.DateTime(required=True)
    note = graphene.String(required=True)

    class Meta:
        description = "Something that happened to a parcel: planned, scanned, re-routed."

    @staticmethod
    def resolve_action(root: models.TrackingEvent, info):
        return str(root.action)

    @staticmethod
    def resolve_station(root: models.TrackingEvent, info):
        if root.station_id is None:
            return None
        return load(info, loaders.StationByEventLoader, root.station_id)


class ShipmentLine(graphene.ObjectType):
    quantity = graphene.Int(required=True)
    order_line = graphene.Field("backend.graphql.order.types.OrderLine", required=True)

    @staticmethod
    def resolve_order_line(root: models.ShipmentLine, info):
        return load(info, loaders.OrderLineByShipmentLineLoader, root.order_line_id)


class Shipment(DjangoObjectType):
    code = graphene.String(required=True, description="The parcel code on its label.")
    status = graphene.Field(ShipmentStatusEnum, required=True)
    delivery_kind = graphene.Field(ShipmentDeliveryKindEnum, required=True)
    promised_date = graphene.Date(
        description="When the parcel is promised at the pickup station, at the door or with "
        "the courier (Asia/Shanghai)."
    )
    reason = graphene.String(required=True, description="Why it was routed (or held) so.")
    destination = graphene.Field(Station, description="The pickup or delivering station.")
    source_warehouse = graphene.Field(
        Warehouse, description="Where the goods come from. Staff only."
    )
    order_number = graphene.String(required=True)
    order = graphene.Field(
        "backend.graphql.order.types.Order", description="Requires MANAGE_ORDERS."
    )
    lines = graphene.List(graphene.NonNull(ShipmentLine), required=True)
    legs = graphene.List(graphene.NonNull(ShipmentLeg), required=True)
    events = graphene.List(graphene.NonNull(TrackingEvent), required=True)
    pickup_code = graphene.String(
        description="The 6-digit code that releases the parcel at the station; only for the "
        "order's owner, null for anyone else."
    )

    class Meta:
        model = models.Shipment
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A parcel of an order on its way through the station network."

    @staticmethod
    def resolve_status(root: models.Shipment, info):
        return str(root.status)

    @staticmethod
    def resolve_delivery_kind(root: models.Shipment, info):
        return str(root.delivery_kind)

    @staticmethod
    def resolve_destination(root: models.Shipment, info):
        if root.destination_station_id is None:
            return None
        return load(info, loaders.DestinationByShipmentLoader, root.destination_station_id)

    @staticmethod
    def resolve_source_warehouse(root: models.Shipment, info):
        if root.source_warehouse_id is None or not can_see_all_shipments(info.context.user):
            return None
        return load(info, loaders.WarehouseByShipmentLoader, root.source_warehouse_id)

    @staticmethod
    def resolve_order_number(root: models.Shipment, info):
        return str(load(info, loaders.OrderByShipmentLoader, root.order_id).number)

    @staticmethod
    def resolve_order(root: models.Shipment, info):
        if not can_manage_orders(info.context.user):
            return None
        return load(info, loaders.OrderByShipmentLoader, root.order_id)

    @staticmethod
    def resolve_lines(root: models.Shipment, info):
        return load(info, loaders.LinesByShipmentIdLoader, root.pk)

    @staticmethod
    def resolve_legs(root: models.Shipment, info):
        return load(info, loaders.LegsByShipmentIdLoader, root.pk)

    @staticmethod
    def resolve_events(root: models.Shipment, info):
        return load(info, loaders.EventsByShipmentIdLoader, root.pk)

    @staticmethod
    def resolve_pickup_code(root: models.Shipment, info):
        if not root.pickup_code_salt:
            return None
        order = load(info, loaders.OrderByShipmentLoader, root.order_id)
        return pickup_code_for(root, order_user_id=order.user_id, user=info.context.user)

    @classmethod
    def get_node(cls, info, id):
        from backend.routing.selectors import shipments_visible_to

        if not str(id).isdigit():
            return None
        return shipments_visible_to(info.context.user).filter(pk=id).first()


class ShipmentCountableConnection(CountableConnection):
    class Meta:
        node = Shipment
