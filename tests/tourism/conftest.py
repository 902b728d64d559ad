"""Fixtures for tourism tests: a scenic area with a dated ticket product (adult, child, a
family ticket taking three places, a five-visit pass), an open-dated meal voucher, venue staff,
and helpers that buy through the real checkout API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from backend.catalog.models import ProductTypeKind
from backend.tourism import booking
from backend.tourism.models import (
    BookingMode,
    Capacity,
    TicketKind,
    TicketType,
    TourismProduct,
    Venue,
    VenueKind,
    VenueStaff,
)
from tests.checkout.conftest import county, rice  # noqa: F401  (fixtures of the mixed order)
from tests.conftest import GraphQLClient
from tests.factories import (
    ProductFactory,
    ProductTypeFactory,
    UserFactory,
    VendorFactory,
    list_product,
)

CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id isShippingRequired lines { id } totalPrice { gross { amount } } }
    errors { field message code }
  }
}"""

DETAILS = """
mutation($id: ID!, $line: ID!, $date: Date, $slot: String, $names: [String!]) {
  checkoutLineTourismDetailsUpdate(id: $id, lineId: $line, visitDate: $date, visitSlot: $slot,
                                   visitorNames: $names) {
    checkout { id }
    errors { field message code }
  }
}"""

PAY = """
mutation($id: ID!) {
  transactionInitialize(id: $id, paymentGateway: {id: "dummy"}) {
    transaction { id } errors { field message code }
  }
}"""

COMPLETE = """
mutation($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number chargeStatus }
    errors { field message code }
  }
}"""


def vid(variant) -> str:
    from graphql_relay import to_global_id

    return to_global_id("ProductVariant", variant.pk)


@pytest.fixture
def venue(db):
    vendor = VendorFactory(name="大伊山文旅公司")
    return Venue.objects.create(
        vendor=vendor,
        name="大伊山景区",
        slug="dayishan",
        kind=VenueKind.SCENIC_AREA,
        grade="AAAA",
        address="灌云县伊山镇大伊山",
        opening_hours="08:00–17:30",
        commission_rate=Decimal("0.0400"),
    )


@pytest.fixture
def other_venue(db):
    return Venue.objects.create(name="伊甸园景区", slug="yidianyuan", kind=VenueKind.SCENIC_AREA)


@pytest.fixture
def ticket_type(db):
    return ProductTypeFactory(
        kind=ProductTypeKind.TOURISM_VOUCHER,
        is_shipping_required=False,
        tax_rate=Decimal("0.06"),
        has_variants=True,
    )


@pytest.fixture
def tickets(channel, venue, ticket_type):
    """A dated product: adult 60.00, child 30.00, family 88.00 (3 places), a 5-visit pass."""
    product = ProductFactory(product_type=ticket_type, name="大伊山景区门票", vendor=venue.vendor)
    adult, child, family, five = list_product(
        product,
        channel,
        prices=(Decimal("60.00"), Decimal("30.00"), Decimal("88.00"), Decimal("200.00")),
    )
    for variant, name in (
        (adult, "成人票"),
        (child, "儿童票"),
        (family, "家庭票"),
        (five, "五次卡"),
    ):
        variant.name = name
        variant.track_inventory = False
        variant.save(update_fields=["name", "track_inventory"])
    TicketType.objects.create(variant=adult, kind=TicketKind.ADULT)
    TicketType.objects.create(variant=child, kind=TicketKind.CHILD)
    TicketType.objects.create(variant=family, kind=TicketKind.FAMILY, people=3)
    TicketType.objects.create(variant=five, kind=TicketKind.PASS, uses=5)
    rules = TourismProduct.objects.create(
        product=product,
        venue=venue,
        booking_mode=BookingMode.DATED,
        same_day_cutoff=dt.time(14, 0),
        default_capacity=0,
        max_per_order=10,
    )
    today = booking.local_today()
    Capacity.objects.bulk_create(
        Capacity(tourism_product=rules, date=today + dt.timedelta(days=d), capacity=20)
        for d in range(0, 10)
    )
    return {"rules": rules, "adult": adult, "child": child, "family": family, "pass": five}


@pytest.fixture
def meal(channel, venue, ticket_type):
    """An open-dated meal voucher, valid 30 days, names required."""
    product = ProductFactory(product_type=ticket_type, name="农家宴餐券", vendor=venue.vendor)
    (variant,) = list_product(product, channel, prices=(Decimal("50.00"),))
    variant.track_inventory = False
    variant.save(update_fields=["track_inventory"])
    TicketType.objects.create(variant=variant, kind=TicketKind.MEAL)
    rules = TourismProduct.objects.create(
        product=product,
        venue=venue,
        booking_mode=BookingMode.OPEN_DATED,
        validity_days=30,
        requires_visitor_names=True,
    )
    return {"rules": rules, "variant": variant}


@pytest.fixture
def venue_staff(venue):
    user = UserFactory(email="gate@example.com")
    VenueStaff.objects.create(venue=venue, user=user)
    return user


def shopper_gql(user=None) -> GraphQLClient:
    client = Client()
    if user is not None:
        client.force_login(user)
    return GraphQLClient(client)


def buy(gql, channel, variant, *, quantity=1, date=None, slot=None, names=None, complete=True):
    """Cart → booking details → dummy payment → completion. Returns (checkout_id, result)."""
    created = gql.query(
        CREATE,
        {
            "input": {
                "channel": channel.slug,
                "lines": [{"variantId": vid(variant), "quantity": quantity}],
                "phone": "13812345678",
            }
        },
    )["checkoutCreate"]
    assert created["errors"] == [], created
    checkout = created["checkout"]
    details = gql.query(
        DETAILS,
        {
            "id": checkout["id"],
            "line": checkout["lines"][0]["id"],
            "date": date.isoformat() if date else None,
            "slot": slot,
            "names": names,
        },
    )["checkoutLineTourismDetailsUpdate"]
    if details["errors"]:
        return checkout["id"], details
    pay = gql.query(PAY, {"id": checkout["id"]})["transactionInitialize"]
    assert pay["errors"] == [], pay
    if not complete:
        return checkout["id"], None
    return checkout["id"], gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
