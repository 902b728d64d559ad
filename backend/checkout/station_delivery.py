"""Station pickup (网订店取) in the checkout's delivery seam (issue #4).

Inside the county a shopper may collect the order at an active station that offers pickup.
The list shows the stations serving the shopper's village first, then the nearest others by
coordinates (measured from the shopper's village or town station), each with its distance,
opening hours and the promised ready date; any other active pickup station of the county can
still be chosen by its id (`pickup:<station code>`), e.g. from the station finder.

The promised date follows the co-delivery schedule: an order is prepared, leaves the county
centre with the next van run (10:00 and 15:00 by default) and reaches a village station about
an hour later; an order after the last run's cut-off is ready the next day. Routing (after
payment) plans the real legs; this is the promise shown before ordering.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.checkout.delivery import CountyFlatRate, DeliveryContext, DeliveryKind, DeliveryMethod
from backend.core.money import Money
from backend.routing.planner import Schedule
from backend.stations.models import Station, StationCapability, StationLevel, StationStatus
from backend.stations.selectors import stations_for_village, with_distance

PREFIX = "pickup:"
LISTED = 5


def promised_ready_date(now: dt.datetime | None = None) -> dt.date:
    """The day an order placed now is ready at a station, by the co-delivery schedule."""
    schedule = Schedule.from_settings(settings.COUNTY_DISPATCH_RUNS, settings.ROUTING_LEG_MINUTES)
    now = now or timezone.now()
    ready = now + dt.timedelta(minutes=schedule.prepare_minutes)
    departure = schedule.next_run(ready)  # the first van leaving after the order is packed
    arrival = departure + dt.timedelta(minutes=schedule.trunk_minutes + schedule.village_minutes)
    return arrival.astimezone(ZoneInfo(schedule.zone)).date()


def _reference_point(context: DeliveryContext) -> tuple[Decimal, Decimal] | None:
    """Where the shopper is: their village's station, else their town's."""
    address = context.address
    if address is None or address.village_id is None or address.town_id is None:
        return None
    located = (
        Station.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .filter(village_id=address.village_id)
        .values_list("latitude", "longitude")
        .first()
    ) or (
        Station.objects.filter(
            level=StationLevel.TOWN,
            town_id=address.town_id,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .values_list("latitude", "longitude")
        .first()
    )
    return located


def _pickup_stations():
    return Station.objects.filter(
        status=StationStatus.ACTIVE, capabilities__contains=[StationCapability.PICKUP]
    ).select_related("town", "village")


def _method(station: Station, context: DeliveryContext, ready: dt.date) -> DeliveryMethod:
    distance = getattr(station, "distance_km", None)
    price = Decimal(str(settings.DELIVERY_RATES.get("station_pickup", "0.00")))
    return DeliveryMethod(
        id=f"{PREFIX}{station.code}",
        name=_("到站自提 · %(station)s") % {"station": station.name},
        price=Money(price, context.currency),
        kind=DeliveryKind.COLLECTION_POINT,
        description=_("%(date)s 起可取件") % {"date": ready.strftime("%m-%d")},
        minimum_delivery_days=0,
        maximum_delivery_days=(ready - timezone.localdate()).days,
        metadata={
            "station_code": station.code,
            "distance_km": round(float(distance), 1) if distance is not None else None,
            "ready_date": ready.isoformat(),
        },
    )


class StationPickup:
    """Collect the order at a station of the county network."""

    def methods(self, context: DeliveryContext) -> list[DeliveryMethod]:
        address = context.address
        if not context.is_shipping_required or address is None or address.village is None:
            return []
        ready = promised_ready_date()
        serving = [
            s
            for s in stations_for_village(address.village)
            if StationCapability.PICKUP in (s.capabilities or [])
        ]
        chosen = {s.pk for s in serving}
        point = _reference_point(context)
        nearest: list[Station] = []
        if point is not None:
            nearest = list(
                with_distance(_pickup_stations().exclude(pk__in=chosen), *point)[:LISTED]
            )
            for station in serving:
                station.distance_km = None  # listed for serving the village
        stations = (serving + nearest)[: max(LISTED, len(serving))]
        return [_method(station, context, ready) for station in stations]

    def method(self, context: DeliveryContext, method_id: str) -> DeliveryMethod | None:
        if not method_id.startswith(PREFIX) or not context.is_shipping_required:
            return None
        address = context.address
        if address is None or not address.is_in_county:
            return None
        station = _pickup_stations().filter(code=method_id.removeprefix(PREFIX)).first()
        if station is None:
            return None
        return _method(station, context, promised_ready_date())


def station_for_method(method_id: str) -> Station | None:
    if not method_id.startswith(PREFIX):
        return None
    return Station.objects.filter(code=method_id.removeprefix(PREFIX)).first()


class StationHomeDelivery(CountyFlatRate):
    """Home delivery in the county (网订到家) at the county flat rate, done on the last mile by
    the station serving the shopper's village (or the town's station when no village station
    delivers). With a station network configured, a village that no active station can
    deliver to is not offered home delivery; without any network (a county that has not
    loaded its stations yet) the flat rate is offered as is."""

    def methods(self, context: DeliveryContext) -> list[DeliveryMethod]:
        offered = super().methods(context)
        if not offered or not Station.objects.exists():
            return offered
        station = last_mile_station(context.address)
        if station is None:
            return []
        method = offered[0]
        return [
            DeliveryMethod(
                id=method.id,
                name=method.name,
                price=method.price,
                kind=method.kind,
                description=_("由%(station)s送货上门，预计 %(date)s 送达")
                % {"station": station.name, "date": promised_ready_date().strftime("%m-%d")},
                minimum_delivery_days=method.minimum_delivery_days,
                maximum_delivery_days=method.maximum_delivery_days,
                metadata={
                    "station_code": station.code,
                    "ready_date": promised_ready_date().isoformat(),
                },
            )
        ]


def last_mile_station(address) -> Station | None:
    """The active station that delivers to the address's village: a station serving the
    village with home delivery, else the town's station if it delivers."""
    if address is None or address.village is None:
        return None
    for candidate in stations_for_village(address.village):
        if StationCapability.HOME_DELIVERY in (candidate.capabilities or []):
            return candidate
    return (
        Station.objects.filter(
            level=StationLevel.TOWN,
            town_id=address.town_id,
            status=StationStatus.ACTIVE,
            capabilities__contains=[StationCapability.HOME_DELIVERY],
        )
        .order_by("code")
        .first()
    )
