"""Staff mutations of the station network (MANAGE_STATIONS): status changes and operators."""

from __future__ import annotations

import graphene

from backend.account.models import User as UserModel
from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.stations.enums import StationErrorCodeEnum, StationOperatorRoleEnum, enum_value
from backend.graphql.stations.types import Station
from backend.stations import services
from backend.stations.models import Station as StationModel
from backend.stations.models import StationOperatorRole

StationError = error_type("StationError", StationErrorCodeEnum)
STATIONS = [Permission.MANAGE_STATIONS]


def _station(global_id: str, field: str = "id") -> StationModel:
    return get_instance(StationModel.objects, global_id, "Station", field=field)


class StationSuspend(BaseMutation):
    station = graphene.Field(Station)

    class Arguments:
        id = graphene.ID(required=True, description="The station to suspend.")
        reason = graphene.String(required=True, description="Why, shown to staff and in audit.")

    class Meta:
        description = (
            "Suspends an active station: it stops taking parcels and its pending parcels are "
            "re-routed. Requires MANAGE_STATIONS."
        )
        permissions = STATIONS
        error_type_class = StationError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        station = services.suspend_station(
            station=_station(id), reason=reason, actor=info.context.user
        )
        return cls(station=station)


class StationClose(BaseMutation):
    station = graphene.Field(Station)

    class Arguments:
        id = graphene.ID(required=True, description="The station to close.")
        reason = graphene.String(required=True, description="Why, shown to staff and in audit.")

    class Meta:
        description = "Closes a station. Requires MANAGE_STATIONS."
        permissions = STATIONS
        error_type_class = StationError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        station = services.close_station(
            station=_station(id), reason=reason, actor=info.context.user
        )
        return cls(station=station)


class StationReactivate(BaseMutation):
    station = graphene.Field(Station)

    class Arguments:
        id = graphene.ID(required=True, description="The suspended or closed station.")

    class Meta:
        description = "Opens a suspended or closed station again. Requires MANAGE_STATIONS."
        permissions = STATIONS
        error_type_class = StationError

    @classmethod
    def perform_mutation(cls, root, info, id):
        station = services.reactivate_station(station=_station(id), actor=info.context.user)
        return cls(station=station)


class StationOperatorAssign(BaseMutation):
    station = graphene.Field(Station)

    class Arguments:
        station = graphene.ID(required=True, description="The station.")
        user = graphene.ID(required=True, description="The user who will work there.")
        role = StationOperatorRoleEnum(description="Operator (default) or manager.")

    class Meta:
        description = (
            "Makes a user an operator or manager of a station; assigning again changes the "
            "role. Requires MANAGE_STATIONS."
        )
        permissions = STATIONS
        error_type_class = StationError

    @classmethod
    def perform_mutation(cls, root, info, station, user, role=None):
        station_row = _station(station, "station")
        user_row = get_instance(UserModel.objects, user, "User", field="user")
        services.assign_operator(
            station=station_row,
            user=user_row,
            role=enum_value(role) or StationOperatorRole.OPERATOR,
            actor=info.context.user,
        )
        return cls(station=station_row)


class StationMutations(graphene.ObjectType):
    station_suspend = StationSuspend.Field()
    station_close = StationClose.Field()
    station_reactivate = StationReactivate.Field()
    station_operator_assign = StationOperatorAssign.Field()
