"""The brand's GraphQL API: publicBrand, brandLicences (scoped), Product.brandLicence and
isBrandLicensed through a loader, the isBrandLicensed filter, and the licence mutations with
`errors { field message code }`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.brand import services
from backend.brand.models import BrandLicence, LicenceStatus
from backend.core.models import AuditLogEntry
from backend.listings.models import CertificateKind, ProductCertificate
from tests.brand.conftest import certificate, in_days
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db

PUBLIC_BRAND = """{ publicBrand { name slogan story logo { url } standardsDocumentUrl
  qualityStandards packagingRules smsSignature } }"""
LICENCES = """{ brandLicences(first: 20) { totalCount edges { node { number status reason
  product { name } events { action } } } } }"""
REQUEST = """mutation($p: ID!) { brandLicenceRequest(product: $p) {
  brandLicence { number status } errors { field message code } } }"""
GRANT = """mutation($id: ID, $p: ID, $until: DateTime!) {
  brandLicenceGrant(id: $id, product: $p, validUntil: $until) {
  brandLicence { number status validUntil } errors { field message code } } }"""
SUSPEND = """mutation($id: ID!, $reason: String!) { brandLicenceSuspend(id: $id, reason: $reason) {
  brandLicence { status reason } errors { field message code } } }"""
PRODUCTS = """query($first: Int) { products(first: $first, channel: "guanyun") {
  edges { node { slug isBrandLicensed brandLicence { number status validFrom validUntil } } } } }"""


def api(client, user=None) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user) if user else None)


def gid(instance) -> str:
    return to_global_id(type(instance).__name__, instance.pk)


def test_public_brand_for_everyone(client, world):
    brand = world.shop.brand
    brand.packaging_rules = "标识在左上角。"
    brand.save()
    data = api(client).query(PUBLIC_BRAND)["publicBrand"]
    assert data["name"] == "伊山伊水"
    assert data["smsSignature"] == "【伊山伊水】"
    assert data["packagingRules"] == "标识在左上角。"
    assert data["logo"] is None and data["standardsDocumentUrl"] is None


def test_product_carries_its_valid_licence(client, world):
    licence = world.grant(world.rice)
    data = api(client).query(PRODUCTS, {"first": 10})["products"]["edges"]
    by_slug = {edge["node"]["slug"]: edge["node"] for edge in data}
    assert by_slug["dongwangji-rice"]["isBrandLicensed"] is True
    assert by_slug["dongwangji-rice"]["brandLicence"]["number"] == licence.number
    assert by_slug["dongwangji-rice"]["brandLicence"]["status"] == "ACTIVE"
    assert by_slug["xiaoyi-lotus"] == {
        "slug": "xiaoyi-lotus",
        "isBrandLicensed": False,
        "brandLicence": None,
    }


def test_suspended_licence_is_not_shown_on_the_product(client, world):
    licence = world.grant(world.rice)
    services.suspend_licence(actor=world.manager, licence=licence, reason="抽检")
    data = api(client).query(PRODUCTS, {"first": 10})["products"]["edges"]
    rice = next(e["node"] for e in data if e["node"]["slug"] == "dongwangji-rice")
    assert rice["isBrandLicensed"] is False and rice["brandLicence"] is None


def test_licence_badge_costs_the_same_sql_for_2_and_for_8_products(client, world):
    from backend.listings.models import CertificateKind

    products = [world.rice, world.lotus, world.other]
    for index in range(5):
        product = world.shop.add_product(
            f"授权商品{index}", slug=f"licensed-{index}", vendor=world.market.vendor
        )
        certificate(product, CertificateKind.INSPECTION_REPORT)
        products.append(product)
    for product in products:
        world.grant(product)

    def statements(first: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            edges = api(client).query(PRODUCTS, {"first": first})["products"]["edges"]
        assert len(edges) == first
        assert all(edge["node"]["isBrandLicensed"] for edge in edges)
        return len(queries)

    few, many = statements(2), statements(8)
    assert few == many, (few, many)


def test_is_brand_licensed_filter(client, world):
    world.grant(world.rice)
    query = """query($licensed: Boolean) { products(first: 10, channel: "guanyun",
      filter: {isBrandLicensed: $licensed}) { edges { node { slug } } } }"""
    yes = api(client).query(query, {"licensed": True})["products"]["edges"]
    no = api(client).query(query, {"licensed": False})["products"]["edges"]
    assert [e["node"]["slug"] for e in yes] == ["dongwangji-rice"]
    assert "dongwangji-rice" not in {e["node"]["slug"] for e in no} and len(no) == 3


def test_brand_managers_see_every_licence_requests_first(client, world):
    active = world.grant(world.rice)
    requested = services.request_licence(actor=world.market.other_owner, product=world.other)
    edges = api(client, world.manager).query(LICENCES)["brandLicences"]["edges"]
    assert [e["node"]["number"] for e in edges] == [requested.number, active.number]
    assert edges[1]["node"]["events"] == [{"action": "granted"}]


def test_vendor_staff_see_only_their_vendors_licences(client, world):
    own = services.request_licence(actor=world.market.staff, product=world.lotus)
    services.request_licence(actor=world.market.other_owner, product=world.other)
    data = api(client, world.market.staff).query(LICENCES)["brandLicences"]
    assert data["totalCount"] == 1
    assert data["edges"][0]["node"]["number"] == own.number


@pytest.mark.parametrize("who", ["anonymous", "shopper", "reviewer"])
def test_others_see_no_licences(client, world, who):
    from tests.factories import UserFactory

    world.grant(world.rice)
    user = {"anonymous": None, "shopper": UserFactory(), "reviewer": world.market.reviewer}[who]
    assert api(client, user).query(LICENCES)["brandLicences"]["totalCount"] == 0


def test_vendor_requests_through_the_api(client, world):
    data = api(client, world.market.owner).query(REQUEST, {"p": gid(world.lotus)})
    payload = data["brandLicenceRequest"]
    assert payload["errors"] == [] and payload["brandLicence"]["status"] == "REQUESTED"


def test_vendor_a_staff_cannot_request_for_vendor_b_product(client, world):
    audit = AuditLogEntry.objects.count()
    data = api(client, world.market.staff).query(REQUEST, {"p": gid(world.other)})
    payload = data["brandLicenceRequest"]
    assert payload["brandLicence"] is None
    assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert payload["errors"][0]["field"] == "product"
    assert not BrandLicence.objects.exists()
    assert AuditLogEntry.objects.count() == audit


def test_service_refuses_another_vendors_product_as_not_found(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.request_licence(actor=world.market.owner, product=world.other)
    assert raised.value.error_dict["product"][0].code == "NOT_FOUND"
    assert not BrandLicence.objects.exists()


def test_grant_with_an_expired_certificate_is_a_typed_error(client, world):
    import datetime

    from django.utils import timezone

    ProductCertificate.objects.filter(product=world.rice).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    data = api(client, world.manager).query(
        GRANT, {"p": gid(world.rice), "until": in_days(30).isoformat()}
    )
    payload = data["brandLicenceGrant"]
    assert payload["brandLicence"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("product", "CERTIFICATE_INVALID")
    ]
    assert not BrandLicence.objects.exists()


def test_grant_then_suspend_through_the_api(client, world):
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    manager = api(client, world.manager)
    granted = manager.query(GRANT, {"id": gid(requested), "until": in_days(30).isoformat()})
    assert granted["brandLicenceGrant"]["errors"] == []
    assert granted["brandLicenceGrant"]["brandLicence"]["status"] == "ACTIVE"
    suspended = manager.query(SUSPEND, {"id": gid(requested), "reason": "抽检不合格"})
    assert suspended["brandLicenceSuspend"] == {
        "brandLicence": {"status": "SUSPENDED", "reason": "抽检不合格"},
        "errors": [],
    }
    blank = manager.query(SUSPEND, {"id": gid(requested), "reason": " "})["brandLicenceSuspend"]
    assert [(e["field"], e["code"]) for e in blank["errors"]] == [("reason", "REQUIRED")]


def test_grant_with_a_reversed_window_names_the_field(client, world):
    data = api(client, world.manager).query(
        GRANT, {"p": gid(world.rice), "until": in_days(-1).isoformat()}
    )
    errors = data["brandLicenceGrant"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("validUntil", "INVALID_PERIOD")]


def test_reviewer_cannot_grant_licences(client, world):
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    response = api(client, world.market.reviewer).post(
        GRANT, {"id": gid(requested), "until": in_days(30).isoformat()}
    )
    body = response.json()
    assert body["data"]["brandLicenceGrant"] is None
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    requested.refresh_from_db()
    assert requested.status == LicenceStatus.REQUESTED


def test_unknown_licence_id_is_not_found(client, world):
    data = api(client, world.manager).query(
        SUSPEND, {"id": to_global_id("BrandLicence", 999999), "reason": "x"}
    )
    assert data["brandLicenceSuspend"]["errors"][0]["code"] == "NOT_FOUND"


def test_private_fields_are_null_for_the_public(client, world):
    licence = world.grant(world.rice)
    services.suspend_licence(actor=world.manager, licence=licence, reason="内部原因")
    services.reinstate_licence(actor=world.manager, licence=licence, reason="复检合格")
    query = """{ products(first: 10, channel: "guanyun", filter: {isBrandLicensed: true}) {
      edges { node { brandLicence { number reason events { action } } } } } }"""
    node = api(client).query(query)["products"]["edges"][0]["node"]["brandLicence"]
    assert node == {"number": licence.number, "reason": None, "events": None}
    assert CertificateKind.GEOGRAPHICAL_INDICATION  # the rice's certificate kind
