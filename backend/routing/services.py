"""Planning and re-routing an order's parcels (issue #4).

`plan_order` reads the order, its stock and the station network in a fixed number of queries
(whatever the number of lines), asks the pure planner (`planner.py`) for a plan and writes the
shipments, their lines, legs and first tracking events in one transaction. It moves the
order's stock allocations to the warehouses the plan ships from, so stock and parcels agree.

`reroute_station` runs when a station is suspended or closed: parcels still heading to it go to
the nearest active station of the same town (or the town station) and the shoppers are told.

Lock order, as in the order and inventory apps: the order row, then its allocations, then the
stock rows in primary-key order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.catalog.models import AssignedProductAttributeValue
from backend.core import audit
from backend.divisions.models import Town
from backend.inventory.models import Allocation, Reservation, Stock
from backend.order.events import add_event
from backend.order.models import Order, OrderEvents, OrderLine, OrderStatus
from backend.routing import pickup_codes, planner
from backend.routing.models import (
    DeliveryKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from backend.stations.models import Station, StationCapability, StationLevel, StationStatus

# The boolean product attribute that marks goods needing the cold chain (catalog_seed).
COLD_CHAIN_ATTRIBUTE = "cold-chain"
# Stands for "as much as needed" for variants that do not track inventory.
UNTRACKED = 10**9
# Parcels still on their way to their destination station: rerouting can change where they go.
REROUTABLE = (ShipmentStatus.PLANNED, ShipmentStatus.IN_TRANSIT)


def schedule() -> planner.Schedule:
    return planner.Schedule.from_settings(
        settings.COUNTY_DISPATCH_RUNS, settings.ROUTING_LEG_MINUTES
    )


@dataclass
class PlanResult:
    shipments: list[Shipment]
    created: bool
    hold_reason: str | None = None


# --- the station network ---------------------------------------------------------------------


@dataclass(frozen=True)
class StationRow:
    id: int
    code: str
    name: str
    level: str
    status: str
    town_id: int | None
    town_code: str | None
    village_id: int | None
    capabilities: tuple[str, ...]
    latitude: float
    longitude: float
    warehouse_id: int | None

    @property
    def node(self) -> planner.StationNode:
        return planner.StationNode(
            code=self.code,
            level=self.level,
            town_code=self.town_code,
            cold_chain=StationCapability.COLD_CHAIN in self.capabilities,
            name=self.name,
        )

    @property
    def is_active(self) -> bool:
        return self.status == StationStatus.ACTIVE


def load_stations() -> list[StationRow]:
    """Every station (one query): active ones make the network, others are looked up by code."""
    rows = Station.objects.order_by("code").values_list(
        "id",
        "code",
        "name",
        "level",
        "status",
        "town_id",
        "town__code",
        "village_id",
        "capabilities",
        "latitude",
        "longitude",
        "warehouse_id",
    )
    return [
        StationRow(
            id=row[0],
            code=row[1],
            name=row[2],
            level=row[3],
            status=row[4],
            town_id=row[5],
            town_code=row[6],
            village_id=row[7],
            capabilities=tuple(row[8] or ()),
            latitude=float(row[9]),
            longitude=float(row[10]),
            warehouse_id=row[11],
        )
        for row in rows
    ]


def network_of(stations: Iterable[StationRow]) -> planner.Network | None:
    active = [s for s in stations if s.is_active]
    centre = next((s for s in active if s.level == StationLevel.COUNTY), None)
    if centre is None:
        return None
    return planner.Network(
        county_centre=centre.node,
        stations=tuple(s.node for s in active if s.level != StationLevel.COUNTY),
    )


def _distance_km(a: StationRow, b: StationRow) -> float:
    """Great-circle distance (haversine), as the stations app measures it."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(math.sqrt(h), 1.0))


