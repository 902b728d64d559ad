"""The Station type, its opening hours and the coverage figures."""

from __future__ import annotations

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.core.permissions import Permission
from backend.graphql.account.types import User
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.divisions.types import Town, Village
from backend.graphql.stations.dataloaders import (
    OperatorsByStationLoader,
    ParentByStationLoader,
    ServedVillagesByStationLoader,
    TownByStationLoader,
    VillageByStationLoader,
)
from backend.graphql.stations.enums import (
    StationCapabilityEnum,
    StationLevelEnum,
    StationOperatorRoleEnum,
    StationStatusEnum,
    WeekdayEnum,
)
from backend.stations.models import Station as StationModel
from backend.stations.opening_hours import DAYS
from backend.stations.selectors import can_manage_stations, stations_visible_to


class OpeningInterval(graphene.ObjectType):
    opens = graphene.String(required=True, description="Opening time, HH:MM (Asia/Shanghai).")
    closes = graphene.String(required=True, description="Closing time, HH:MM; 24:00 = midnight.")


class StationOpeningDay(graphene.ObjectType):
    day = graphene.Field(WeekdayEnum, required=True)
    intervals = graphene.List(
        graphene.NonNull(OpeningInterval),
        required=True,
        description="When the station is open that day; empty on a closing day.",
    )


class StationOperator(graphene.ObjectType):
    user = graphene.Field(User, required=True)
    role = graphene.Field(StationOperatorRoleEnum, required=True)


class Station(DjangoObjectType):
    code = graphene.String(required=True, description="Stable code, e.g. GY-V-320723100201.")
    level = graphene.Field(StationLevelEnum, required=True)
    status = graphene.Field(StationStatusEnum, required=True)
    status_reason = graphene.String(
        required=True, description="Why the station is suspended or closed; empty when active."
    )
    parent = graphene.Field(
        lambda: Station, description="The station parcels go up to; null for the county centre."
    )
    town = graphene.Field(Town, description="The station's town; null for the county centre.")
    village = graphene.Field(Village, description="The village of a village station.")
    latitude = graphene.Float(required=True)
    longitude = graphene.Float(required=True)
    opening_hours = graphene.List(
        graphene.NonNull(StationOpeningDay),
        required=True,
        description="The week's opening hours, Monday first, in Asia/Shanghai local time.",
    )
    is_open_now = graphene.Boolean(
        required=True, description="Active and within its opening hours at this moment."
    )
    next_opening_at = graphene.DateTime(
        description="The next moment the station opens (now if it is open); null if it never "
        "does or is not active."
    )
    capabilities = graphene.List(graphene.NonNull(StationCapabilityEnum), required=True)
    daily_parcel_capacity = graphene.Int(required=True)
    served_villages = graphene.List(
        graphene.NonNull(Village),
        required=True,
        description="The villages this station serves (its own first counts like any other).",
    )
    distance = graphene.Float(
        description="Distance in km from the point given as `near`; null without one."
    )
    operators = graphene.List(
        graphene.NonNull(StationOperator),
        required=True,
        description="Users who work at the station. Requires MANAGE_STATIONS.",
    )

    class Meta:
        model = StationModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "name", "address", "phone")
        description = (
            "A station of the county's logistics network: the county distribution centre "
            "(县级物流配送分拨中心), a town transfer station (镇级物流中转服务站) or a village "
            "e-commerce service station (村级电商服务站点)."
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.all() & stations_visible_to(info.context.user)

    @staticmethod
    def resolve_parent(root: StationModel, info):
        return load(info, ParentByStationLoader, root.parent_id) if root.parent_id else None

    @staticmethod
    def resolve_town(root: StationModel, info):
        return load(info, TownByStationLoader, root.town_id) if root.town_id else None

    @staticmethod
    def resolve_village(root: StationModel, info):
        return load(info, VillageByStationLoader, root.village_id) if root.village_id else None

    @staticmethod
    def resolve_latitude(root: StationModel, info):
        return float(root.latitude)

    @staticmethod
    def resolve_longitude(root: StationModel, info):
        return float(root.longitude)

    @staticmethod
    def resolve_opening_hours(root: StationModel, info):
        schedule = root.opening_hours or {}
        return [
            StationOpeningDay(
                day=day,
                intervals=[
                    OpeningInterval(opens=opens, closes=closes)
                    for opens, closes in schedule.get(day, [])
                ],
            )
            for day in DAYS
        ]

    @staticmethod
    def resolve_is_open_now(root: StationModel, info):
        return root.is_active and root.is_open_at(timezone.now())

    @staticmethod
    def resolve_next_opening_at(root: StationModel, info):
        if not root.is_active:
            return None
        now = timezone.now()
        return now if root.is_open_at(now) else root.next_opening(now)

    @staticmethod
    def resolve_served_villages(root: StationModel, info):
        return load(info, ServedVillagesByStationLoader, root.pk)

    @staticmethod
    def resolve_distance(root: StationModel, info):
        distance = getattr(root, "distance_km", None)
        return None if distance is None else round(distance, 3)

    @staticmethod
    def resolve_operators(root: StationModel, info):
        if not (info.context.user.is_staff and can_manage_stations(info.context.user)):
            raise PermissionDenied([Permission.MANAGE_STATIONS])
        return [
            StationOperator(user=membership.user, role=membership.role)
            for membership in load(info, OperatorsByStationLoader, root.pk)
        ]


class StationCountableConnection(CountableConnection):
    class Meta:
        node = Station


class CoverageFigures(graphene.Interface):
    villages = graphene.Int(required=True, description="Administrative villages (村 and 社区).")
    villages_served = graphene.Int(
        required=True, description="Villages served by at least one active station."
    )
    share = graphene.Float(description="villagesServed / villages; null without villages.")
    weak_villages = graphene.Int(
        required=True, description="Economically weak villages (经济薄弱村)."
    )
    weak_villages_served = graphene.Int(
        required=True, description="Weak villages served by at least one active station."
    )
    weak_share = graphene.Float(
        description="weakVillagesServed / weakVillages; null without weak villages."
    )


class TownCoverage(graphene.ObjectType):
    town = graphene.Field(Town, required=True)

    class Meta:
        interfaces = (CoverageFigures,)
        description = "Station coverage of one town's villages."


class StationCoverage(graphene.ObjectType):
    towns = graphene.List(graphene.NonNull(TownCoverage), required=True)
    weak_target = graphene.Float(
        required=True,
        description="The plan's target share of weak villages with e-commerce service (0.5).",
    )
    weak_target_met = graphene.Boolean(required=True)

    class Meta:
        interfaces = (CoverageFigures,)
        description = (
            "How much of the county the active stations serve, county-wide and per town: the "
            "county's published targets (灌政办〔2020〕18号: weak villages ≥ 50%)."
        )
