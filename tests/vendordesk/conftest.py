"""Two cooperatives for the workspace tests, each with an owner, a staff member, a warehouse,
a product with stock, and a paid order whose parcel leaves from its warehouse.

Vendor A (莲藕合作社): owner `a_owner`, staff `a_staff`; vendor B (粉丝合作社): owner
`b_owner`. `shopper` is nobody's staff. Parcels go from the town station TA (the first leg's
`from`) through the county centre C to the village station VB1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from backend.listings.models import Listing, ListingState
from backend.routing import pickup_codes
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentLine,
    ShipmentStatus,
)
from backend.stations.models import StationLevel
from backend.vendors.models import VendorRole, VendorStaff
from tests.factories import (
    ProductFactory,
    ProductVariantFactory,
    StockFactory,
    TownFactory,
    UserFactory,
    VendorFactory,
    VillageFactory,
    WarehouseFactory,
    order_with_lines,
)
from tests.stationdesk.conftest import make_station

PASSWORD = "secret-password-1"


@dataclass
class Side:
    vendor: object
    owner: object
    warehouse: object
    variant: object
    stock: object


@dataclass
class World:
    a: Side
    b: Side
    a_staff: object
    shopper: object
    channel: object
    stations: dict

    def parcel(
        self,
        side: Side,
        *,
        quantity: int = 2,
        status: str = ShipmentStatus.PLANNED,
        extra_lines=(),
    ) -> Shipment:
        """A paid order of the shopper with `quantity` of the side's variant (and any
        `extra_lines` of other vendors' variants) in one parcel from the side's warehouse."""
        lines = [(side.variant, quantity), *extra_lines]
        order = order_with_lines(
            channel=self.channel,
            lines=lines,
            allocate_stock=False,
            user=self.shopper,
            user_phone="13900001111",
        )
        for line in order.lines.all():
            line.vendor = line.variant.product.vendor
            line.save(update_fields=["vendor"])
        shipment = Shipment.objects.create(
            order=order,
            sequence=1,
            code=pickup_codes.new_parcel_code(),
            status=status,
            delivery_kind=DeliveryKind.PICKUP,
            source_warehouse=side.warehouse,
            destination_station=self.stations["VB1"],
            pickup_code_salt=pickup_codes.new_salt(),
        )
        for line in order.lines.all():
            ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity)
        now = timezone.now()
        for index, (origin, to, kind) in enumerate(
            [("TA", "C", LegKind.TO_COUNTY), ("C", "VB1", LegKind.TO_TOWN)], start=1
        ):
            ShipmentLeg.objects.create(
                shipment=shipment,
                sequence=index,
                kind=kind,
                from_station=self.stations[origin],
                to_station=self.stations[to],
                status=LegStatus.PENDING,
                planned_at=now + dt.timedelta(hours=index),
                planned_arrival_at=now + dt.timedelta(hours=index, minutes=45),
            )
        return shipment


def _side(name: str, phone: str) -> Side:
    vendor = VendorFactory(name=name)
    owner = UserFactory(phone=phone, first_name=f"{name}负责人")
    VendorStaff.objects.create(vendor=vendor, user=owner, role=VendorRole.OWNER)
    warehouse = WarehouseFactory(name=f"{name}仓库", vendor=vendor)
    product = ProductFactory(vendor=vendor, name=f"{name}的商品")
    Listing.objects.get_or_create(product=product, defaults={"state": ListingState.APPROVED})
    variant = ProductVariantFactory(product=product)
    stock = StockFactory(warehouse=warehouse, product_variant=variant, quantity=20)
    return Side(vendor=vendor, owner=owner, warehouse=warehouse, variant=variant, stock=stock)


@pytest.fixture
def world(db, channel) -> World:
    town_a = TownFactory(name="甲镇")
    town_b = TownFactory(name="乙镇")
    c = make_station("C", StationLevel.COUNTY)
    ta = make_station("TA", StationLevel.TOWN, town=town_a, parent=c)
    tb = make_station("TB", StationLevel.TOWN, town=town_b, parent=c)
    vb1 = make_station(
        "VB1",
        StationLevel.VILLAGE,
        town=town_b,
        village=VillageFactory(town=town_b, name="乙一村"),
        parent=tb,
    )
    a = _side("莲藕合作社", "+8613800000001")
    b = _side("粉丝合作社", "+8613800000002")
    a_staff = UserFactory(phone="+8613800000003")
    VendorStaff.objects.create(vendor=a.vendor, user=a_staff, role=VendorRole.STAFF)
    return World(
        a=a,
        b=b,
        a_staff=a_staff,
        shopper=UserFactory(phone="+8613900001111", first_name="买家"),
        channel=channel,
        stations={"C": c, "TA": ta, "TB": tb, "VB1": vb1},
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
