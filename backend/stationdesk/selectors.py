"""What a station operator reads: the station's parcels, today's counts, the manifest of a
county dispatch run. Every query is scoped to one station."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from backend.routing.models import LegStatus, Shipment, ShipmentLeg, ShipmentStatus
from backend.stationdesk.models import FirstMileParcel, FirstMileStatus
from backend.stations.models import Station

OPEN_LEG = (LegStatus.PENDING, LegStatus.IN_PROGRESS)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def station_parcels(station: Station, status: str | None = None) -> QuerySet[Shipment]:
    """Parcels for this station: destined here, or whose open leg starts or ends here."""
    shipments = Shipment.objects.filter(
        Q(destination_station=station)
        | Q(legs__from_station=station, legs__status__in=OPEN_LEG)
        | Q(legs__to_station=station, legs__status__in=OPEN_LEG)
    ).distinct()
    if status:
        shipments = shipments.filter(status=status)
    return shipments.select_related("order", "destination_station").order_by("-updated_at", "pk")


@dataclass(frozen=True)
class StationCounts:
    station: Station
    inbound: int
    outbound: int
    ready_for_pickup: int
    out_for_delivery: int
    first_mile: int


def counts_for(stations: list[Station]) -> list[StationCounts]:
    """Today's work of each station in four queries, however many stations the user has."""
    ids = [s.pk for s in stations]
    inbound = dict(
        ShipmentLeg.objects.filter(to_station_id__in=ids, status__in=OPEN_LEG)
        .values_list("to_station_id")
        .annotate(n=Count("pk"))
    )
    outbound = dict(
        ShipmentLeg.objects.filter(
            from_station_id__in=ids,
            status=LegStatus.PENDING,
            shipment__status__in=[ShipmentStatus.PLANNED, ShipmentStatus.AT_STATION],
        )
        .values_list("from_station_id")
        .annotate(n=Count("pk"))
    )
    by_status = {
        (row["destination_station_id"], row["status"]): row["n"]
        for row in Shipment.objects.filter(
            destination_station_id__in=ids,
            status__in=[ShipmentStatus.READY_FOR_PICKUP, ShipmentStatus.OUT_FOR_DELIVERY],
        )
        .values("destination_station_id", "status")
        .annotate(n=Count("pk"))
    }
    first_mile = dict(
        FirstMileParcel.objects.filter(
            current_station_id__in=ids,
            status__in=[FirstMileStatus.REGISTERED, FirstMileStatus.AT_STATION],
        )
        .values_list("current_station_id")
        .annotate(n=Count("pk"))
    )
    return [
        StationCounts(
            station=s,
            inbound=inbound.get(s.pk, 0),
            outbound=outbound.get(s.pk, 0),
            ready_for_pickup=by_status.get((s.pk, ShipmentStatus.READY_FOR_PICKUP), 0),
            out_for_delivery=by_status.get((s.pk, ShipmentStatus.OUT_FOR_DELIVERY), 0),
            first_mile=first_mile.get(s.pk, 0),
        )
        for s in stations
    ]


def dispatch_runs() -> list[dt.time]:
    """The county co-delivery runs (settings.COUNTY_DISPATCH_RUNS, local time), in order."""
    runs = []
    for text in settings.COUNTY_DISPATCH_RUNS:
        hour, minute = text.split(":")
        runs.append(dt.time(int(hour), int(minute)))
    return sorted(runs)


@dataclass(frozen=True)
class Manifest:
    station: Station
    date: dt.date
    run: dt.time
    runs: list[dt.time]
    legs: list[ShipmentLeg]
    first_mile: list[FirstMileParcel]

    @property
    def count(self) -> int:
        return len(self.legs) + len(self.first_mile)


def run_window(date: dt.date, run: dt.time) -> tuple[dt.datetime | None, dt.datetime]:
    """The planned departure times a run takes, as UTC-aware bounds (start exclusive): after
    the previous run of the day up to this run; the first run also takes anything still
    pending from before (late parcels), the last run everything up to midnight."""
    zone = local_zone()
    runs = dispatch_runs()
    index = runs.index(run)
    start = None if index == 0 else dt.datetime.combine(date, runs[index - 1], zone)
    if index == len(runs) - 1:
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), zone)
    else:
        end = dt.datetime.combine(date, run, zone)
    return start, end


def manifest(station: Station, date: dt.date, run: dt.time) -> Manifest:
    """Parcels leaving this station with a county run: their next leg starts here and is
    planned in the run's window; first-mile produce waiting here goes with the first run after
    it was registered."""
    start, end = run_window(date, run)
    last = run == dispatch_runs()[-1]
    legs = ShipmentLeg.objects.filter(
        from_station=station,
        status=LegStatus.PENDING,
        shipment__status__in=[ShipmentStatus.PLANNED, ShipmentStatus.AT_STATION],
    )
    produce = FirstMileParcel.objects.filter(
        current_station=station,
        status__in=[FirstMileStatus.REGISTERED, FirstMileStatus.AT_STATION],
    )
    # The last run's window ends at midnight, exclusive; the others at the run, inclusive.
    legs = legs.filter(planned_at__lt=end) if last else legs.filter(planned_at__lte=end)
    produce = produce.filter(created_at__lt=end) if last else produce.filter(created_at__lte=end)
    if start is not None:
        legs = legs.filter(planned_at__gt=start)
        produce = produce.filter(created_at__gt=start)
    return Manifest(
        station=station,
        date=date,
        run=run,
        runs=dispatch_runs(),
        legs=list(
            legs.select_related("shipment", "shipment__order", "to_station").order_by(
                "to_station__code", "planned_at", "pk"
            )
        ),
        first_mile=list(produce.select_related("next_station").order_by("created_at", "pk")),
    )


def today() -> dt.date:
    return timezone.localtime(timezone.now(), local_zone()).date()