def replacement_station(
    station: StationRow, stations: Iterable[StationRow], capability: str
) -> StationRow | None:
    """Where parcels for an unavailable station go instead (issue #4): the nearest active
    station of the same town that offers `capability`, else the town's active transfer
    station, else the county centre."""
    stations = list(stations)
    same_town = [
        s
        for s in stations
        if s.is_active
        and s.id != station.id
        and s.town_id == station.town_id
        and station.town_id is not None
        and capability in s.capabilities
    ]
    if same_town:
        return min(same_town, key=lambda s: (_distance_km(station, s), s.code))
    town = next(
        (
            s
            for s in stations
            if s.is_active and s.level == StationLevel.TOWN and s.town_id == station.town_id
        ),
        None,
    )
    if town is not None and town.id != station.id:
        return town
    return next((s for s in stations if s.is_active and s.level == StationLevel.COUNTY), None)


# --- planning an order ------------------------------------------------------------------------


def pickup_station_code(delivery_method_id: str) -> str | None:
    """The station of a station-pickup delivery method: its id ends in ":<station code>"
    (e.g. "station-pickup:GY-V-320723100201")."""
    if ":" not in delivery_method_id:
        return None
    return delivery_method_id.rsplit(":", 1)[1] or None


def _destination(
    order: Order,
    stations: list[StationRow],
    serving: list[int],
) -> tuple[planner.Destination, str]:
    """The planner's destination and a note when the shopper's choice had to
    change (a suspended pickup station); or raises _Hold."""
    by_code = {s.code: s for s in stations}
    code = pickup_station_code(order.delivery_method_id or "")
    address = order.shipping_address
    if code is not None:
        if code not in by_code:
            raise _Hold(_("订单选择的自提站点 %(code)s 不存在。") % {"code": code})
        station = by_code[code]
        note = ""
        if not station.is_active:
            replacement = replacement_station(station, stations, StationCapability.PICKUP)
            if replacement is None:
                raise _Hold(
                    _("自提站点 %(name)s 暂停服务，且没有可替代的站点。") % {"name": station.name}
                )
            note = _("自提站点 %(old)s 暂停服务，改到 %(new)s 自提。") % {
                "old": station.name,
                "new": replacement.name,
            }
            station = replacement
        town = station.town_code
        return planner.Destination(planner.Delivery.PICKUP, station.code, town), note
    if address is not None and address.village_id is not None:
        by_id = {s.id: s for s in stations}
        candidates = [
            by_id[pk]
            for pk in serving
            if pk in by_id
            and by_id[pk].is_active
            and by_id[pk].level == StationLevel.VILLAGE
            and StationCapability.HOME_DELIVERY in by_id[pk].capabilities
        ]
        # The village's own station first, then another village station serving it.
        candidates.sort(key=lambda s: (s.village_id != address.village_id, s.code))
        delivering: StationRow | None = candidates[0] if candidates else None
        if delivering is None:
            delivering = next(
                (
                    s
                    for s in stations
                    if s.is_active and s.level == StationLevel.TOWN and s.town_id == address.town_id
                ),
                None,
            )
        if delivering is None:
            raise _Hold(_("收货地址所在的村和乡镇都没有运营中的站点，无法送货上门。"))
        return (
            planner.Destination(
                planner.Delivery.HOME_DELIVERY, delivering.code, delivering.town_code
            ),
            "",
        )
    return planner.Destination(planner.Delivery.EXPRESS), ""


