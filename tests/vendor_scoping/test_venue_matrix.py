"""The scoping matrix's venue rows (issue #13): every venue-facing GraphQL operation and every
page of the venue desk (/venue/) and of the shopper's vouchers, tried by each kind of actor
against venue B's vouchers and, as a positive control, against venue A's own.

Actors (columns):
  X_STAFF     staff of venue A, target venue B's voucher   → refused; B's voucher unchanged
  STAFF       staff of venue A, target A's voucher         → positive control: it works
  VENDOR      owner of the vendor running venue A, not its staff → refused (a vendor account
              is not a gate account)
  BUYER       the shopper who bought A's voucher           → their own voucher only
  SHOPPER     a signed-in user with no vouchers            → refused
  ANON        anonymous                                     → refused (pages: login)
  MANAGER     county staff with MANAGE_TOURISM             → sees every voucher (no redeeming:
              redemption is the venue's own act)

Outcomes: OK, NO (a typed error NOT_FOUND / WRONG_VENUE / PERMISSION_DENIED, an empty list or a
null object; never a 500), pages: OK, 404, 403, LOGIN. NA: does not apply. The completeness
tests at the bottom fail when a venue-facing field or page is added without a row.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from graphql_relay import to_global_id

from backend.catalog.models import ProductTypeKind
from backend.core.permissions import Permission
from backend.payment.services import mark_order_paid
from backend.tourism import booking
from backend.tourism.models import (
    TicketType,
    TourismProduct,
    TourismRedemption,
    TourismVoucher,
    Venue,
    VenueStaff,
)
from backend.vendors.models import VendorRole, VendorStaff
from tests.factories import (
    ChannelFactory,
    ProductFactory,
    ProductTypeFactory,
    UserFactory,
    VendorFactory,
    list_product,
    order_with_lines,
)
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

OK, NO, NA = "OK", "REFUSED", "-"
E404, E403, LOGIN = "404", "403", "LOGIN"
COLUMNS = ("X_STAFF", "STAFF", "VENDOR", "BUYER", "SHOPPER", "ANON", "MANAGER")
REFUSAL_CODES = {"NOT_FOUND", "WRONG_VENUE", "PERMISSION_DENIED", "GRAPHQL_ERROR"}


def row(*values: str) -> dict[str, str]:
    return dict(zip(COLUMNS, values, strict=True))


#   operation                         X_STAFF STAFF VENDOR BUYER SHOPPER ANON MANAGER
GRAPHQL_MATRIX: dict[str, dict[str, str]] = {
    "venues":                       row(NA,   OK,   OK,    OK,   OK,     OK,  OK),
    "venue":                        row(NA,   OK,   OK,    OK,   OK,     OK,  OK),
    "venueVouchers":                row(NO,   OK,   NO,    NO,   NO,     NO,  NO),
    "venueVouchers/code":           row(NO,   OK,   NO,    NO,   NO,     NO,  NO),
    "venueReport":                  row(NO,   OK,   NO,    NO,   NO,     NO,  OK),
    "tourismVoucherRedeem":         row(NO,   OK,   NO,    NO,   NO,     NO,  NO),
    "tourismVoucherRedemptionUndo": row(NO,   OK,   NO,    NO,   NO,     NO,  NO),
    "tourismVoucherRefund":         row(NO,   NO,   NO,    OK,   NO,     NO,  OK),
    "me/tourismVouchers":           row(NO,   NA,   NO,    OK,   NO,     NO,  NA),
    "node/TourismVoucher":          row(NO,   OK,   NO,    OK,   NO,     NO,  OK),
    "node/TourismRedemption":       row(NO,   OK,   NO,    NO,   NO,     NO,  NO),
}  # fmt: skip

# URL name                        X_STAFF STAFF VENDOR BUYER SHOPPER ANON MANAGER
PAGE_MATRIX: dict[str, dict[str, str]] = {
    "venuedesk:home":             row(NA,   OK,   E403,  E403, E403,   LOGIN, E403),
    "venuedesk:scan":             row(E404, OK,   E404,  E404, E404,   LOGIN, E404),
    "venuedesk:voucher":          row(E404, OK,   E404,  E404, E404,   LOGIN, E404),
    "venuedesk:undo":             row(E404, OK,   E404,  E404, E404,   LOGIN, E404),
    "venuedesk:report":           row(E404, OK,   E404,  E404, E404,   LOGIN, E404),
    "tourism:voucher":            row(E404, E404, E404,  OK,   E404,   LOGIN, E404),
    "tourism:voucher-refund":     row(E404, E404, E404,  OK,   E404,   LOGIN, E404),
    "tourism:my-vouchers":        row(NA,   OK,   OK,    OK,   OK,     LOGIN, OK),
}  # fmt: skip
# Pages with no venue's data behind them.
PUBLIC_PAGES = {
    "venuedesk:login",
    "venuedesk:logout",
    "tourism:venues",
    "tourism:venue",
    "tourism:book",
    "tourism:voucher-qr",
}


@dataclass
class World:
    venue_a: Venue
    venue_b: Venue
    voucher_a: TourismVoucher
    voucher_b: TourismVoucher
    spare_a: TourismVoucher
    spare_b: TourismVoucher
    redemption_a: TourismRedemption
    redemption_b: TourismRedemption
    users: dict


def _venue_with_vouchers(marker: str, channel, vendor, buyer):
    """A venue selling a 3-use pass, and a paid order of two passes (paid through the payment
    service, which issues the vouchers): one to redeem and undo, one left unused to refund."""
    venue = Venue.objects.create(
        name=f"{marker} 景区", slug=marker.lower(), kind="scenic_area", vendor=vendor
    )
    product_type = ProductTypeFactory(
        kind=ProductTypeKind.TOURISM_VOUCHER, is_shipping_required=False
    )
    product = ProductFactory(product_type=product_type, name=f"{marker} 门票", vendor=vendor)
    (variant,) = list_product(product, channel, prices=(Decimal("50.00"),))
    TicketType.objects.create(variant=variant, kind="pass", uses=3)
    TourismProduct.objects.create(
        product=product, venue=venue, booking_mode="open_dated", validity_days=30
    )
    order = order_with_lines(
        channel=channel, lines=[(variant, 2)], allocate_stock=False, user=buyer, paid=False
    )
    mark_order_paid(order, user=None)
    used, spare = TourismVoucher.objects.filter(order=order).order_by("unit")
    return venue, used, spare


@pytest.fixture(scope="module")
def _venue_world(django_db_setup, django_db_blocker):
    """The two venues are built once per module inside a transaction rolled back at the end;
    each case runs in pytest-django's own savepoint inside it, so what a case changes (a
    redemption, a refund) is undone before the next one (as tests/vendor_scoping/conftest.py
    does for the vendors' world)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_venue_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_venue_world, db) -> World:
    return _venue_world


def _build_venue_world() -> World:
    channel = ChannelFactory()
    vendor_a, vendor_b = VendorFactory(name="ALFA 文旅"), VendorFactory(name="BETA 文旅")
    buyer = UserFactory(email="buyer@example.com")
    venue_a, voucher_a, spare_a = _venue_with_vouchers("ALFA", channel, vendor_a, buyer)
    venue_b, voucher_b, spare_b = _venue_with_vouchers("BETA", channel, vendor_b, UserFactory())
    staff_a, staff_b = UserFactory(email="a@example.com"), UserFactory(email="b@example.com")
    VenueStaff.objects.create(venue=venue_a, user=staff_a)
    VenueStaff.objects.create(venue=venue_b, user=staff_b)
    vendor_owner = UserFactory(email="owner@example.com")
    VendorStaff.objects.create(vendor=vendor_a, user=vendor_owner, role=VendorRole.OWNER)
    redemption_a = TourismRedemption.objects.create(voucher=voucher_a, venue=venue_a, staff=staff_a)
    redemption_b = TourismRedemption.objects.create(voucher=voucher_b, venue=venue_b, staff=staff_b)
    TourismVoucher.objects.filter(pk__in=[voucher_a.pk, voucher_b.pk]).update(uses_count=1)
    users = {
        "X_STAFF": staff_a,
        "STAFF": staff_a,
        "VENDOR": vendor_owner,
        "BUYER": buyer,
        "SHOPPER": UserFactory(email="nobody@example.com"),
        "ANON": None,
        "MANAGER": staff_with(Permission.MANAGE_TOURISM),
    }
    return World(
        venue_a, venue_b, voucher_a, voucher_b, spare_a, spare_b, redemption_a, redemption_b, users
    )


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _gql(user, query, variables):
    response = _client(user).post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def _target(world: World, column: str):
    """(venue, voucher, redemption) the column's actor aims at: B's for X_STAFF, else A's."""
    if column == "X_STAFF":
        return world.venue_b, world.voucher_b, world.redemption_b
    return world.venue_a, world.voucher_a, world.redemption_a


def _outcome_of_payload(payload: dict, key: str) -> str:
    if payload.get("errors"):
        codes = {e["code"] for e in payload["errors"]}
        assert codes <= REFUSAL_CODES | {"NOT_REFUNDABLE"}, payload
        return NO
    assert payload.get(key) is not None, payload
    return OK


def _graphql_outcome(world: World, key: str, column: str) -> str:
    user = world.users[column]
    venue, voucher, redemption = _target(world, column)
    venue_id = to_global_id("Venue", venue.pk)
    if key == "venues":
        data = _gql(user, "{ venues { name } }", {})
        return OK if data["data"]["venues"] else NO
    if key == "venue":
        data = _gql(user, "query($s: String) { venue(slug: $s) { name } }", {"s": venue.slug})
        return OK if data["data"]["venue"] else NO
    if key.startswith("venueVouchers"):
        variables = {"v": venue_id, "c": voucher.code if key.endswith("code") else None}
        data = _gql(
            user,
            "query($v: ID!, $c: String) { venueVouchers(venue: $v, code: $c) { code } }",
            variables,
        )
        if data.get("errors"):
            assert data["errors"][0]["extensions"]["exception"]["code"] in REFUSAL_CODES
            return NO
        codes = {v["code"] for v in data["data"]["venueVouchers"]}
        assert world.voucher_b.code not in codes or column == "X_STAFF"
        return OK if voucher.code in codes else NO
    if key == "venueReport":
        today = booking.local_today().isoformat()
        data = _gql(
            user,
            "query($v: ID!, $d: Date!) { venueReport(venue: $v, dateFrom: $d, dateTo: $d) "
            "{ days { sold } settlement { net { amount } } } }",
            {"v": venue_id, "d": today},
        )
        if data.get("errors"):
            assert data["errors"][0]["extensions"]["exception"]["code"] in REFUSAL_CODES
            return NO
        assert data["data"]["venueReport"]["days"][0]["sold"] == 2
        return OK
    if key == "tourismVoucherRedeem":
        data = _gql(
            user,
            "mutation($v: ID!, $c: String!) { tourismVoucherRedeem(venue: $v, code: $c) "
            "{ tourismVoucher { code } errors { code } } }",
            {"v": venue_id, "c": voucher.code},
        )
        return _outcome_of_payload(data["data"]["tourismVoucherRedeem"], "tourismVoucher")
    if key == "tourismVoucherRedemptionUndo":
        data = _gql(
            user,
            'mutation($id: ID!) { tourismVoucherRedemptionUndo(id: $id, reason: "x") '
            "{ redemption { undoneAt } errors { code } } }",
            {"id": to_global_id("TourismRedemption", redemption.pk)},
        )
        return _outcome_of_payload(data["data"]["tourismVoucherRedemptionUndo"], "redemption")
    if key == "tourismVoucherRefund":
        voucher = world.spare_b if column == "X_STAFF" else world.spare_a
        data = _gql(
            user,
            "mutation($ids: [ID!]!) { tourismVoucherRefund(ids: $ids) "
            "{ tourismVouchers { code } errors { code } } }",
            {"ids": [to_global_id("TourismVoucher", voucher.pk)]},
        )
        return _outcome_of_payload(data["data"]["tourismVoucherRefund"], "tourismVouchers")
    if key == "me/tourismVouchers":
        data = _gql(user, "{ me { tourismVouchers { code } } }", {})
        me = data["data"]["me"]
        codes = {v["code"] for v in (me or {}).get("tourismVouchers") or []}
        assert world.voucher_b.code not in codes
        return OK if world.voucher_a.code in codes else NO
    if key.startswith("node/"):
        kind = key.split("/")[1]
        pk = voucher.pk if kind == "TourismVoucher" else redemption.pk
        data = _gql(
            user, "query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id(kind, pk)}
        )
        return OK if data["data"]["node"] else NO
    raise AssertionError(key)


CASES = [
    (key, column, expected)
    for key, columns in GRAPHQL_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(
    ("key", "column", "expected"), CASES, ids=[f"{k}-{c}" for k, c, _ in CASES]
)
def test_graphql_matrix(world, key, column, expected):
    b_vouchers = TourismVoucher.objects.filter(venue=world.venue_b).order_by("pk")
    before_b = list(b_vouchers.values())
    assert _graphql_outcome(world, key, column) == expected
    assert list(b_vouchers.values()) == before_b, "venue B's vouchers changed"


def _page_url(world: World, name: str, column: str) -> str:
    venue, voucher, redemption = _target(world, column)
    if name in ("venuedesk:scan", "venuedesk:report"):
        return reverse(name, args=[venue.pk])
    if name == "venuedesk:voucher":
        return reverse(name, args=[venue.pk, voucher.code])
    if name == "venuedesk:undo":
        return reverse(name, args=[venue.pk, redemption.pk])
    if name in ("tourism:voucher", "tourism:voucher-refund"):
        return reverse(name, args=[voucher.code])
    return reverse(name)


PAGE_CASES = [
    (name, column, expected)
    for name, columns in PAGE_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(
    ("name", "column", "expected"), PAGE_CASES, ids=[f"{n}-{c}" for n, c, _ in PAGE_CASES]
)
def test_page_matrix(world, name, column, expected):
    url = _page_url(world, name, column)
    client = _client(world.users[column])
    post = name in ("venuedesk:undo", "tourism:voucher-refund")
    response = client.post(url, {"reason": "x"}) if post else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302 and "login" in response["Location"]
    elif expected == OK:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert "BETA" not in response.content.decode()
    else:
        assert response.status_code == int(expected), (url, response.status_code)
    voucher_b = TourismVoucher.objects.get(pk=world.voucher_b.pk)
    assert (voucher_b.status, voucher_b.uses_count) == ("valid", 1)


# --- completeness ---------------------------------------------------------------------------

VENUE_FACING = re.compile(r"^(venue.*|tourismVoucher.*)$")


def test_every_venue_facing_field_has_a_row():
    from backend.graphql.api import schema

    graphql_schema = schema.graphql_schema
    names = set()
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        names |= {name for name in root.fields if VENUE_FACING.match(name)}
    covered = {key.split("/")[0] for key in GRAPHQL_MATRIX if not key.startswith(("node", "me"))}
    assert names == covered


def _url_names(patterns, namespace: str, inside: bool = False) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            here = inside or pattern.namespace == namespace
            names |= _url_names(pattern.url_patterns, namespace, here)
        elif isinstance(pattern, URLPattern) and inside and pattern.name:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_venue_page_has_a_row():
    resolver = get_resolver().url_patterns
    names = _url_names(resolver, "venuedesk") | _url_names(resolver, "tourism")
    assert names - PUBLIC_PAGES == set(PAGE_MATRIX)


def test_the_window_of_a_voucher_is_not_what_scopes_it(world):
    """A control: the vouchers in the world are valid now, so refusals above are scoping."""
    now_local = booking.local_now()
    assert world.voucher_b.valid_from <= now_local < world.voucher_b.valid_until
    assert world.voucher_b.valid_until - world.voucher_b.valid_from > dt.timedelta(days=29)
