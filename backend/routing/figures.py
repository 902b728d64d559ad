"""Service figures of the station network (issue #4 "API and reports").

- **Same-day share**: of the in-county parcels (station pickup and home delivery) whose order
  was placed before the day's cut-off — the last county van run minus the packing time, in
  Asia/Shanghai — the share that was ready at the pickup station or delivered on the same local
  day. The plan's target is "由县到村当天配送完成".
- **Time per leg**: for each leg kind, the average minutes from the leg's start (the previous
  leg's completion, or the parcel's creation for the first leg) to its completion.
- **Backlog per station**: parcels waiting at a station now — received there and not yet
  dispatched, or ready for pickup and not yet collected.

Everything is computed with a fixed number of queries whatever the period's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, Q

from backend.routing.models import (
    DeliveryKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
    TrackingAction,
)
from backend.routing.planner import Schedule

ARRIVED = (TrackingAction.READY_FOR_PICKUP, TrackingAction.DELIVERED)
IN_COUNTY = (DeliveryKind.PICKUP, DeliveryKind.HOME_DELIVERY)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@dataclass
class SameDay:
    eligible: int = 0
    same_day: int = 0

    @property
    def share(self) -> Decimal | None:
        return _share(self.same_day, self.eligible)


@dataclass
class LegAverage:
    kind: str
    count: int
    average_minutes: Decimal


@dataclass
class StationBacklog:
    station_id: int
    station_name: str
    waiting: int


@dataclass
class ServiceFigures:
    date_from: dt.date
    date_to: dt.date
    cutoff: dt.time
    total: SameDay = field(default_factory=SameDay)
    by_day: dict[dt.date, SameDay] = field(default_factory=dict)
    by_town: dict[str, SameDay] = field(default_factory=dict)
    legs: list[LegAverage] = field(default_factory=list)
    backlog: list[StationBacklog] = field(default_factory=list)


def cutoff_time(schedule: Schedule | None = None) -> dt.time:
    """The latest local order time that can still leave with the day's last van run."""
    schedule = schedule or Schedule.from_settings(
        settings.COUNTY_DISPATCH_RUNS, settings.ROUTING_LEG_MINUTES
    )
    last = dt.datetime.combine(dt.date(2000, 1, 1), schedule.dispatch_runs[-1])
    return (last - dt.timedelta(minutes=schedule.prepare_minutes)).time()


def service_figures(date_from: dt.date, date_to: dt.date) -> ServiceFigures:
    zone = ZoneInfo(settings.TIME_ZONE)
    cutoff = cutoff_time()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    figures = ServiceFigures(date_from=date_from, date_to=date_to, cutoff=cutoff)

    shipments = (
        Shipment.objects.filter(
            order__created_at__gte=start,
            order__created_at__lt=end,
            delivery_kind__in=IN_COUNTY,
        )
        .exclude(status=ShipmentStatus.CANCELLED)
        .annotate(
            arrived_at=Min("events__at", filter=Q(events__action__in=ARRIVED)),
        )
        .values("order__created_at", "arrived_at", "destination_station__town__name")
    )
    for row in shipments:
        ordered = row["order__created_at"].astimezone(zone)
        if ordered.time() > cutoff:
            continue
        arrived = row["arrived_at"]
        on_time = arrived is not None and arrived.astimezone(zone).date() == ordered.date()
        town = row["destination_station__town__name"] or ""
        for bucket in (
            figures.total,
            figures.by_day.setdefault(ordered.date(), SameDay()),
            figures.by_town.setdefault(town, SameDay()),
        ):
            bucket.eligible += 1
            bucket.same_day += int(on_time)

    figures.legs = _leg_averages(start, end)
    figures.backlog = _backlog()
    figures.by_day = dict(sorted(figures.by_day.items()))
    figures.by_town = dict(sorted(figures.by_town.items()))
    return figures


def _leg_averages(start: dt.datetime, end: dt.datetime) -> list[LegAverage]:
    legs = (
        ShipmentLeg.objects.filter(
            shipment__order__created_at__gte=start, shipment__order__created_at__lt=end
        )
        .order_by("shipment_id", "sequence")
        .values("shipment_id", "kind", "status", "done_at", "shipment__created_at")
    )
    durations: dict[str, list[float]] = defaultdict(list)
    previous: dict[int, dt.datetime] = {}
    for leg in legs:
        began = previous.get(leg["shipment_id"], leg["shipment__created_at"])
        if leg["status"] == LegStatus.DONE and leg["done_at"] is not None:
            durations[leg["kind"]].append((leg["done_at"] - began).total_seconds() / 60)
            previous[leg["shipment_id"]] = leg["done_at"]
    return [
        LegAverage(
            kind=kind,
            count=len(values),
            average_minutes=Decimal(sum(values) / len(values)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            ),
        )
        for kind, values in sorted(durations.items())
    ]


def _backlog() -> list[StationBacklog]:
    """Parcels waiting at each station now: at the station of their last completed leg and not
    dispatched on, or ready for pickup at their destination."""
    waiting: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    ready = (
        Shipment.objects.filter(status=ShipmentStatus.READY_FOR_PICKUP)
        .values("destination_station_id", "destination_station__name")
        .annotate(n=Count("pk"))
    )
    for ready_row in ready:
        station_id = ready_row["destination_station_id"]
        waiting[station_id] += ready_row["n"]
        names[station_id] = ready_row["destination_station__name"]
    at_station = (
        ShipmentLeg.objects.filter(
            shipment__status=ShipmentStatus.AT_STATION, status=LegStatus.DONE
        )
        .order_by("shipment_id", "-sequence")
        .distinct("shipment_id")
        .values("shipment_id", "to_station_id", "to_station__name")
    )
    for leg_row in at_station:
        if leg_row["to_station_id"] is not None:
            waiting[leg_row["to_station_id"]] += 1
            names[leg_row["to_station_id"]] = leg_row["to_station__name"]
    return sorted(
        (StationBacklog(pk, names[pk], count) for pk, count in waiting.items()),
        key=lambda b: (-b.waiting, b.station_name),
    )