class _Hold(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _lines_to_ship(order: Order) -> list[OrderLine]:
    lines = (
        OrderLine.objects.filter(order=order, is_shipping_required=True)
        .select_related("variant")
        .order_by("sort_order", "pk")
    )
    return [line for line in lines if line.quantity_unfulfilled > 0]


def _cold_chain_products(product_ids: set[int]) -> set[int]:
    if not product_ids:
        return set()
    return set(
        AssignedProductAttributeValue.objects.filter(
            product_id__in=product_ids,
            value__attribute__slug=COLD_CHAIN_ATTRIBUTE,
            value__boolean=True,
        ).values_list("product_id", flat=True)
    )


@dataclass
class _Stock:
    """The order's view of stock: locked rows, its own allocations, what is free for it."""

    rows: dict[int, Stock]  # stock id → locked row
    own: dict[tuple[str, int], int]  # (order line id, stock id) → units allocated to the line
    inputs: list[planner.WarehouseStock]


def _load_stock(
    order: Order, lines: list[OrderLine], stations: list[StationRow], town_codes: dict[str, str]
) -> _Stock:
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(order_line__order=order, quantity_allocated__gt=0)
        .order_by("stock_id", "pk")
    )
    variant_ids = {line.variant_id for line in lines if line.variant_id}
    stocks = list(
        Stock.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .filter(product_variant_id__in=variant_ids, warehouse__channels__id=order.channel_id)
        .order_by("pk")
    )
    reserved = {
        row["stock_id"]: row["total"]
        for row in Reservation.objects.filter(
            stock_id__in=[s.pk for s in stocks], reserved_until__gt=timezone.now()
        )
        .values("stock_id")
        .annotate(total=Sum("quantity_reserved"))
    }
    own: dict[tuple[str, int], int] = defaultdict(int)
    own_by_stock: dict[int, int] = defaultdict(int)
    for allocation in allocations:
        own[(str(allocation.order_line_id), allocation.stock_id)] += allocation.quantity_allocated
        own_by_stock[allocation.stock_id] += allocation.quantity_allocated
    untracked: set[int] = {
        line.variant.pk for line in lines if line.variant and not line.variant.track_inventory
    }
    by_warehouse_station = {s.warehouse_id: s for s in stations if s.warehouse_id}
    centre = next((s for s in stations if s.level == StationLevel.COUNTY), None)
    available: dict[int, dict[int, int]] = defaultdict(dict)
    warehouses = {}
    for stock in stocks:
        free = stock.quantity - stock.quantity_allocated - reserved.get(stock.pk, 0)
        free += own_by_stock.get(stock.pk, 0)
        if stock.product_variant_id in untracked:
            free = UNTRACKED
        available[stock.warehouse_id][stock.product_variant_id] = max(free, 0)
        warehouses[stock.warehouse_id] = stock.warehouse
    if centre is not None and centre.warehouse_id is not None:
        # Untracked goods without a stock row anywhere are sent from the county centre.
        stocked = {s.product_variant_id for s in stocks}
        for variant_id in untracked - stocked:
            available[centre.warehouse_id][variant_id] = UNTRACKED
    inputs = []
    for warehouse_id, quantities in available.items():
        warehouse = warehouses.get(warehouse_id)
        station = by_warehouse_station.get(warehouse_id)
        town_code = station.town_code if station else None
        if town_code is None and warehouse is not None:
            town_code = town_codes.get(warehouse.town)
        inputs.append(
            planner.WarehouseStock(
                warehouse_id=warehouse_id,
                town_code=town_code,
                is_county_centre=station is not None and station.level == StationLevel.COUNTY,
                is_cold_chain=bool(warehouse and warehouse.is_cold_chain)
                or (station is not None and station.level == StationLevel.COUNTY),
                available=quantities,
                name=warehouse.name if warehouse else (centre.name if centre else ""),
            )
        )
    return _Stock(rows={s.pk: s for s in stocks}, own=dict(own), inputs=inputs)


def _move_allocations(plan: planner.FulfilmentPlan, lines: list[OrderLine], stock: _Stock) -> None:
    """Make the order's allocations match the plan's sources (three statements at most)."""
    by_line = {str(line.pk): line for line in lines}
    by_key = {(s.warehouse_id, s.product_variant_id): s for s in stock.rows.values()}
    wanted: dict[tuple[str, int], int] = defaultdict(int)
    for parcel in plan.parcels:
        for line_id, quantity in parcel.lines:
            line = by_line[line_id]
            if line.variant is None or not line.variant.track_inventory:
                continue
            row = by_key[(parcel.warehouse_id, line.variant.pk)]
            wanted[(line_id, row.pk)] += quantity
    planned_lines = set(by_line)
    current = {key: qty for key, qty in stock.own.items() if key[0] in planned_lines}
    if dict(wanted) == current:
        return
    delta: dict[int, int] = defaultdict(int)
    for (_line, stock_id), quantity in current.items():
        delta[stock_id] -= quantity
    for (_line, stock_id), quantity in wanted.items():
        delta[stock_id] += quantity
    changed = []
    for stock_id, change in sorted(delta.items()):
        if change:
            row = stock.rows[stock_id]
            row.quantity_allocated += change
            changed.append(row)
    if changed:
        Stock.objects.bulk_update(changed, ["quantity_allocated"])
    Allocation.objects.filter(order_line_id__in=list(planned_lines)).delete()
    Allocation.objects.bulk_create(
        Allocation(order_line_id=line_id, stock_id=stock_id, quantity_allocated=quantity)
        for (line_id, stock_id), quantity in sorted(wanted.items())
    )


