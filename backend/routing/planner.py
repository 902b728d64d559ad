"""The fulfilment planner: which warehouse ships what, and along which legs (issue #4).

Pure and deterministic: it reads only the dataclasses it is given (no database, no clock), so
the same order, stock, network and time always give the same plan, whatever order the inputs
come in. `backend/routing/services.py` builds the inputs from the database and stores the plan.

Rules (county plan 四(一)3: county distribution centre → town transfer station → village
service station, county co-delivery 县域共同配送):

* Sources: the fewest parcels first. Among choices with as many parcels, prefer the warehouse
  in the destination's town, then the county centre, then the lowest warehouse id. A line that
  no single chosen warehouse can serve is split across them (several parcels).
* Cold chain: a line that needs it ships only from a cold-chain warehouse and only through
  stations with the cold-chain capability; otherwise the order is held with the reason.
* Legs: source's town station → county centre → destination town station → destination village
  station, then to the shopper (home delivery) or to the courier (express), skipping what is not
  needed: goods at the county centre start there, same-town goods go straight from the town
  station to the village station, a pickup at a town station ends there.
* Timing: a co-delivery van leaves the county centre at each dispatch run (10:00 and 15:00
  Asia/Shanghai by default), reaches every town station `trunk` minutes later, goes on to the
  village stations and collects inbound parcels at the town stations for the county centre. A
  leg leaves with the first van that finds the parcel ready; after the last run, the next day.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import comb
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

# Above this many source combinations to try, the exact fewest-parcels search gives way to a
# greedy cover (the county has a handful of warehouses per product, so this is rarely reached).
MAX_EXACT_COMBINATIONS = 5000


class Level:
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


class Delivery:
    """How the shopper receives the parcel (the order's delivery method)."""

    PICKUP = "pickup"  # 网订店取: at the destination station
    HOME_DELIVERY = "home_delivery"  # 网订到家: the station serving the village does the last mile
    EXPRESS = "express"  # out of the county: a courier from the county centre
    NONE = "none"  # nothing to ship (vouchers)


class LegKind:
    TO_COUNTY = "to_county"  # town station → county centre
    TO_TOWN = "to_town"  # county centre → town station
    TO_VILLAGE = "to_village"  # town station → village station
    TO_SHOPPER = "to_shopper"  # last mile, from the delivering station to the shopper's door
    TO_COURIER = "to_courier"  # county centre → express courier


@dataclass(frozen=True)
class LineInput:
    id: str
    variant_id: int
    quantity: int
    needs_cold_chain: bool = False


@dataclass(frozen=True)
class WarehouseStock:
    warehouse_id: int
    town_code: str | None
    is_county_centre: bool
    is_cold_chain: bool
    available: Mapping[int, int]  # variant id → units that may still ship from here
    name: str = ""


@dataclass(frozen=True)
class Destination:
    kind: str
    station_code: str | None = None  # pickup station, or the station doing the last mile
    town_code: str | None = None


@dataclass(frozen=True)
class StationNode:
    code: str
    level: str
    town_code: str | None = None
    cold_chain: bool = False
    name: str = ""


@dataclass(frozen=True)
class Network:
    """The active stations: the county centre and the town and village stations below it."""

    county_centre: StationNode
    stations: tuple[StationNode, ...] = ()

    def station(self, code: str | None) -> StationNode | None:
        if code is None:
            return None
        if code == self.county_centre.code:
            return self.county_centre
        return next((s for s in self.stations if s.code == code), None)

    def town_station(self, town_code: str | None) -> StationNode | None:
        candidates = sorted(
            (s for s in self.stations if s.level == Level.TOWN and s.town_code == town_code),
            key=lambda s: s.code,
        )
        return candidates[0] if candidates else None


@dataclass(frozen=True)
class Schedule:
    dispatch_runs: tuple[dt.time, ...] = (dt.time(10, 0), dt.time(15, 0))
    prepare_minutes: int = 60
    trunk_minutes: int = 60
    village_minutes: int = 45
    last_mile_minutes: int = 60
    zone: str = "Asia/Shanghai"

    @classmethod
    def from_settings(cls, runs: Iterable[str], minutes: Mapping[str, int]) -> Schedule:
        return cls(
            dispatch_runs=tuple(sorted(dt.time.fromisoformat(r.strip()) for r in runs)),
            prepare_minutes=int(minutes.get("prepare", 60)),
            trunk_minutes=int(minutes.get("trunk", 60)),
            village_minutes=int(minutes.get("village", 45)),
            last_mile_minutes=int(minutes.get("last_mile", 60)),
        )

    def next_run(self, ready: dt.datetime, offset_minutes: int = 0) -> dt.datetime:
        """R + offset for the first van run R (local time) with R + offset ≥ ready: when the
        van that left the county centre at R is `offset_minutes` down its route."""
        zone = ZoneInfo(self.zone)
        local = ready.astimezone(zone)
        offset = dt.timedelta(minutes=offset_minutes)
        for days in range(0, 8):
            day = local.date() + dt.timedelta(days=days)
            for run in self.dispatch_runs:
                moment = dt.datetime.combine(day, run, tzinfo=zone) + offset
                if moment >= local:
                    return moment
        raise ValueError("The co-delivery schedule has no dispatch runs.")


@dataclass(frozen=True)
class PlannedLeg:
    sequence: int
    kind: str
    from_station: str
    to_station: str | None  # None: the shopper (TO_SHOPPER) or the courier (TO_COURIER)
    departs_at: dt.datetime
    arrives_at: dt.datetime


@dataclass(frozen=True)
class Parcel:
    warehouse_id: int
    lines: tuple[tuple[str, int], ...]  # (order line id, quantity)
    start_station: str
    destination_station: str | None
    legs: tuple[PlannedLeg, ...]
    ready_at: dt.datetime
    promised_date: dt.date
    needs_cold_chain: bool
    reason: str


@dataclass(frozen=True)
class FulfilmentPlan:
    delivery: str
    parcels: tuple[Parcel, ...] = ()
    hold_reason: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_held(self) -> bool:
        return self.hold_reason is not None


def parcel_as_json(parcel: Parcel) -> dict[str, Any]:
    """What a shipment stores as its `plan` (readable by staff and by later re-planning)."""
    return {
        "warehouse": parcel.warehouse_id,
        "lines": [[line_id, quantity] for line_id, quantity in parcel.lines],
        "start": parcel.start_station,
        "destination": parcel.destination_station,
        "cold_chain": parcel.needs_cold_chain,
        "ready_at": parcel.ready_at.isoformat(),
        "promised_date": parcel.promised_date.isoformat(),
        "legs": [
            {
                "sequence": leg.sequence,
                "kind": leg.kind,
                "from": leg.from_station,
                "to": leg.to_station,
                "departs_at": leg.departs_at.isoformat(),
                "arrives_at": leg.arrives_at.isoformat(),
            }
            for leg in parcel.legs
        ],
        "reason": parcel.reason,
    }


def plan_fulfilment(
    *,
    lines: Sequence[LineInput],
    stocks: Sequence[WarehouseStock],
    destination: Destination,
    network: Network,
    ordered_at: dt.datetime,
    schedule: Schedule,
) -> FulfilmentPlan:
    if ordered_at.tzinfo is None:
        raise ValueError("ordered_at must be an aware datetime")
    lines = sorted(lines, key=lambda line: line.id)
    if destination.kind == Delivery.NONE or not lines:
        return FulfilmentPlan(delivery=destination.kind)
    target = _target_chain(destination, network)
    if isinstance(target, str):
        return FulfilmentPlan(delivery=destination.kind, hold_reason=target)
    ranked = sorted(stocks, key=lambda s: _rank(s, destination))
    chosen = _choose_sources(lines, ranked)
    if isinstance(chosen, str):
        return FulfilmentPlan(delivery=destination.kind, hold_reason=chosen)
    parcels: list[Parcel] = []
    for stock, parcel_lines in chosen:
        parcel = _route(
            stock, parcel_lines, lines, destination, network, target, ordered_at, schedule
        )
        if isinstance(parcel, str):
            return FulfilmentPlan(delivery=destination.kind, hold_reason=parcel)
        parcels.append(parcel)
    return FulfilmentPlan(delivery=destination.kind, parcels=tuple(parcels))


def _rank(stock: WarehouseStock, destination: Destination) -> tuple[int, int]:
    if destination.town_code is not None and stock.town_code == destination.town_code:
        return (0, stock.warehouse_id)
    if stock.is_county_centre:
        return (1, stock.warehouse_id)
    return (2, stock.warehouse_id)


def _usable(stock: WarehouseStock, line: LineInput) -> int:
    if line.needs_cold_chain and not stock.is_cold_chain:
        return 0
    return max(int(stock.available.get(line.variant_id, 0)), 0)


def _covers(combo: Sequence[WarehouseStock], lines: Sequence[LineInput]) -> bool:
    needed: dict[tuple[int, bool], int] = defaultdict(int)
    for line in lines:
        needed[(line.variant_id, line.needs_cold_chain)] += line.quantity
    for (variant_id, cold), quantity in needed.items():
        probe = LineInput("", variant_id, quantity, cold)
        if sum(_usable(stock, probe) for stock in combo) < quantity:
            return False
    return True


def _choose_sources(
    lines: Sequence[LineInput], ranked: Sequence[WarehouseStock]
) -> list[tuple[WarehouseStock, list[tuple[str, int]]]] | str:
    """The fewest warehouses that together hold every line, the most preferred first; or the
    reason none can."""
    useful = [s for s in ranked if any(_usable(s, line) for line in lines)]
    if not _covers(useful, lines):
        return _shortage_reason(lines, ranked)
    combo: Sequence[WarehouseStock] | None = None
    for size in range(1, len(useful) + 1):
        if comb(len(useful), size) > MAX_EXACT_COMBINATIONS:
            combo = _greedy_cover(lines, useful)
            break
        combo = next((c for c in itertools.combinations(useful, size) if _covers(c, lines)), None)
        if combo is not None:
            break
    assert combo is not None
    left = {s.warehouse_id: dict(s.available) for s in combo}
    taken: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for line in lines:
        needed = line.quantity
        for stock in combo:
            if line.needs_cold_chain and not stock.is_cold_chain:
                continue
            take = min(needed, max(left[stock.warehouse_id].get(line.variant_id, 0), 0))
            if take:
                taken[stock.warehouse_id].append((line.id, take))
                left[stock.warehouse_id][line.variant_id] -= take
                needed -= take
            if not needed:
                break
    return [(stock, taken[stock.warehouse_id]) for stock in combo if taken[stock.warehouse_id]]


def _greedy_cover(
    lines: Sequence[LineInput], useful: Sequence[WarehouseStock]
) -> list[WarehouseStock]:
    chosen: list[WarehouseStock] = []
    remaining = list(useful)
    while not _covers(chosen, lines):
        best = max(
            remaining,
            key=lambda s: (
                sum(min(_usable(s, line), line.quantity) for line in lines),
                -remaining.index(s),
            ),
        )
        chosen.append(best)
        remaining.remove(best)
    return sorted(chosen, key=useful.index)


def _shortage_reason(lines: Sequence[LineInput], stocks: Sequence[WarehouseStock]) -> str:
    for line in lines:
        total = sum(_usable(s, line) for s in stocks)
        needed = sum(
            other.quantity
            for other in lines
            if (other.variant_id, other.needs_cold_chain)
            == (line.variant_id, line.needs_cold_chain)
        )
        if total >= needed:
            continue
        if line.needs_cold_chain:
            plain = sum(max(int(s.available.get(line.variant_id, 0)), 0) for s in stocks)
            if plain >= needed:
                return _(
                    "订单行 %(line)s 需要冷链，但冷链仓库的可用库存只有 %(available)s 件"
                    "（需要 %(needed)s 件），订单暂缓发货。"
                ) % {"line": line.id, "available": total, "needed": needed}
        return _(
            "订单行 %(line)s 在所有仓库的可用库存只有 %(available)s 件（需要 %(needed)s 件），"
            "订单暂缓发货，请补货或联系买家。"
        ) % {"line": line.id, "available": total, "needed": needed}
    return _("没有仓库能满足这个订单，订单暂缓发货。")


def _target_chain(destination: Destination, network: Network) -> list[StationNode] | str:
    """The stations from the county centre down to where the parcel ends, or a hold reason."""
    centre = network.county_centre
    if destination.kind == Delivery.EXPRESS:
        return [centre]
    station = network.station(destination.station_code)
    if station is None:
        return _("目的站点 %(code)s 不在运营中的站点网络里，订单暂缓发货。") % {
            "code": destination.station_code or "—"
        }
    if station.level == Level.COUNTY:
        return [centre]
    if station.level == Level.TOWN:
        return [centre, station]
    town = network.town_station(station.town_code)
    if town is None:
        return _("目的站点 %(station)s 所在乡镇没有运营中的中转站，订单暂缓发货。") % {
            "station": station.name or station.code
        }
    return [centre, town, station]


def _route(
    stock: WarehouseStock,
    parcel_lines: list[tuple[str, int]],
    all_lines: Sequence[LineInput],
    destination: Destination,
    network: Network,
    target: list[StationNode],
    ordered_at: dt.datetime,
    schedule: Schedule,
) -> Parcel | str:
    centre = network.county_centre
    by_id = {line.id: line for line in all_lines}
    cold = any(by_id[line_id].needs_cold_chain for line_id, _qty in parcel_lines)
    notes = [_source_reason(stock, destination, centre)]
    if stock.is_county_centre:
        start = centre
    else:
        town = network.town_station(stock.town_code)
        start = town if town is not None else centre
        if town is None:
            notes.append(_("仓库所在乡镇没有运营中的中转站，货物直接送到县级分拨中心。"))
    route = route_from(
        start=start,
        destination=destination,
        network=network,
        ready_at=ordered_at + dt.timedelta(minutes=schedule.prepare_minutes),
        schedule=schedule,
        cold_chain=cold,
        target=target,
    )
    if isinstance(route, str):
        return route
    notes.append(route.reason)
    return Parcel(
        warehouse_id=stock.warehouse_id,
        lines=tuple(parcel_lines),
        start_station=start.code,
        destination_station=route.destination_station,
        legs=route.legs,
        ready_at=route.arrives_at,
        promised_date=route.arrives_at.astimezone(ZoneInfo(schedule.zone)).date(),
        needs_cold_chain=cold,
        reason=" ".join(notes),
    )


@dataclass(frozen=True)
class Route:
    legs: tuple[PlannedLeg, ...]
    destination_station: str | None  # None for express
    arrives_at: dt.datetime  # at the pickup station, at the shopper's door, or with the courier
    reason: str


def route_from(
    *,
    start: StationNode,
    destination: Destination,
    network: Network,
    ready_at: dt.datetime,
    schedule: Schedule,
    cold_chain: bool = False,
    target: list[StationNode] | None = None,
) -> Route | str:
    """The legs from `start`, where the parcel is ready at `ready_at`, to the destination; or
    the reason there are none. Also used to re-route a parcel already on its way."""
    if target is None:
        chain = _target_chain(destination, network)
        if isinstance(chain, str):
            return chain
        target = chain
    notes: list[str] = []
    # The stations the parcel passes through, in order.
    if start in target:
        path = target[target.index(start) :]
        if start.level == Level.TOWN and len(path) > 1:
            notes.append(
                _("仓库与目的站点在同一乡镇，由镇中转站直接送往村站点，不经县级分拨中心。")
            )
    else:
        path = [start, *target]
    if cold_chain:
        # The source is a cold-chain warehouse (`_choose_sources`); every station that holds
        # the parcel on its way must keep it cold too.
        warm = [s for s in path if not s.cold_chain]
        if warm:
            return _("包裹需要冷链，但途经的站点 %(stations)s 不具备冷链能力，订单暂缓发货。") % {
                "stations": "、".join(s.name or s.code for s in warm)
            }
    ready = ready_at
    legs: list[PlannedLeg] = []
    for origin, to in itertools.pairwise(path):
        kind, departs, arrives = _timing(origin, to, ready, schedule)
        legs.append(PlannedLeg(len(legs) + 1, kind, origin.code, to.code, departs, arrives))
        ready = arrives
    end = path[-1]
    if destination.kind == Delivery.HOME_DELIVERY:
        arrives = ready + dt.timedelta(minutes=schedule.last_mile_minutes)
        legs.append(PlannedLeg(len(legs) + 1, LegKind.TO_SHOPPER, end.code, None, ready, arrives))
        ready = arrives
    elif destination.kind == Delivery.EXPRESS:
        departs = schedule.next_run(ready)
        legs.append(PlannedLeg(len(legs) + 1, LegKind.TO_COURIER, end.code, None, departs, departs))
        ready = departs
    notes.append(_legs_reason(path, destination))
    return Route(
        legs=tuple(legs),
        destination_station=None if destination.kind == Delivery.EXPRESS else end.code,
        arrives_at=ready,
        reason=" ".join(notes),
    )


def _timing(
    origin: StationNode, to: StationNode, ready: dt.datetime, schedule: Schedule
) -> tuple[str, dt.datetime, dt.datetime]:
    trunk = dt.timedelta(minutes=schedule.trunk_minutes)
    if origin.level == Level.COUNTY:
        departs = schedule.next_run(ready)
        return LegKind.TO_TOWN, departs, departs + trunk
    # The van reaches the town stations `trunk` minutes after it leaves the county centre.
    departs = schedule.next_run(ready, offset_minutes=schedule.trunk_minutes)
    if to.level == Level.COUNTY:
        return LegKind.TO_COUNTY, departs, departs + trunk
    return LegKind.TO_VILLAGE, departs, departs + dt.timedelta(minutes=schedule.village_minutes)


def _source_reason(stock: WarehouseStock, destination: Destination, centre: StationNode) -> str:
    name = stock.name or str(stock.warehouse_id)
    if destination.town_code is not None and stock.town_code == destination.town_code:
        return _("从%(name)s发货：与目的地在同一乡镇，有货。") % {"name": name}
    if stock.is_county_centre:
        return _("从%(name)s发货：县级分拨中心有货。") % {"name": name}
    return _("从%(name)s发货：同乡镇仓库和县级分拨中心无法用更少的包裹备齐商品。") % {"name": name}


def _legs_reason(path: Sequence[StationNode], destination: Destination) -> str:
    route = " → ".join(s.name or s.code for s in path)
    if destination.kind == Delivery.HOME_DELIVERY:
        return _("路线：%(route)s → 送货上门。") % {"route": route}
    if destination.kind == Delivery.EXPRESS:
        return _("路线：%(route)s → 快递发往县外。") % {"route": route}
    return _("路线：%(route)s，在该站点自提。") % {"route": route}
