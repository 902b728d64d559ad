"""Loaders of a parcel's related rows; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.graphql.core.dataloaders import ByPkLoader, ChildrenLoader
from backend.inventory.models import Warehouse
from backend.order.models import Order, OrderLine
from backend.routing.models import Shipment, ShipmentLeg, ShipmentLine, TrackingEvent
from backend.stations.models import Station


class ShipmentsByOrderIdLoader(ChildrenLoader):
    source = Order
    model = Shipment
    parent_field = "order_id"


class LegsByShipmentIdLoader(ChildrenLoader):
    source = Shipment
    model = ShipmentLeg
    parent_field = "shipment_id"


class EventsByShipmentIdLoader(ChildrenLoader):
    source = Shipment
    model = TrackingEvent
    parent_field = "shipment_id"


class LinesByShipmentIdLoader(ChildrenLoader):
    source = Shipment
    model = ShipmentLine
    parent_field = "shipment_id"


class OrderByShipmentLoader(ByPkLoader):
    model = Order
    source = Shipment
    source_key = "order_id"


class DestinationByShipmentLoader(ByPkLoader):
    model = Station
    source = Shipment
    source_key = "destination_station_id"


class WarehouseByShipmentLoader(ByPkLoader):
    model = Warehouse
    source = Shipment
    source_key = "source_warehouse_id"


class FromStationByLegLoader(ByPkLoader):
    model = Station
    source = ShipmentLeg
    source_key = "from_station_id"


class ToStationByLegLoader(ByPkLoader):
    model = Station
    source = ShipmentLeg
    source_key = "to_station_id"


class StationByEventLoader(ByPkLoader):
    model = Station
    source = TrackingEvent
    source_key = "station_id"


class OrderLineByShipmentLineLoader(ByPkLoader):
    model = OrderLine
    source = ShipmentLine
    source_key = "order_line_id"
