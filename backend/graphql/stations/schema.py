"""Station queries: the network for shoppers (active stations) and for its managers (all)."""

from __future__ import annotations

import graphene
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.divisions.models import Town as TownModel
from backend.divisions.models import Village as VillageModel
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.stations.enums import (
    StationCapabilityEnum,
    StationLevelEnum,
    StationStatusEnum,
    enum_value,
)
from backend.graphql.stations.types import Station, StationCountableConnection, StationCoverage
from backend.stations.models import Station as StationModel
from backend.stations.selectors import coverage, stations_visible_to, with_distance


class GeoPointInput(graphene.InputObjectType):
    latitude = graphene.Float(required=True, description="Degrees north (WGS-84), -90..90.")
    longitude = graphene.Float(required=True, description="Degrees east (WGS-84), -180..180.")


def _division_pk(model, value: str, type_name: str, field: str) -> int | None:
    """A town or village given by its global ID or its division code (all digits)."""
    value = value.strip()
    if value.isdigit():
        return model.objects.filter(code=value).values_list("pk", flat=True).first()
    return decode_id(value, type_name, field=field)


def filter_stations(
    stations: QuerySet[StationModel],
    *,
    near=None,
    town=None,
    village=None,
    capability=None,
    level=None,
    status=None,
) -> QuerySet[StationModel]:
    if town:
        town_pk = _division_pk(TownModel, town, "Town", "town")
        stations = stations.filter(town_id=town_pk) if town_pk else stations.none()
    if village:
        village_pk = _division_pk(VillageModel, village, "Village", "village")
        stations = stations.filter(served_villages=village_pk) if village_pk else stations.none()
    if capability:
        stations = stations.filter(capabilities__contains=[enum_value(capability)])
    if level:
        stations = stations.filter(level=enum_value(level))
    if status:
        stations = stations.filter(status=enum_value(status))
    if near is not None:
        latitude, longitude = near["latitude"], near["longitude"]
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ApiError(
                _("坐标超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"),
                code=QueryErrorCode.INVALID,
                field="near",
            )
        return with_distance(stations, latitude, longitude)
    return stations.order_by("code")


class StationQueries(graphene.ObjectType):
    stations = graphene.ConnectionField(
        StationCountableConnection,
        near=GeoPointInput(description="List the nearest first, each with its `distance`."),
        town=graphene.String(description="Stations of a town: its ID or division code."),
        village=graphene.String(description="Stations serving a village: its ID or division code."),
        capability=StationCapabilityEnum(description="Only stations offering this service."),
        level=StationLevelEnum(),
        status=StationStatusEnum(
            description="Only stations in this status (shoppers only ever see active ones)."
        ),
        description="Stations of the network. Public: active stations; staff with "
        "MANAGE_STATIONS see every station.",
    )
    station = graphene.Field(
        Station,
        id=graphene.ID(description="The station's ID."),
        code=graphene.String(description="Or its code, e.g. GY-C."),
        description="One station by ID or code; null if there is none you may see.",
    )
    station_coverage = graphene.Field(
        StationCoverage,
        required=True,
        description="Share of villages (and of weak villages) served by an active station, "
        "per town and county-wide. Public: these are the county's published targets.",
    )

    @staticmethod
    def resolve_stations(
        root,
        info,
        near=None,
        town=None,
        village=None,
        capability=None,
        level=None,
        status=None,
        **pagination,
    ):
        stations = filter_stations(
            stations_visible_to(info.context.user),
            near=near,
            town=town,
            village=village,
            capability=capability,
            level=level,
            status=status,
        )
        return resolve_connection(stations, StationCountableConnection, info, **pagination)

    @staticmethod
    def resolve_station(root, info, id=None, code=None):
        stations = stations_visible_to(info.context.user)
        if id:
            station = stations.filter(pk=decode_id(id, "Station")).first()
        elif code:
            station = stations.filter(code=code.strip()).first()
        else:
            raise ApiError(_("请提供站点 ID 或编码。"), code=QueryErrorCode.INVALID, field="id")
        if station is not None:
            loaders_of(info).register([station])
        return station

    @staticmethod
    def resolve_station_coverage(root, info):
        figures = coverage()
        loaders_of(info).register(row.town for row in figures.towns)
        return figures
