"""Sensitive and minor edits of an approved listing: the approved version stays on sale (the
storefront page and the GraphQL product show the old name and price) while a revision is
pending; stock and small price changes apply at once; photos wait in the revision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from graphql_relay import to_global_id

from backend.catalog.models import ProductMedia, ProductVariantChannelListing
from backend.inventory.models import Stock
from backend.listings import services
from backend.listings.models import CertificateKind, Listing, RevisionMedia, RevisionStatus
from tests.listings.conftest import certificate, checklist, png_bytes

pytestmark = pytest.mark.django_db

PRODUCT_QUERY = """query($slug: String!, $channel: String!) {
  product(slug: $slug, channel: $channel) {
    name variants { pricing { price { gross { amount } } } }
  }
}"""


def _price(product) -> Decimal | None:
    return ProductVariantChannelListing.objects.get(variant__product=product).price_amount


def _storefront(client, product) -> str:
    response = client.get(f"/p/{product.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_approved_version_stays_on_sale_while_a_revision_is_pending(
    market, client, gql, settings, django_capture_on_commit_callbacks
):
    settings.LISTING_PRICE_REVIEW_PERCENT = Decimal("10")
    product = market.approved(name="红薯粉丝", price="20.00")
    page = _storefront(client, product)
    assert "红薯粉丝" in page
    result = services.update_vendor_product(
        actor=market.owner,
        product=product,
        name="精品红薯粉丝",
        prices={product.variants.get().pk: "30.00"},  # +50 %: sensitive
    )
    assert sorted(result.pending) == ["name", "variant_prices"]
    assert result.applied == []
    product.refresh_from_db()
    assert product.name == "红薯粉丝"
    assert _price(product) == Decimal("20.00")
    page = _storefront(client, product)
    assert "红薯粉丝" in page and "精品红薯粉丝" not in page
    data = gql.query(PRODUCT_QUERY, {"slug": product.slug, "channel": market.shop.channel.slug})
    assert data["product"]["name"] == "红薯粉丝"
    assert data["product"]["variants"][0]["pricing"]["price"]["gross"]["amount"] == 20.0

    services.submit_for_review(actor=market.owner, product=product)
    # Still on sale while the reviewer looks at the changes.
    assert "红薯粉丝" in _storefront(client, product)
    with django_capture_on_commit_callbacks(execute=True):  # the catalog version is bumped
        services.approve_listing(actor=market.reviewer, product=product)
    product.refresh_from_db()
    assert product.name == "精品红薯粉丝"
    assert _price(product) == Decimal("30.00")
    data = gql.query(PRODUCT_QUERY, {"slug": product.slug, "channel": market.shop.channel.slug})
    assert data["product"]["name"] == "精品红薯粉丝"
    assert "精品红薯粉丝" in _storefront(client, product)


def test_a_rejected_revision_leaves_the_approved_version(market):
    product = market.approved(price="20.00")
    services.update_vendor_product(
        actor=market.owner,
        product=product,
        description="包治百病",
        prices={product.variants.get().pk: "99.00"},
    )
    services.submit_for_review(actor=market.owner, product=product)
    services.reject_listing(
        actor=market.reviewer,
        product=product,
        reasons="夸大宣传",
        checklist=checklist("labelling", na=("net_content", "shelf_life")),
    )
    product.refresh_from_db()
    listing = Listing.objects.get(product=product)
    assert listing.state == "approved" and not listing.has_pending_revision
    assert product.description_plaintext == "传统工艺，无添加。"
    assert _price(product) == Decimal("20.00")
    assert product.channel_listings.get().is_published
    assert listing.revisions.get().status == RevisionStatus.REJECTED


def test_small_price_changes_and_stock_apply_directly(market, settings):
    settings.LISTING_PRICE_REVIEW_PERCENT = Decimal("10")
    product = market.approved(price="20.00")
    variant = product.variants.get()
    result = services.update_vendor_product(
        actor=market.owner,
        product=product,
        prices={variant.pk: "21.90"},  # +9.5 %
        stock=[{"variant": variant.pk, "warehouse": market.warehouse.pk, "quantity": 7}],
    )
    assert result.pending == [] and result.revision is None
    assert _price(product) == Decimal("21.90")
    assert Stock.objects.get(product_variant=variant, warehouse=market.warehouse).quantity == 7
    assert not Listing.objects.get(product=product).has_pending_revision
    # Exactly at the threshold is still minor; beyond it is not.
    assert not services.price_needs_review(Decimal("20.00"), Decimal("22.00"))
    assert services.price_needs_review(Decimal("20.00"), Decimal("22.01"))
    assert services.price_needs_review(Decimal("20.00"), Decimal("17.99"))


def test_stock_can_change_while_in_review_but_names_cannot(market):
    product = market.product()
    services.submit_for_review(actor=market.owner, product=product)
    variant = product.variants.get()
    services.update_vendor_product(
        actor=market.owner,
        product=product,
        stock=[{"variant": variant.pk, "warehouse": market.warehouse.pk, "quantity": 3}],
    )
    assert Stock.objects.get(product_variant=variant).quantity == 3
    with pytest.raises(ValidationError) as raised:
        services.update_vendor_product(actor=market.owner, product=product, name="新名字")
    assert raised.value.error_dict["state"][0].code == "INVALID_TRANSITION"


def test_stock_only_in_the_vendors_own_warehouses(market):
    product = market.product()
    with pytest.raises(ValidationError) as raised:
        services.update_vendor_product(
            actor=market.owner,
            product=product,
            stock=[
                {
                    "variant": product.variants.get().pk,
                    "warehouse": market.other_warehouse.pk,
                    "quantity": 3,
                }
            ],
        )
    assert raised.value.error_dict["warehouse"][0].code == "NOT_VENDOR_WAREHOUSE"


def test_badges_of_an_approved_listing_go_to_review_with_their_certificate(market):
    product = market.approved()
    services.update_vendor_product(
        actor=market.owner, product=product, certifications=["green-food"]
    )
    assert services.product_badges(product) == []
    with pytest.raises(ValidationError) as raised:
        services.submit_for_review(actor=market.owner, product=product)
    assert raised.value.error_dict["documents"][0].params["kind"] == "green_food"
    certificate(product, CertificateKind.GREEN_FOOD)
    services.submit_for_review(actor=market.owner, product=product)
    services.approve_listing(actor=market.reviewer, product=product)
    assert services.product_badges(product) == ["green-food"]


def test_photos_of_an_approved_listing_wait_for_the_review(
    market, django_capture_on_commit_callbacks
):
    product = market.product()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.add_product_photo(
            actor=market.owner, product=product, image_file=png_bytes()
        )
    assert isinstance(first, ProductMedia)
    services.submit_for_review(actor=market.owner, product=product)
    services.approve_listing(actor=market.reviewer, product=product)

    pending = services.add_product_photo(
        actor=market.owner, product=product, image_file=png_bytes(), alt="新包装"
    )
    assert isinstance(pending, RevisionMedia)
    services.remove_product_photo(actor=market.owner, product=product, media_id=first.pk)
    other = services.add_product_photo(actor=market.owner, product=product, image_file=png_bytes())
    services.remove_product_photo(actor=market.owner, product=product, revision_media_id=other.pk)
    assert list(product.media.values_list("pk", flat=True)) == [first.pk]
    services.submit_for_review(actor=market.owner, product=product)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_listing(actor=market.reviewer, product=product)
    assert list(product.media.values_list("alt", flat=True)) == ["新包装"]


def test_a_file_that_is_not_an_image_is_refused(market):
    product = market.product()
    with pytest.raises(ValidationError) as raised:
        services.add_product_photo(actor=market.owner, product=product, image_file=b"%PDF-1.4")
    assert raised.value.error_dict["image"][0].code == "INVALID_IMAGE"
    assert not product.media.exists()


def test_vendor_product_create_through_the_api(market, client):
    from tests.listings.conftest import api

    data = api(client, market.owner).query(
        """mutation($input: VendorProductCreateInput!) { vendorProductCreate(input: $input) {
          product { name } listing { state } errors { field code } } }""",
        {
            "input": {
                "name": "绿豆粉丝",
                "category": to_global_id("Category", market.shop.rice.pk),
                "productType": to_global_id("ProductType", market.packaged.pk),
                "description": "绿豆淀粉\n手工晾晒",
                "variants": [
                    {
                        "sku": "LD-500",
                        "name": "500g 袋装",
                        "price": "15.80",
                        "weightGrams": 550,
                        "stock": [
                            {
                                "warehouse": to_global_id("Warehouse", market.warehouse.pk),
                                "quantity": 40,
                            }
                        ],
                    }
                ],
            }
        },
    )["vendorProductCreate"]
    assert data == {"product": {"name": "绿豆粉丝"}, "listing": {"state": "DRAFT"}, "errors": []}
