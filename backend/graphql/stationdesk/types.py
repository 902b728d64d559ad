"""Types of the station desk: first-mile parcels and the dispatch manifest. Order parcels are
the routing module's `Shipment` type."""

from __future__ import annotations

import graphene

from backend.graphql.routing.types import Shipment, ShipmentLeg
from backend.graphql.stationdesk.enums import FirstMileStatusEnum
from backend.graphql.stations.types import Station


class FirstMileParcel(graphene.ObjectType):
    code = graphene.String(required=True, description="The label code, F and ten digits.")
    status = graphene.Field(FirstMileStatusEnum, required=True)
    producer_name = graphene.String(required=True)
    producer_phone = graphene.String(required=True)
    description = graphene.String(required=True)
    weight_grams = graphene.Int(required=True)
    origin_station = graphene.Field(Station, required=True)
    current_station = graphene.Field(Station, required=True)
    next_station = graphene.Field(Station, description="Null once at the county centre.")
    created_at = graphene.DateTime(required=True)

    class Meta:
        description = (
            "Produce a station collected from a local producer (农产品进城), on its way to the "
            "county distribution centre. Visible to the operators of its stations."
        )

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)


class StationManifestEntry(graphene.ObjectType):
    shipment = graphene.Field(Shipment, required=True)
    leg = graphene.Field(ShipmentLeg, required=True, description="The leg leaving the station.")


class StationManifest(graphene.ObjectType):
    date = graphene.Date(required=True, description="The day, Asia/Shanghai.")
    run = graphene.String(required=True, description="The county run, e.g. 10:00.")
    runs = graphene.List(graphene.NonNull(graphene.String), required=True)
    count = graphene.Int(required=True)
    parcels = graphene.List(graphene.NonNull(StationManifestEntry), required=True)
    first_mile_parcels = graphene.List(graphene.NonNull(FirstMileParcel), required=True)

    class Meta:
        description = "Parcels that leave a station with one county dispatch run."

    @staticmethod
    def resolve_run(root, info):
        return f"{root.run:%H:%M}"

    @staticmethod
    def resolve_runs(root, info):
        return [f"{run:%H:%M}" for run in root.runs]

    @staticmethod
    def resolve_parcels(root, info):
        return [{"shipment": leg.shipment, "leg": leg} for leg in root.legs]

    @staticmethod
    def resolve_first_mile_parcels(root, info):
        return root.first_mile
