"""Reading the station network: nearest stations, who serves a village, coverage figures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

from backend.core.permissions import Permission, has_permissions
from backend.divisions.models import Town, Village
from backend.stations.models import Station, StationLevel, StationStatus

EARTH_RADIUS_KM = 6371.0088

# 灌政办〔2020〕18号, 三、工作目标: "省定经济薄弱村和低收入村电子商务服务覆盖率 50%以上".
# Another county's plan may set another share: settings.STATIONS_WEAK_VILLAGE_TARGET.
DEFAULT_WEAK_VILLAGE_TARGET = "0.50"

LEVEL_RANK = Case(
    When(level=StationLevel.VILLAGE, then=Value(0)),
    When(level=StationLevel.TOWN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def can_manage_stations(user) -> bool:
    return has_permissions(user, [Permission.MANAGE_STATIONS])


def stations_visible_to(user) -> QuerySet[Station]:
    """Staff who manage the network see every station; everyone else the active ones."""
    stations = Station.objects.all()
    if can_manage_stations(user) and user.is_staff:
        return stations
    return stations.filter(status=StationStatus.ACTIVE)


def stations_operated_by(user) -> QuerySet[Station]:
    """The stations `user` works at (their operator pages are scoped to these)."""
    if user is None or not user.is_authenticated:
        return Station.objects.none()
    return Station.objects.filter(memberships__user=user)


def _float(value: float) -> Value:
    return Value(value, output_field=FloatField())


def with_distance(stations: QuerySet[Station], latitude, longitude) -> QuerySet[Station]:
    """Annotate `distance_km`, the great-circle (haversine) distance from the point, in SQL,
    and order by it (then by code, so that ties are listed the same way every time)."""
    lat0 = math.radians(float(latitude))
    lon0 = math.radians(float(longitude))
    lat = Radians(Cast("latitude", FloatField()))
    lon = Radians(Cast("longitude", FloatField()))
    dlat = Power(Sin((lat - _float(lat0)) / _float(2.0)), 2)
    dlon = Power(Sin((lon - _float(lon0)) / _float(2.0)), 2)
    half_chord = dlat + _float(math.cos(lat0)) * Cos(lat) * dlon
    # LEAST: rounding must not push asin's argument over 1 (points on opposite sides of Earth).
    distance = _float(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(half_chord), _float(1.0)))
    # Spelled as a dict: Station declares `distance_km` for type checkers (not a column).
    annotated = stations.annotate(**{"distance_km": distance})
    return annotated.order_by(F("distance_km").asc(), "code")


def nearest_stations(
    latitude,
    longitude,
    *,
    capability: str | None = None,
    level: str | None = None,
    limit: int = 10,
    active_only: bool = True,
) -> list[Station]:
    """The `limit` stations closest to the point, nearest first, each with `distance_km`;
    one query."""
    stations = Station.objects.all()
    if active_only:
        stations = stations.filter(status=StationStatus.ACTIVE)
    if capability:
        stations = stations.filter(capabilities__contains=[capability])
    if level:
        stations = stations.filter(level=level)
    return list(with_distance(stations, latitude, longitude)[:limit])


def stations_for_village(village: Village) -> list[Station]:
    """Active stations serving the village: its own village station first, then other village
    stations that serve it, then town and county stations; one query."""
    return list(
        Station.objects.filter(status=StationStatus.ACTIVE, served_villages=village)
        .annotate(
            own=Case(
                When(village_id=village.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            level_rank=LEVEL_RANK,
        )
        .order_by("own", "level_rank", "code")
    )


def town_station(town: Town) -> Station | None:
    """The town's transfer station, whatever its status (routing decides what a suspended
    one means)."""
    return Station.objects.filter(level=StationLevel.TOWN, town=town).order_by("code").first()


def county_centre() -> Station | None:
    """The county distribution centre, the root of the network."""
    return Station.objects.filter(level=StationLevel.COUNTY).order_by("code").first()


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CoverageFigures:
    villages: int
    villages_served: int
    weak_villages: int
    weak_villages_served: int

    @property
    def share(self) -> Decimal | None:
        """Share of villages served by an active station; None where there are none."""
        return _share(self.villages_served, self.villages)

    @property
    def weak_share(self) -> Decimal | None:
        return _share(self.weak_villages_served, self.weak_villages)


@dataclass(frozen=True)
class TownCoverage(CoverageFigures):
    town: Town


@dataclass(frozen=True)
class Coverage(CoverageFigures):
    towns: list[TownCoverage]
    weak_target: Decimal

    @property
    def weak_target_met(self) -> bool:
        """Met when the weak villages' share reaches the target (trivially, with none)."""
        share = self.weak_share
        return share is None or share >= self.weak_target


def weak_village_target() -> Decimal:
    return Decimal(
        str(getattr(settings, "STATIONS_WEAK_VILLAGE_TARGET", None) or DEFAULT_WEAK_VILLAGE_TARGET)
    )


def coverage() -> Coverage:
    """Per town and county-wide: administrative villages (村 and 社区), those served by at
    least one active station (any level, through its served villages), and the same for the
    economically weak villages (经济薄弱村). One query, whatever the size of the network."""
    served = Q(villages__serving_stations__status=StationStatus.ACTIVE)
    weak = Q(villages__is_economically_weak=True)
    towns = Town.objects.annotate(
        village_count=Count("villages", distinct=True),
        served_count=Count("villages", filter=served, distinct=True),
        weak_count=Count("villages", filter=weak, distinct=True),
        weak_served_count=Count("villages", filter=weak & served, distinct=True),
    ).order_by("sort_order", "code")
    rows = [
        TownCoverage(
            town=town,
            villages=town.village_count,
            villages_served=town.served_count,
            weak_villages=town.weak_count,
            weak_villages_served=town.weak_served_count,
        )
        for town in towns
    ]
    return Coverage(
        towns=rows,
        villages=sum(row.villages for row in rows),
        villages_served=sum(row.villages_served for row in rows),
        weak_villages=sum(row.weak_villages for row in rows),
        weak_villages_served=sum(row.weak_villages_served for row in rows),
        weak_target=weak_village_target(),
    )
