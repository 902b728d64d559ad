"""Suspending a vendor takes all its listings off the storefront and out of the shoppers' API;
reactivating brings them back. Products without a vendor are not affected. The `shop` and
`rice` fixtures are the storefront tests' (imported in conftest.py)."""

from __future__ import annotations

import pytest

from backend.catalog.cache import catalog_version
from backend.vendors import services
from backend.vendors.models import VendorStatus
from tests.conftest import GraphQLClient
from tests.vendors.conftest import vendor_with_owner

pytestmark = pytest.mark.django_db

PRODUCTS = """{ products(first: 20, channel: "guanyun") { edges { node { slug } } } }"""
PRODUCT = """query($slug: String) { product(slug: $slug, channel: "guanyun") { slug } }"""


def shopper_view(client) -> dict:
    """What a shopper sees of 东王集大米 and of the county's own product, in pages and API."""
    api = GraphQLClient(client)
    listed = {edge["node"]["slug"] for edge in api.query(PRODUCTS)["products"]["edges"]}
    return {
        "page": client.get("/p/dongwangji-rice/").status_code,
        "listing_page": "东王集大米" in client.get("/products/").content.decode(),
        "api_list": "dongwangji-rice" in listed,
        "api_product": api.query(PRODUCT, {"slug": "dongwangji-rice"})["product"] is not None,
        "own_product": "county-own" in listed,
    }


VISIBLE = {
    "page": 200,
    "listing_page": True,
    "api_list": True,
    "api_product": True,
    "own_product": True,
}
HIDDEN = {**VISIBLE, "page": 404, "listing_page": False, "api_list": False, "api_product": False}


def test_suspension_hides_listings_and_reactivation_brings_them_back(
    client,
    shop,
    rice,
    manager,
    django_capture_on_commit_callbacks,
):
    shop.add_product("县里自营礼盒", slug="county-own", vendor=None)
    vendor = rice.vendor
    assert shopper_view(client) == VISIBLE
    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend(vendor=vendor, actor=manager, reason="抽检不合格")
    assert catalog_version() > version, "cached catalog pages must be dropped"
    assert shopper_view(client) == HIDDEN
    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.reactivate(vendor=vendor, actor=manager)
    assert catalog_version() > version
    assert shopper_view(client) == VISIBLE


@pytest.mark.parametrize("status", [VendorStatus.APPLIED, VendorStatus.REJECTED])
def test_products_of_vendors_not_yet_approved_are_hidden(
    client,
    shop,
    rice,
    status,
):
    shop.add_product("县里自营礼盒", slug="county-own", vendor=None)
    rice.vendor.status = status
    rice.vendor.save()
    assert shopper_view(client) == HIDDEN


def test_staff_who_manage_products_still_see_a_suspended_vendor_s_products(
    shop,
    rice,
    staff_gql,
):
    rice.vendor.status = VendorStatus.SUSPENDED
    rice.vendor.save()
    assert staff_gql.query(PRODUCT, {"slug": "dongwangji-rice"})["product"] is not None


def test_another_vendor_s_suspension_leaves_these_listings_alone(
    client,
    shop,
    rice,
    manager,
):
    shop.add_product("县里自营礼盒", slug="county-own", vendor=None)
    other, _owner = vendor_with_owner()
    services.suspend(vendor=other, actor=manager, reason="停业整顿")
    assert shopper_view(client) == VISIBLE
