"""Who may see which parcels."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from backend.order.selectors import can_manage_orders
from backend.routing import pickup_codes
from backend.routing.models import Shipment, ShipmentStatus, TrackingAction
from backend.stations.selectors import can_manage_stations, stations_operated_by

# A pickup code is shown while the parcel can still be collected with it.
CODE_SHOWN_WHILE = (
    ShipmentStatus.PLANNED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.AT_STATION,
    ShipmentStatus.READY_FOR_PICKUP,
)


def can_see_all_shipments(user) -> bool:
    """Order managers and network managers (staff) see every parcel."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return can_manage_orders(user) or can_manage_stations(user)


def touching_stations(shipments: QuerySet[Shipment], station_ids) -> QuerySet[Shipment]:
    """Parcels bound for, leaving from or arriving at one of the stations."""
    return shipments.filter(
        Q(destination_station_id__in=station_ids)
        | Q(legs__from_station_id__in=station_ids)
        | Q(legs__to_station_id__in=station_ids)
    ).distinct()


def shipments_visible_to(user) -> QuerySet[Shipment]:
    """Every parcel for managers; a station operator the parcels of their stations only."""
    if can_see_all_shipments(user):
        return Shipment.objects.all()
    if user is None or not user.is_authenticated:
        return Shipment.objects.none()
    station_ids = list(stations_operated_by(user).values_list("pk", flat=True))
    if not station_ids:
        return Shipment.objects.none()
    return touching_stations(Shipment.objects.all(), station_ids)


def pickup_code_for(shipment: Shipment, *, order_user_id, user) -> str | None:
    """The parcel's pickup code for the order's owner, None for anyone else (staff and
    station operators included: the shopper shows it at the counter)."""
    if not shipment.pickup_code_salt or shipment.status not in CODE_SHOWN_WHILE:
        return None
    if user is None or not user.is_authenticated or order_user_id != user.pk:
        return None
    return pickup_codes.code_for(shipment.pickup_code_salt)


def uncollected_parcels(now: dt.datetime) -> QuerySet[Shipment]:
    """Parcels waiting at their pickup station for `PICKUP_RETURN_AFTER_DAYS` days or more
    since they were announced ready: due to go back to the sender (issue #4)."""
    since = now - dt.timedelta(days=settings.PICKUP_RETURN_AFTER_DAYS)
    return Shipment.objects.filter(
        status=ShipmentStatus.READY_FOR_PICKUP,
        events__action=TrackingAction.READY_FOR_PICKUP,
        events__at__lte=since,
    ).distinct()
