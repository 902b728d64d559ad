"""A small station network in the database for the routing tests.

Town A (stations TA, VA1, VA2 close together, VA3 farther off) and town B (TB, VB1) under the
county centre C, which holds the cold-chain warehouse `dc`. Producers: `farm_a` in town A and
`farm_b` in town B. Rice ships at room temperature; shrimp needs the cold chain.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.account.models import Address
from backend.catalog.models import AssignedProductAttributeValue
from backend.celery import app as celery_app
from backend.stations.models import Station, StationLevel
from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    ProductFactory,
    ProductVariantFactory,
    StockFactory,
    TownFactory,
    VillageFactory,
    WarehouseFactory,
    order_with_lines,
)

BASIC = ["pickup", "home_delivery", "parcel_send_receive"]
COLD = [*BASIC, "cold_chain"]


def make_station(code, level, *, lat, lon, town=None, village=None, parent=None, **extra):
    extra.setdefault("capabilities", BASIC)
    station = Station.objects.create(
        code=code,
        name=f"站点{code}",
        level=level,
        town=town,
        village=village,
        parent=parent,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        **extra,
    )
    if village is not None:
        station.served_villages.add(village)
    return station


@pytest.fixture
def eager_celery():
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def net(db, channel):
    town_a = TownFactory(name="甲镇")
    town_b = TownFactory(name="乙镇")
    villages = {
        "a1": VillageFactory(town=town_a, name="甲一村"),
        "a2": VillageFactory(town=town_a, name="甲二村"),
        "a3": VillageFactory(town=town_a, name="甲三村"),
        "b1": VillageFactory(town=town_b, name="乙一村"),
    }
    dc = WarehouseFactory(channels=[channel], name="分拨中心仓", is_cold_chain=True)
    farm_a = WarehouseFactory(channels=[channel], name="甲镇农场", town=town_a.name)
    farm_b = WarehouseFactory(channels=[channel], name="乙镇作坊", town=town_b.name)
    c = make_station("C", StationLevel.COUNTY, lat="34.284", lon="119.255", warehouse=dc)
    c.capabilities = COLD
    c.save()
    ta = make_station(
        "TA",
        StationLevel.TOWN,
        lat="34.300",
        lon="119.260",
        town=town_a,
        parent=c,
        capabilities=COLD,
    )
    tb = make_station("TB", StationLevel.TOWN, lat="34.500", lon="119.600", town=town_b, parent=c)
    stations = {
        "C": c,
        "TA": ta,
        "TB": tb,
        "VA1": make_station(
            "VA1",
            StationLevel.VILLAGE,
            lat="34.310",
            lon="119.270",
            town=town_a,
            village=villages["a1"],
            parent=ta,
        ),
        "VA2": make_station(
            "VA2",
            StationLevel.VILLAGE,
            lat="34.312",
            lon="119.272",
            town=town_a,
            village=villages["a2"],
            parent=ta,
        ),
        "VA3": make_station(
            "VA3",
            StationLevel.VILLAGE,
            lat="34.400",
            lon="119.400",
            town=town_a,
            village=villages["a3"],
            parent=ta,
        ),
        "VB1": make_station(
            "VB1",
            StationLevel.VILLAGE,
            lat="34.510",
            lon="119.610",
            town=town_b,
            village=villages["b1"],
            parent=tb,
        ),
    }
    rice = ProductVariantFactory(product=ProductFactory(name="大米"))
    shrimp_product = ProductFactory(name="对虾")
    cold_attribute = AttributeFactory(slug="cold-chain", name="冷链", input_type="boolean")
    AssignedProductAttributeValue.objects.create(
        product=shrimp_product,
        value=AttributeValueFactory(attribute=cold_attribute, name="是", boolean=True),
    )
    shrimp = ProductVariantFactory(product=shrimp_product)
    return {
        "towns": {"A": town_a, "B": town_b},
        "villages": villages,
        "stations": stations,
        "dc": dc,
        "farm_a": farm_a,
        "farm_b": farm_b,
        "rice": rice,
        "shrimp": shrimp,
        "channel": channel,
    }


def address_in(village) -> Address:
    return Address.objects.create(
        full_name="王小明",
        phone="13800138000",
        country_area="江苏省",
        city="连云港市",
        city_area="灌云县",
        town=village.town,
        village=village,
        town_name=village.town.name,
        village_name=village.name,
        street_address="村口 1 号",
    )


def stock(warehouse, variant, quantity):
    return StockFactory(warehouse=warehouse, product_variant=variant, quantity=quantity)


def paid_order(net, lines, *, village="b1", method="county-flat", **fields):
    """A paid order of `lines` ((variant, qty)) delivered to a village of the network."""
    fields.setdefault("shipping_address", address_in(net["villages"][village]))
    return order_with_lines(
        channel=net["channel"], lines=lines, delivery_method_id=method, **fields
    )
