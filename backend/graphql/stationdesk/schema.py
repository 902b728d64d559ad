"""Operator queries: the parcels of one of my stations, and its manifest for a county run."""

from __future__ import annotations

import datetime as dt

import graphene

from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.routing.enums import ShipmentStatusEnum
from backend.graphql.routing.types import Shipment
from backend.graphql.stationdesk.mutations import STATION_HELP, operated_station
from backend.graphql.stationdesk.types import StationManifest
from backend.stationdesk import selectors
from backend.stationdesk.services import StationDeskError

# A station's list is for the counter, not for reports: the newest parcels first, at most this
# many (the staff `shipments` connection pages through everything).
MAX_STATION_PARCELS = 200


def _station(info, value: str):
    try:
        return operated_station(info.context.user, value)
    except StationDeskError as error:
        raise ApiError(error.desk_message, code=QueryErrorCode.NOT_FOUND, field="station") from None


class StationDeskQueries(graphene.ObjectType):
    station_parcels = graphene.List(
        graphene.NonNull(Shipment),
        required=True,
        station=graphene.String(required=True, description=STATION_HELP),
        status=ShipmentStatusEnum(),
        description="Parcels bound for, arriving at or leaving one of your stations, newest "
        f"first (at most {MAX_STATION_PARCELS}).",
    )
    station_manifest = graphene.Field(
        StationManifest,
        required=True,
        station=graphene.String(required=True, description=STATION_HELP),
        date=graphene.Date(description="The day (Asia/Shanghai); today by default."),
        run=graphene.String(description="The county run, e.g. 10:00; the first by default."),
        description="Parcels leaving one of your stations with a county dispatch run.",
    )

    @staticmethod
    def resolve_station_parcels(root, info, station, status=None):
        row = _station(info, station)
        value = getattr(status, "value", status)
        return list(selectors.station_parcels(row, value)[:MAX_STATION_PARCELS])

    @staticmethod
    def resolve_station_manifest(root, info, station, date=None, run=None):
        row = _station(info, station)
        runs = selectors.dispatch_runs()
        chosen = runs[0]
        if run:
            try:
                chosen = dt.time.fromisoformat(run.strip())
            except ValueError:
                chosen = None  # type: ignore[assignment]
            if chosen not in runs:
                raise ApiError(
                    f"Unknown run {run!r}; the county runs are "
                    + ", ".join(f"{r:%H:%M}" for r in runs),
                    code=QueryErrorCode.INVALID,
                    field="run",
                )
        return selectors.manifest(row, date or selectors.today(), chosen)
