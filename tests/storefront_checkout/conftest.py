"""A small county shop for the checkout, account and order page tests: the brand on its
channel, two towns with a village each, a three-tier station network (county centre with the
warehouse → town station → village station), and rice in stock at the county warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from backend.brand.models import PublicBrand
from backend.catalog.models import ProductVariant
from backend.divisions.models import Town, Village
from backend.stations.models import Station, StationLevel
from tests.accounts.conftest import sms  # noqa: F401  (reads codes from the log SMS backend)
from tests.factories import ChannelFactory, ProductFactory, WarehouseFactory, list_product

PICKUP = ["pickup", "home_delivery", "parcel_send_receive"]
EVERY_DAY = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@dataclass
class County:
    channel: object
    brand: PublicBrand
    town: Town
    village: Village
    other_town: Town
    other_village: Village
    centre: Station
    town_station: Station
    village_station: Station
    rice: ProductVariant
    rice_product: object
    millet: ProductVariant


def _station(code, name, level, *, lat, lon, **fields) -> Station:
    village = fields.get("village")
    station = Station.objects.create(
        code=code,
        name=name,
        level=level,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        capabilities=PICKUP,
        opening_hours=EVERY_DAY,
        daily_parcel_capacity=100,
        **fields,
    )
    if village is not None:
        station.served_villages.add(village)
    return station


@pytest.fixture
def county(db) -> County:
    channel = ChannelFactory()
    brand = PublicBrand.objects.create(
        name="伊山伊水",
        slug="yishan-yishui",
        slogan="伊山伊水 · 灌云好物",
        county_name="灌云县",
        county_code="320723",
        province="江苏省",
        city="连云港市",
        channel=channel,
    )
    town = Town.objects.create(code="320723100", name="伊山镇", kind="镇")
    village = Village.objects.create(town=town, code="320723100001", name="大伊山村")
    other_town = Town.objects.create(code="320723101", name="杨集镇", kind="镇")
    other_village = Village.objects.create(town=other_town, code="320723101001", name="杨集村")
    dc = WarehouseFactory(channels=[channel], name="县分拨中心仓")
    centre = _station(
        "GY-C", "灌云县分拨中心", StationLevel.COUNTY, lat="34.284", lon="119.255", warehouse=dc
    )
    town_station = _station(
        "GY-T1",
        "伊山镇中转站",
        StationLevel.TOWN,
        lat="34.300",
        lon="119.260",
        town=town,
        parent=centre,
    )
    village_station = _station(
        "GY-V1",
        "大伊山村电商服务站",
        StationLevel.VILLAGE,
        lat="34.310",
        lon="119.270",
        town=town,
        village=village,
        parent=town_station,
        address="大伊山村村委会东侧",
    )
    product = ProductFactory(name="东王集大米", slug="dongwangji-rice")
    rice = list_product(product, channel, prices=(Decimal("12.80"),), stock=20, warehouse=dc)[0]
    millet_product = ProductFactory(name="小米", slug="millet")
    millet = list_product(
        millet_product, channel, prices=(Decimal("9.90"),), stock=20, warehouse=dc
    )[0]
    return County(
        channel=channel,
        brand=brand,
        town=town,
        village=village,
        other_town=other_town,
        other_village=other_village,
        centre=centre,
        town_station=town_station,
        village_station=village_station,
        rice=rice,
        rice_product=product,
        millet=millet,
    )


def add_to_cart(client, variant, quantity: int = 1):
    response = client.post(
        "/cart/add/",
        {"variant": variant.pk, "quantity": quantity, "product": variant.product.slug},
    )
    assert response.status_code == 302, response.content
    return response


def address_form(home, **overrides) -> dict:
    data = {
        "full_name": "王小梅",
        "phone": "13812345678",
        "scope": "county",
        "town": home.town.code,
        "village": home.code,
        "street_address": "三组 12 号",
        "postal_code": "222200",
    }
    data.update(overrides)
    return data


def checkout_to_review(client, county, *, gateway: str = "dummy", method: str | None = None):
    """Walk a filled cart through every step up to the review page."""
    assert client.post("/checkout/contact/", {"phone": "13812345678"}).status_code == 302
    response = client.post("/checkout/address/", address_form(county.village))
    assert response.status_code == 302, response.content.decode()
    method = method or f"pickup:{county.village_station.code}"
    response = client.post("/checkout/delivery/", {"delivery_method": method})
    assert response.status_code == 302, response.content.decode()
    response = client.post("/checkout/payment/", {"gateway": gateway})
    assert response.status_code == 302, response.content.decode()
    return client.get("/checkout/review/")


def place_order(client, county, *, gateway: str = "dummy", quantity: int = 1):
    """Fill the cart and check out through the web pages; returns the order placed."""
    from backend.order.models import Order

    add_to_cart(client, county.rice, quantity)
    checkout_to_review(client, county, gateway=gateway)
    response = client.post("/checkout/place/")
    assert response.status_code == 302, response.content.decode()
    return Order.objects.get(pk=response["Location"].split("/")[2])


def carry_to_pickup_station(shipment, operator):
    """Scan the parcel out of and into every station of its route, as the desks would."""
    from backend.stationdesk.services import dispatch_parcel, receive_parcel
    from backend.stations.models import StationOperator

    for leg in shipment.legs.select_related("from_station", "to_station").order_by("sequence"):
        for station in (leg.from_station, leg.to_station):
            StationOperator.objects.get_or_create(station=station, user=operator)
        dispatch_parcel(station=leg.from_station, code=shipment.code, user=operator)
        receive_parcel(station=leg.to_station, code=shipment.code, user=operator)
    shipment.refresh_from_db()
    return shipment
