"""Loaders of a station's related rows; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from django.db.models import F

from backend.divisions.models import Town, Village
from backend.graphql.core.dataloaders import ByPkLoader, ChildrenLoader, DataLoader, group_by
from backend.stations.models import Station, StationOperator


class ParentByStationLoader(ByPkLoader):
    model = Station
    source = Station
    source_key = "parent_id"


class TownByStationLoader(ByPkLoader):
    model = Town
    source = Station
    source_key = "town_id"


class VillageByStationLoader(ByPkLoader):
    model = Village
    source = Station
    source_key = "village_id"


class ServedVillagesByStationLoader(DataLoader):
    """The villages each station serves, in the divisions' order."""

    source = Station

    def batch_load(self, keys):
        villages = (
            Village.objects.filter(serving_stations__in=keys)
            .select_related("town")
            .annotate(station_id=F("serving_stations__id"))
        )
        grouped = group_by(villages, lambda village: village.station_id)
        return [grouped.get(key, []) for key in keys]


class OperatorsByStationLoader(ChildrenLoader):
    source = Station
    model = StationOperator
    parent_field = "station_id"

    def queryset(self):
        return StationOperator.objects.select_related("user").order_by("role", "user_id")