def _insert_with_codes(shipments: list[Shipment]) -> list[Shipment]:
    """Parcel codes are random; on the rare clash with an existing code, draw new ones."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Shipment.objects.bulk_create(shipments)
        except IntegrityError:
            if attempt == 4:
                raise
            for shipment in shipments:
                shipment.code = pickup_codes.new_parcel_code()
    raise AssertionError("unreachable")


def plan_order(*, order: Order) -> PlanResult:
    """Plan the order's parcels once; a second call returns the parcels already planned (a
    held order is planned again, e.g. after a restock)."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("shipping_address")
            .get(pk=order.pk)
        )
        existing = list(Shipment.objects.filter(order=order).order_by("sequence"))
        if any(s.status != ShipmentStatus.HELD for s in existing):
            return PlanResult(shipments=existing, created=False)
        if order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
            return PlanResult(shipments=existing, created=False)
        lines = _lines_to_ship(order)
        if not lines:
            return PlanResult(shipments=[], created=False)
        stations = load_stations()
        if not stations:
            # No station network configured (a county still setting up): nothing to route.
            return PlanResult(shipments=[], created=False)
        town_codes = dict(Town.objects.values_list("name", "code"))
        address = order.shipping_address
        serving: list[int] = []
        if address is not None and address.village_id is not None:
            serving = list(
                Station.served_villages.through.objects.filter(
                    village_id=address.village_id
                ).values_list("station_id", flat=True)
            )
        stock = _load_stock(order, lines, stations, town_codes)
        network = network_of(stations)
        note = ""
        try:
            if network is None:
                raise _Hold(_("站点网络里没有运营中的县级物流配送分拨中心。"))
            destination, note = _destination(order, stations, serving)
        except _Hold as hold:
            return _hold(order, lines, existing, hold.reason)
        cold = _cold_chain_products({line.variant.product_id for line in lines if line.variant})
        plan = planner.plan_fulfilment(
            lines=[
                planner.LineInput(
                    id=str(line.pk),
                    variant_id=line.variant_id or 0,
                    quantity=line.quantity_unfulfilled,
                    needs_cold_chain=bool(line.variant and line.variant.product_id in cold),
                )
                for line in lines
            ],
            stocks=stock.inputs,
            destination=destination,
            network=network,
            ordered_at=timezone.now(),
            schedule=schedule(),
        )
        if plan.hold_reason is not None:
            return _hold(order, lines, existing, plan.hold_reason)
        if existing:
            Shipment.objects.filter(pk__in=[s.pk for s in existing]).delete()
        _move_allocations(plan, lines, stock)
        shipments = _write_plan(order, plan, destination, stations, note)
    return PlanResult(shipments=shipments, created=True)


def _write_plan(
    order: Order,
    plan: planner.FulfilmentPlan,
    destination: planner.Destination,
    stations: list[StationRow],
    note: str,
) -> list[Shipment]:
    ids = {s.code: s.id for s in stations}
    kind = {
        planner.Delivery.PICKUP: DeliveryKind.PICKUP,
        planner.Delivery.HOME_DELIVERY: DeliveryKind.HOME_DELIVERY,
        planner.Delivery.EXPRESS: DeliveryKind.EXPRESS,
    }[destination.kind]
    shipments = [
        Shipment(
            order=order,
            sequence=index,
            code=pickup_codes.new_parcel_code(),
            status=ShipmentStatus.PLANNED,
            delivery_kind=kind,
            source_warehouse_id=parcel.warehouse_id,
            destination_station_id=ids.get(parcel.destination_station or ""),
            plan=planner.parcel_as_json(parcel),
            reason=" ".join(part for part in (note, parcel.reason) if part),
            promised_date=parcel.promised_date,
            pickup_code_salt=pickup_codes.new_salt() if kind == DeliveryKind.PICKUP else "",
        )
        for index, parcel in enumerate(plan.parcels, start=1)
    ]
    shipments = _insert_with_codes(shipments)
    now = timezone.now()
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
        for shipment, parcel in zip(shipments, plan.parcels, strict=True)
        for line_id, quantity in parcel.lines
    )
    ShipmentLeg.objects.bulk_create(
        ShipmentLeg(
            shipment=shipment,
            sequence=leg.sequence,
            kind=leg.kind,
            from_station_id=ids[leg.from_station],
            to_station_id=ids[leg.to_station] if leg.to_station else None,
            planned_at=leg.departs_at,
            planned_arrival_at=leg.arrives_at,
        )
        for shipment, parcel in zip(shipments, plan.parcels, strict=True)
        for leg in parcel.legs
    )
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            shipment=shipment,
            station_id=ids.get(parcel.start_station),
            action=TrackingAction.PLANNED,
            at=now,
            note=shipment.reason,
        )
        for shipment, parcel in zip(shipments, plan.parcels, strict=True)
    )
    return shipments


