"""`stationServiceFigures`: the network's same-day share, time per leg and backlog for county
staff (issue #4 "API and reports"); the figures the county reports against its plan."""

from __future__ import annotations

import datetime as dt

import graphene
from django.utils import timezone

from backend.core.permissions import Permission, has_permissions
from backend.graphql.core.errors import ApiError, PermissionDenied, QueryErrorCode
from backend.routing.figures import SameDay, service_figures

MAX_DAYS = 366


class SameDayFigure(graphene.ObjectType):
    eligible = graphene.Int(
        required=True, description="In-county parcels of orders placed before the cut-off."
    )
    same_day = graphene.Int(
        required=True, description="Of those, ready for pickup or delivered the same day."
    )
    share = graphene.Float(description="same_day / eligible; null when nothing was eligible.")

    @staticmethod
    def resolve_share(root: SameDay, info):
        return None if root.share is None else float(root.share)


class DaySameDay(SameDayFigure):
    date = graphene.Date(required=True)


class TownSameDay(SameDayFigure):
    town = graphene.String(required=True)


class LegTime(graphene.ObjectType):
    kind = graphene.String(required=True)
    count = graphene.Int(required=True)
    average_minutes = graphene.Float(required=True)

    @staticmethod
    def resolve_average_minutes(root, info):
        return float(root.average_minutes)


class StationBacklogFigure(graphene.ObjectType):
    station_name = graphene.String(required=True)
    waiting = graphene.Int(required=True)


class StationServiceFigures(graphene.ObjectType):
    date_from = graphene.Date(required=True)
    date_to = graphene.Date(required=True)
    cutoff = graphene.Time(required=True, description="Latest order time for same-day service.")
    total = graphene.Field(SameDayFigure, required=True)
    by_day = graphene.List(graphene.NonNull(DaySameDay), required=True)
    by_town = graphene.List(graphene.NonNull(TownSameDay), required=True)
    legs = graphene.List(graphene.NonNull(LegTime), required=True)
    backlog = graphene.List(graphene.NonNull(StationBacklogFigure), required=True)

    @staticmethod
    def resolve_by_day(root, info):
        return [_with(figure, date=day) for day, figure in root.by_day.items()]

    @staticmethod
    def resolve_by_town(root, info):
        return [_with(figure, town=town) for town, figure in root.by_town.items()]


def _with(figure: SameDay, **extra):
    # SameDay is a dataclass; the GraphQL row carries its key (date or town) beside it.
    row = SameDay(eligible=figure.eligible, same_day=figure.same_day)
    for key, value in extra.items():
        setattr(row, key, value)
    return row


class RoutingFigureQueries(graphene.ObjectType):
    station_service_figures = graphene.Field(
        StationServiceFigures,
        date_from=graphene.Date(description="First local day; default 30 days ago."),
        date_to=graphene.Date(description="Last local day; default today."),
        description="Same-day share, time per leg and backlog per station (staff who manage "
        "stations or orders).",
    )

    @staticmethod
    def resolve_station_service_figures(root, info, date_from=None, date_to=None):
        user = info.context.user
        allowed = (
            user.is_authenticated
            and user.is_staff
            and (
                has_permissions(user, [Permission.MANAGE_STATIONS])
                or has_permissions(user, [Permission.MANAGE_ORDERS])
            )
        )
        if not allowed:
            raise PermissionDenied([Permission.MANAGE_STATIONS, Permission.MANAGE_ORDERS])
        date_to = date_to or timezone.localdate()
        date_from = date_from or date_to - dt.timedelta(days=30)
        if date_from > date_to or (date_to - date_from).days > MAX_DAYS:
            raise ApiError(
                f"dateFrom must be on or before dateTo and at most {MAX_DAYS} days before it.",
                code=QueryErrorCode.INVALID,
                field="dateFrom",
            )
        return service_figures(date_from, date_to)
