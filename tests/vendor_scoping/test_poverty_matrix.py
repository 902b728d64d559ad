"""The scoping matrix's poverty-zone rows (issue #12): household data is for county zone staff
only; a vendor applies for its own products and sees its own applications; certification
decisions are the county's.

Every poverty GraphQL operation and staff page, tried by each kind of actor against vendor B's
objects and, as a positive control, against vendor A's own (the world of
tests/vendor_scoping/conftest.py).

Actors (columns):
  X_OWNER    owner of A, target B's product/application → refused; B's rows unchanged
  X_STAFF    staff of A, target B's                      → refused; the same
  OWN        owner of A, target A's                      → positive control for vendor rows
  SHOPPER    a user of no vendor                         → refused
  ANON       anonymous                                   → refused (pages: login)
  REVIEWER   county reviewer (MANAGE_VENDORS)            → refused: not the zone's staff
  COUNTY     county zone staff (MANAGE_POVERTY)          → the registry and the decisions

Outcomes: OK; NO (a typed error NOT_FOUND / NOT_VENDOR_STAFF / PERMISSION_DENIED, an empty
list or a null object — never a 500); pages: OK, 403, LOGIN. Wherever a row is not OK, the
answer must hold no household's reference number, name, identity number or phone; and the
public `povertyZone` must hold none for anyone. The completeness test at the bottom fails when a
poverty field is added without a row.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.divisions.models import Village
from backend.poverty import services
from backend.poverty.models import Certification, Household
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

OK, NO, NA = "OK", "REFUSED", "-"
LOGIN, E403 = "LOGIN", "403"
COLUMNS = ("X_OWNER", "X_STAFF", "OWN", "SHOPPER", "ANON", "REVIEWER", "COUNTY")
SECRETS = ("MX-0001", "矩阵户主", "110101199003074477", "13811112222")


def row(*values: str) -> dict[str, str]:
    return dict(zip(COLUMNS, values, strict=True))


#   operation                              X_OWNER X_STAFF OWN SHOPPER ANON REVIEWER COUNTY
GRAPHQL_MATRIX: dict[str, dict[str, str]] = {
    "povertyZone":                  row(NA,  NA,  OK,  OK,  OK,  OK,  OK),
    "povertyCertifications":        row(NA,  NA,  OK,  NO,  NO,  NO,  OK),
    "node/PovertyCertification":    row(NO,  NO,  OK,  NO,  NO,  NO,  OK),
    "lowIncomeHouseholds":          row(NA,  NA,  NO,  NO,  NO,  NO,  OK),
    "node/LowIncomeHousehold":      row(NA,  NA,  NO,  NO,  NO,  NO,  OK),
    "povertyCertificationApply":    row(NO,  NO,  OK,  NO,  NO,  NO,  NO),
    "povertyCertificationApprove":  row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
    "povertyCertificationReject":   row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
    "povertyCertificationRevoke":   row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
    "povertyZoneReorder":           row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
}  # fmt: skip

PAGE_MATRIX: dict[str, dict[str, str]] = {
    "poverty-household-full":       row(NA,  NA,  LOGIN, LOGIN, LOGIN, E403, OK),
    "poverty-import":               row(NA,  NA,  LOGIN, LOGIN, LOGIN, E403, OK),
    "poverty-report":               row(NA,  NA,  LOGIN, LOGIN, LOGIN, E403, OK),
    "poverty-report-export":        row(NA,  NA,  LOGIN, LOGIN, LOGIN, E403, OK),
}  # fmt: skip


@pytest.fixture
def zone(world):
    world.a.extra["county"] = staff_with(Permission.MANAGE_POVERTY, group_name="扶贫（矩阵）")
    village = Village.objects.filter(is_economically_weak=True).first() or Village.objects.first()
    if village is None:
        from tests.factories import VillageFactory

        village = VillageFactory(is_economically_weak=True)
    county = world.a.extra["county"]
    household = services.save_household(
        actor=county,
        reference_number=SECRETS[0],
        village=village,
        head_name=SECRETS[1],
        members=2,
        id_number=SECRETS[2],
        phone=SECRETS[3],
    )
    world.a.extra["household"] = household
    for side in (world.a, world.b):
        side.extra["requested"] = services.apply_for_certification(
            actor=side.owner,
            product=side.approved,
            mechanism="purchase",
            price_per_kg=Decimal("3"),
            kg_per_unit=Decimal("1"),
            households=[(SECRETS[0], 1)],
            description="矩阵",
        )
    return world


def _actor(world, column):
    return {
        "X_OWNER": world.a.owner,
        "OWN": world.a.owner,
        "X_STAFF": world.a.staff,
        "SHOPPER": world.shopper,
        "REVIEWER": world.reviewer,
        "COUNTY": world.a.extra.get("county"),
    }.get(column)


def _target(world, column):
    return world.b if column.startswith("X_") else world.a


def _gql(user, query):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(user)}"} if user else {}
    response = Client().post(
        "/graphql/",
        data=json.dumps({"query": query}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code < 500, response.content
    return response.content.decode(), response.json()


def _run(world, op, column):
    """(worked, the raw answer)."""
    side = _target(world, column)
    user = _actor(world, column)
    certification = side.extra["requested"]
    cid = to_global_id("PovertyCertification", certification.pk)
    if op == "povertyZone":
        raw, data = _gql(user, "{ povertyZone { products { name } stats { households } } }")
        return bool((data.get("data") or {}).get("povertyZone")), raw
    if op == "povertyCertifications":
        raw, data = _gql(
            user, "{ povertyCertifications(first: 20) { edges { node { id reason } } } }"
        )
        edges = ((data.get("data") or {}).get("povertyCertifications") or {}).get("edges") or []
        ids = {edge["node"]["id"] for edge in edges}
        if column != "COUNTY":
            b_id = to_global_id("PovertyCertification", world.b.extra["requested"].pk)
            assert b_id not in ids, f"B's application shown to {column}"
        return cid in ids, raw
    if op == "lowIncomeHouseholds":
        raw, data = _gql(
            user, "{ lowIncomeHouseholds(first: 5) { edges { node { referenceNumber phone } } } }"
        )
        edges = ((data.get("data") or {}).get("lowIncomeHouseholds") or {}).get("edges") or []
        if edges:
            assert SECRETS[3] not in raw and SECRETS[2] not in raw  # masked even for the county
        return bool(edges), raw
    if op.startswith("node/"):
        kind = op.split("/")[1]
        target = world.a.extra["household"] if kind == "LowIncomeHousehold" else certification
        raw, data = _gql(user, f'{{ node(id: "{to_global_id(kind, target.pk)}") {{ id }} }}')
        return bool((data.get("data") or {}).get("node")), raw
    until = (timezone.now() + timezone.timedelta(days=30)).isoformat()
    product_id = to_global_id("Product", side.approved.pk)
    mutations = {
        "povertyCertificationApply": (
            f'povertyCertificationApply(input: {{product: "{product_id}",'
            f' mechanism: EMPLOYMENT, wagePerUnit: "1", description: "矩阵",'
            f' households: [{{referenceNumber: "{SECRETS[0]}"}}]}})'
        ),
        "povertyCertificationApprove": (
            f'povertyCertificationApprove(id: "{cid}", validUntil: "{until}")'
        ),
        "povertyCertificationReject": f'povertyCertificationReject(id: "{cid}", reason: "矩阵")',
        "povertyCertificationRevoke": f'povertyCertificationRevoke(id: "{cid}", reason: "矩阵")',
        "povertyZoneReorder": f'povertyZoneReorder(id: "{cid}", position: 3)',
    }
    raw, data = _gql(
        user, f"mutation {{ {mutations[op]} {{ certification {{ id }} errors {{ code }} }} }}"
    )
    if data.get("errors"):
        return False, raw
    body = next(iter(data["data"].values()))
    return not body["errors"], raw


def _setup(world, op, column) -> None:
    """State an operation needs, made before B's rows are recorded."""
    certification = _target(world, column).extra["requested"]
    if op == "povertyCertificationApply":
        # The product's own application must be out of the way for the positive control.
        Certification.objects.filter(pk=certification.pk).update(status="rejected")
    if op == "povertyCertificationRevoke":
        services.approve_certification(
            actor=world.a.extra["county"],
            certification=certification,
            valid_until=timezone.now() + timezone.timedelta(days=10),
        )