def _hold(
    order: Order, lines: list[OrderLine], existing: list[Shipment], reason: str
) -> PlanResult:
    """Keep the order's parcels back, tell staff why (an order note), and let planning run
    again later. A hold is one HELD shipment with every line, no legs."""
    if existing and all(s.reason == reason for s in existing):
        return PlanResult(shipments=existing, created=False, hold_reason=reason)
    if existing:
        Shipment.objects.filter(pk__in=[s.pk for s in existing]).delete()
    shipment = _insert_with_codes(
        [
            Shipment(
                order=order,
                sequence=1,
                code=pickup_codes.new_parcel_code(),
                status=ShipmentStatus.HELD,
                delivery_kind=_held_kind(order),
                reason=reason,
            )
        ]
    )[0]
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line=line, quantity=line.quantity_unfulfilled)
        for line in lines
    )
    TrackingEvent.objects.create(shipment=shipment, action=TrackingAction.HELD, note=reason)
    add_event(order, OrderEvents.NOTE_ADDED, message=_("暂缓发货：%(reason)s") % {"reason": reason})
    return PlanResult(shipments=[shipment], created=True, hold_reason=reason)


def _held_kind(order: Order) -> str:
    if pickup_station_code(order.delivery_method_id or ""):
        return DeliveryKind.PICKUP
    address = order.shipping_address
    if address is not None and address.village_id is not None:
        return DeliveryKind.HOME_DELIVERY
    return DeliveryKind.EXPRESS


def queue_plan(order: Order) -> None:
    """Plan the order in a Celery task once the current transaction commits (the order is paid,
    or placed to be paid at the station)."""
    from backend.routing.tasks import plan_order_task

    order_id = str(order.pk)
    transaction.on_commit(lambda: plan_order_task.delay(order_id))


# --- re-routing -------------------------------------------------------------------------------


