"""A small network for the station desk tests, with parcels built row by row.

County centre C; town station TA (甲镇) with village stations VA1 and VA2 below it; town
station TB (乙镇) with VB1. Operators: `op_a` works at VA1, `op_b` at VB1, `op_ta` at TA.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.account.jwt import create_access_token
from backend.routing import pickup_codes
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
)
from backend.stations.models import Station, StationLevel, StationOperator
from tests.conftest import GraphQLClient
from tests.factories import (
    ProductVariantFactory,
    TownFactory,
    UserFactory,
    VillageFactory,
    order_with_lines,
)

ALL = ["pickup", "home_delivery", "parcel_send_receive", "cash_collection"]
PASSWORD = "secret-password-1"


def make_station(code, level, *, town=None, village=None, parent=None, capabilities=ALL):
    station = Station.objects.create(
        code=code,
        name=f"站点{code}",
        level=level,
        town=town,
        village=village,
        parent=parent,
        latitude=Decimal("34.30"),
        longitude=Decimal("119.26"),
        capabilities=capabilities,
        address="村委会一楼",
    )
    if village is not None:
        station.served_villages.add(village)
    return station


@dataclass
class Desk:
    stations: dict[str, Station]
    op_a: object
    op_b: object
    op_ta: object
    shopper: object
    channel: object

    def parcel(
        self,
        *,
        destination: str = "VA1",
        kind: str = DeliveryKind.PICKUP,
        status: str = ShipmentStatus.IN_TRANSIT,
        legs: list[tuple[str, str | None, str, str]] | None = None,
        paid: bool = True,
        total: Decimal = Decimal("25.60"),
    ) -> Shipment:
        """A parcel of a new order of the shopper; `legs` are (from, to, kind, status), by
        default C→TA done and TA→destination in progress (the van is on its way)."""
        variant = ProductVariantFactory()
        order = order_with_lines(
            channel=self.channel,
            lines=[(variant, 2)],
            paid=paid,
            allocate_stock=False,
            user=self.shopper,
            user_phone="13900001111",
        )
        if total != order.total_gross_amount:
            order.total_gross_amount = total
            if paid:
                order.total_charged_amount = total
            order.save()
        shipment = Shipment.objects.create(
            order=order,
            sequence=1,
            code=pickup_codes.new_parcel_code(),
            status=status,
            delivery_kind=kind,
            destination_station=self.stations[destination],
            pickup_code_salt=pickup_codes.new_salt() if kind == DeliveryKind.PICKUP else "",
        )
        if legs is None:
            legs = [
                ("C", "TA", LegKind.TO_TOWN, LegStatus.DONE),
                ("TA", destination, LegKind.TO_VILLAGE, LegStatus.IN_PROGRESS),
            ]
            if kind == DeliveryKind.HOME_DELIVERY:
                legs.append((destination, None, LegKind.TO_SHOPPER, LegStatus.PENDING))
        now = timezone.now()
        for index, (origin, to, leg_kind, leg_status) in enumerate(legs, start=1):
            ShipmentLeg.objects.create(
                shipment=shipment,
                sequence=index,
                kind=leg_kind,
                from_station=self.stations[origin],
                to_station=self.stations[to] if to else None,
                status=leg_status,
                planned_at=now + dt.timedelta(hours=index),
                planned_arrival_at=now + dt.timedelta(hours=index, minutes=45),
                done_at=now if leg_status == LegStatus.DONE else None,
            )
        return shipment


@pytest.fixture
def desk(db, channel) -> Desk:
    town_a = TownFactory(name="甲镇")
    town_b = TownFactory(name="乙镇")
    c = make_station("C", StationLevel.COUNTY)
    ta = make_station("TA", StationLevel.TOWN, town=town_a, parent=c)
    tb = make_station("TB", StationLevel.TOWN, town=town_b, parent=c)
    stations = {
        "C": c,
        "TA": ta,
        "TB": tb,
        "VA1": make_station(
            "VA1",
            StationLevel.VILLAGE,
            town=town_a,
            village=VillageFactory(town=town_a, name="甲一村"),
            parent=ta,
        ),
        "VA2": make_station(
            "VA2",
            StationLevel.VILLAGE,
            town=town_a,
            village=VillageFactory(town=town_a, name="甲二村"),
            parent=ta,
            capabilities=["pickup"],
        ),
        "VB1": make_station(
            "VB1",
            StationLevel.VILLAGE,
            town=town_b,
            village=VillageFactory(town=town_b, name="乙一村"),
            parent=tb,
        ),
    }
    op_a = UserFactory(email="op-a@example.com", first_name="甲")
    op_b = UserFactory(email="op-b@example.com")
    op_ta = UserFactory(email="op-ta@example.com")
    StationOperator.objects.create(station=stations["VA1"], user=op_a)
    StationOperator.objects.create(station=stations["VA2"], user=op_a)
    StationOperator.objects.create(station=stations["VB1"], user=op_b)
    StationOperator.objects.create(station=stations["TA"], user=op_ta)
    return Desk(
        stations=stations,
        op_a=op_a,
        op_b=op_b,
        op_ta=op_ta,
        shopper=UserFactory(email="shopper@example.com"),
        channel=channel,
    )


def api_for(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user))


def code_of(shipment: Shipment) -> str:
    return pickup_codes.code_for(shipment.pickup_code_salt)


def wrong_code_for(shipment: Shipment) -> str:
    right = code_of(shipment)
    return "000000" if right != "000000" else "111111"


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks queued after commit run in the test's process (the broker has no worker here)."""
    from backend.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def sms_texts(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