def _b_rows(world):
    return list(
        Certification.objects.filter(vendor=world.b.vendor)
        .order_by("pk")
        .values_list("pk", "status", "zone_position", "number")
    )


CASES = [
    (op, column, expected)
    for op, columns in GRAPHQL_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(("op", "column", "expected"), CASES)
def test_graphql_poverty_matrix(zone, op, column, expected):
    _setup(zone, op, column)
    before = _b_rows(zone)
    worked, raw = _run(zone, op, column)
    assert worked == (expected == OK), (op, column)
    if column != "COUNTY" or op == "povertyZone":
        for secret in SECRETS[1:]:
            assert secret not in raw, f"{op}: household data shown to {column}"
    if column.startswith("X_") or expected != OK:
        assert _b_rows(zone) == before, "B's rows changed"


PAGE_CASES = [
    (name, column, expected)
    for name, columns in PAGE_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(("name", "column", "expected"), PAGE_CASES)
def test_poverty_page_matrix(zone, name, column, expected):
    kwargs = {
        "poverty-household-full": {"pk": zone.a.extra["household"].pk},
        "poverty-report-export": {"fmt": "csv"},
    }.get(name, {})
    client = Client()
    user = _actor(zone, column)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    if expected == LOGIN:
        assert response.status_code == 302 and "login" in response.url
    elif expected == E403:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
    if expected != OK:
        assert SECRETS[2].encode() not in response.content


def test_every_poverty_field_has_a_row():
    from graphene.utils.str_converters import to_camel_case

    from backend.graphql.poverty.mutations import PovertyMutations
    from backend.graphql.poverty.schema import PovertyQueries

    fields = {
        to_camel_case(name)
        for name in set(PovertyQueries._meta.fields) | set(PovertyMutations._meta.fields)
    }
    covered = {key.split("/")[0] for key in GRAPHQL_MATRIX if not key.startswith("node/")}
    assert fields == covered


def test_households_never_reach_vendor_pages(zone):
    client = Client()
    client.force_login(zone.a.owner)
    for url in ("/vendor/", "/poverty-zone/", "/"):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        for secret in SECRETS:
            assert secret not in response.content.decode()
    assert Household.objects.count() >= 1


@pytest.mark.parametrize("column", ["X_OWNER", "X_STAFF", "OWN", "SHOPPER", "ANON", "REVIEWER"])
def test_story_photos_only_with_consent_for_every_actor(zone, column, settings, tmp_path):
    """A household's story photo (private storage) is served at its zone address only while
    the household consents to its story and its photo; without consent it is a 404 for every
    actor, and the page lists no photo."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from backend.poverty.seed import demo_photo

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    household = zone.a.extra["household"]
    county = _actor(zone, "COUNTY")
    services.save_household(
        actor=county, household=household, story="示例故事。", story_consent=True
    )
    photo = SimpleUploadedFile("p.png", demo_photo().read(), content_type="image/png")
    services.set_story_photo(actor=county, story=household, upload=photo)
    url = reverse("storefront:poverty-household-photo", args=[household.pk])
    client = Client()
    user = _actor(zone, column)
    if user is not None:
        client.force_login(user)
    assert client.get(url).status_code == 404
    assert url not in client.get("/poverty-zone/").content.decode()
    services.save_household(actor=county, household=household, photo_consent=True)
    assert client.get(url).status_code == 200
    assert url in client.get("/poverty-zone/").content.decode()