def reroute_station(*, station: Station, actor=None) -> list[Shipment]:
    """Send the parcels still heading to `station` (suspended or closed) elsewhere; returns the
    parcels that changed. Parcels with no station left to go to are held."""
    with transaction.atomic():
        shipments = list(
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(destination_station_id=station.pk, status__in=REROUTABLE)
            .order_by("pk")
        )
        if not shipments:
            return []
        stations = load_stations()
        by_id = {s.id: s for s in stations}
        by_code = {s.code: s for s in stations}
        old = by_id[station.pk]
        if old.is_active:
            return []
        network = network_of(stations)
        legs = defaultdict(list)
        for leg in ShipmentLeg.objects.filter(shipment__in=shipments).order_by(
            "shipment_id", "sequence"
        ):
            legs[leg.shipment_id].append(leg)
        now = timezone.now()
        changed: list[Shipment] = []
        stale_legs: list[int] = []
        new_legs: list[ShipmentLeg] = []
        events: list[TrackingEvent] = []
        before = {s.pk: (s.status, s.destination_station_id) for s in shipments}
        for shipment in shipments:
            capability = (
                StationCapability.PICKUP
                if shipment.delivery_kind == DeliveryKind.PICKUP
                else StationCapability.HOME_DELIVERY
            )
            target = replacement_station(old, stations, capability)
            pending = [leg for leg in legs[shipment.pk] if leg.status == LegStatus.PENDING]
            done = [leg for leg in legs[shipment.pk] if leg.status != LegStatus.PENDING]
            if pending:
                start = by_id[pending[0].from_station_id]
                ready = max(now, pending[0].planned_at)
            else:
                start = by_id[done[-1].to_station_id] if done and done[-1].to_station_id else old
                ready = now
            route: planner.Route | str
            if target is None or network is None:
                route = _("站点 %(name)s 停止服务，同乡镇没有可替代的站点。") % {"name": old.name}
            else:
                kind = (
                    planner.Delivery.PICKUP
                    if shipment.delivery_kind == DeliveryKind.PICKUP
                    else planner.Delivery.HOME_DELIVERY
                )
                route = planner.route_from(
                    start=start.node if start.is_active else network.county_centre,
                    destination=planner.Destination(kind, target.code, target.town_code),
                    network=network,
                    ready_at=ready,
                    schedule=schedule(),
                    cold_chain=bool(shipment.plan.get("cold_chain")),
                )
            stale_legs.extend(leg.pk for leg in pending)
            if isinstance(route, str):
                shipment.status = ShipmentStatus.HELD
                shipment.reason = f"{shipment.reason} {route}".strip()
                events.append(
                    TrackingEvent(
                        shipment=shipment,
                        station_id=old.id,
                        actor=actor,
                        action=TrackingAction.HELD,
                        at=now,
                        note=route,
                    )
                )
                add_event(
                    shipment.order,
                    OrderEvents.NOTE_ADDED,
                    message=_("包裹 %(code)s 暂缓发货：%(reason)s")
                    % {"code": shipment.code, "reason": route},
                )
                changed.append(shipment)
                continue
            assert target is not None
            first = len(done) + 1
            for offset, planned in enumerate(route.legs):
                new_legs.append(
                    ShipmentLeg(
                        shipment=shipment,
                        sequence=first + offset,
                        kind=planned.kind,
                        from_station_id=by_code[planned.from_station].id,
                        to_station_id=by_code[planned.to_station].id
                        if planned.to_station
                        else None,
                        planned_at=planned.departs_at,
                        planned_arrival_at=planned.arrives_at,
                    )
                )
            note = _("站点 %(old)s 暂停服务，包裹改送 %(new)s。") % {
                "old": old.name,
                "new": target.name,
            }
            shipment.destination_station_id = target.id
            shipment.promised_date = route.arrives_at.astimezone(
                ZoneInfo(settings.TIME_ZONE)
            ).date()
            shipment.reason = f"{shipment.reason} {note}".strip()
            shipment.plan = {**shipment.plan, "rerouted": _reroute_record(old, target, route)}
            events.append(
                TrackingEvent(
                    shipment=shipment,
                    station_id=old.id,
                    actor=actor,
                    action=TrackingAction.REROUTED,
                    at=now,
                    note=note,
                )
            )
            changed.append(shipment)
        ShipmentLeg.objects.filter(pk__in=stale_legs).delete()
        ShipmentLeg.objects.bulk_create(new_legs)
        Shipment.objects.bulk_update(
            changed, ["status", "destination_station", "promised_date", "reason", "plan"]
        )
        TrackingEvent.objects.bulk_create(events)
        for shipment in changed:
            # Custody changes leave an audit record (DESIGN.md, "Conventions").
            status, destination = before[shipment.pk]
            audit.record(
                actor=actor,
                action="shipment.rerouted",
                instance=shipment,
                before={"status": status, "destination_station": destination},
                after={
                    "status": shipment.status,
                    "destination_station": shipment.destination_station_id,
                },
            )
        from backend.routing.tasks import notify_rerouted_task

        for order_id in sorted({str(s.order_id) for s in changed}):
            transaction.on_commit(partial(notify_rerouted_task.delay, order_id))
    return changed


def _reroute_record(old: StationRow, new: StationRow, route: planner.Route) -> dict[str, Any]:
    return {
        "from_station": old.code,
        "to_station": new.code,
        "arrives_at": route.arrives_at.isoformat(),
        "legs": [
            {"kind": leg.kind, "from": leg.from_station, "to": leg.to_station} for leg in route.legs
        ],
    }
