"""Operator mutations (issue #4): scans, hand-over, cash, first mile.

They need no staff permission: the services check that the user works at the station, and a
parcel of another station is NOT_FOUND. Unlike other mutations they do not run inside one
outer transaction: each service commits its own, so that a wrong pickup code stays logged
(and counted against the limit) although the mutation returns an error.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from graphql_relay import from_global_id

from backend.graphql.core.errors import ApiError, error_type
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.order.enums import OrderChargeStatusEnum
from backend.graphql.routing.types import Shipment
from backend.graphql.stationdesk.enums import StationDeskErrorCodeEnum
from backend.graphql.stationdesk.types import FirstMileParcel
from backend.stationdesk import services
from backend.stations.models import Station as StationModel

StationDeskError = error_type("StationDeskError", StationDeskErrorCodeEnum)

STATION_HELP = "The station's code (e.g. GY-V-320723100201) or ID; one you work at."


def operated_station(user, value: str) -> StationModel:
    """The station by code or global ID, if the user works there; else NOT_FOUND."""
    value = (value or "").strip()
    try:
        type_name, pk = from_global_id(value)
    except Exception:
        type_name, pk = "", ""
    if type_name == "Station" and pk.isdigit():
        code = StationModel.objects.filter(pk=pk).values_list("code", flat=True).first() or ""
        value = code
    return services.operated_station(user=user, code=value)


class OperatorMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            response = cls.perform_mutation(root, info, **data)
        except ValidationError as error:
            return cls.handle_errors(error)
        except ApiError as error:
            return cls(
                **{
                    cls._meta.error_type_field: [
                        {"field": None, "message": error.message, "code": "GRAPHQL_ERROR"}
                    ]
                }
            )
        setattr(response, cls._meta.error_type_field, [])
        return response


class _Scan(OperatorMutation):
    shipment = graphene.Field(Shipment, description="The order's parcel scanned.")
    first_mile_parcel = graphene.Field(
        FirstMileParcel, description="The first-mile parcel scanned (codes starting with F)."
    )
    repeated = graphene.Boolean(
        description="True when the same scan had been made before; nothing changed."
    )

    class Meta:
        abstract = True

    service = staticmethod(services.receive_parcel)

    @classmethod
    def perform_mutation(cls, root, info, station, code):
        user = info.context.user
        result = cls.service(station=operated_station(user, station), code=code, user=user)
        return cls(
            shipment=result.shipment,
            first_mile_parcel=result.first_mile,
            repeated=result.repeated,
        )


class ShipmentReceive(_Scan):
    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        code = graphene.String(required=True, description="The parcel code on the label.")

    class Meta:
        description = (
            "Inbound scan: the parcel's current leg ends at the station. At the pickup station "
            "the parcel is ready for pickup and the shopper gets the pickup code by SMS."
        )
        error_type_class = StationDeskError

    service = staticmethod(services.receive_parcel)


class ShipmentDispatch(_Scan):
    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        code = graphene.String(required=True, description="The parcel code on the label.")

    class Meta:
        description = "Outbound scan: the parcel leaves the station on its next leg."
        error_type_class = StationDeskError

    service = staticmethod(services.dispatch_parcel)


class ShipmentConfirmDelivery(_Scan):
    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        code = graphene.String(required=True, description="The parcel code on the label.")

    class Meta:
        description = "Home delivery (网订到家): the parcel reached the shopper."
        error_type_class = StationDeskError

    service = staticmethod(services.confirm_delivery)


class ShipmentHandOver(OperatorMutation):
    shipment = graphene.Field(Shipment)

    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        code = graphene.String(
            required=True, description="The parcel code, or the scanned QR payload."
        )
        pickup_code = graphene.String(
            required=True, description="The shopper's 6-digit code, or the scanned QR payload."
        )

    class Meta:
        description = (
            "Releases a parcel ready for pickup against the shopper's pickup code. Wrong codes "
            "are logged and limited per parcel per hour (TOO_MANY_ATTEMPTS); a parcel already "
            "released gives ALREADY_PICKED_UP."
        )
        error_type_class = StationDeskError

    @classmethod
    def perform_mutation(cls, root, info, station, code, pickup_code):
        user = info.context.user
        result = services.hand_over(
            station=operated_station(user, station), code=code, pickup_code=pickup_code, user=user
        )
        return cls(shipment=result.shipment)


class StationCollectCash(OperatorMutation):
    shipment = graphene.Field(Shipment)
    charge_status = graphene.Field(OrderChargeStatusEnum, description="The order's, after.")

    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        code = graphene.String(required=True, description="The parcel code of the order.")
        amount = graphene.String(
            required=True, description="Cash taken, in yuan (e.g. 25.60); the outstanding total."
        )

    class Meta:
        description = (
            "Cash for a pay-at-station order (到站付款): the amount must equal what is "
            "outstanding (AMOUNT_MISMATCH otherwise); the order is marked paid."
        )
        error_type_class = StationDeskError

    @classmethod
    def perform_mutation(cls, root, info, station, code, amount):
        user = info.context.user
        order = services.collect_cash(
            station=operated_station(user, station), code=code, amount=amount, user=user
        )
        shipment = order.shipments.filter(code=services.normalize_code(code)).first()
        return cls(shipment=shipment, charge_status=str(order.charge_status))


class FirstMileRegisterInput(graphene.InputObjectType):
    producer_name = graphene.String(required=True)
    producer_phone = graphene.String(required=True, description="A mainland mobile number.")
    description = graphene.String(required=True, description="What was collected.")
    weight_grams = graphene.Int(required=True)


class FirstMileRegister(OperatorMutation):
    first_mile_parcel = graphene.Field(FirstMileParcel)

    class Arguments:
        station = graphene.String(required=True, description=STATION_HELP)
        input = FirstMileRegisterInput(required=True)

    class Meta:
        description = (
            "First mile (农产品进城): produce collected from a local producer becomes a parcel "
            "to the county distribution centre."
        )
        error_type_class = StationDeskError

    @classmethod
    def perform_mutation(cls, root, info, station, input):
        user = info.context.user
        parcel = services.register_first_mile(
            station=operated_station(user, station),
            producer_name=input.get("producer_name", ""),
            producer_phone=input.get("producer_phone", ""),
            description=input.get("description", ""),
            weight_grams=input.get("weight_grams"),
            user=user,
        )
        return cls(first_mile_parcel=parcel)


class StationDeskMutations(graphene.ObjectType):
    shipment_receive = ShipmentReceive.Field()
    shipment_dispatch = ShipmentDispatch.Field()
    shipment_hand_over = ShipmentHandOver.Field()
    shipment_confirm_delivery = ShipmentConfirmDelivery.Field()
    station_collect_cash = StationCollectCash.Field()
    first_mile_register = FirstMileRegister.Field()
