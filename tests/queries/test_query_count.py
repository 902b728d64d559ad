"""The statement count of a list query does not grow with its page size (data loaders)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalog.models import ProductMedia, Thumbnail
from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    ProductTypeFactory,
    VendorFactory,
    list_product,
)

pytestmark = pytest.mark.django_db

FULL_PRODUCTS = """
query($first: Int) {
  products(first: $first, channel: "guanyun") {
    totalCount
    edges { node {
      id name slug seoTitle description created updatedAt isAvailable isAvailableForPurchase
      thumbnail(size: 256, format: WEBP) { url alt }
      media { url(size: 128) alt type }
      category { name parent { name } }
      productType { name kind }
      vendor { name kind }
      collections { name }
      attributes { attribute { slug inputType } values { name slug } }
      pricing { onSale priceRange { start { gross { amount } } stop { gross { amount } } }
                priceRangeUndiscounted { start { gross { amount } } } }
      variants {
        sku name quantityAvailable
        attributes { attribute { slug } values { name } }
        pricing { price { gross { amount } net { amount } } }
      }
    } }
  }
}
"""


@pytest.fixture
def hundred_products(channel, warehouse):
    parent = CategoryFactory(name="粮油米面")
    categories = [CategoryFactory(parent=parent) for _ in range(5)]
    vendors = [VendorFactory() for _ in range(3)]
    product_type = ProductTypeFactory()
    origin = AttributeFactory(slug="origin")
    pack = AttributeFactory(slug="pack")
    product_type.product_attributes.add(origin)
    product_type.variant_attributes.add(pack)
    towns = [AttributeValueFactory(attribute=origin) for _ in range(4)]
    sizes = [AttributeValueFactory(attribute=pack) for _ in range(2)]
    for index in range(100):
        product = ProductFactory(
            product_type=product_type,
            category=categories[index % 5],
            vendor=vendors[index % 3],
        )
        product.attribute_values.add(towns[index % 4])
        variants = list_product(
            product, channel, prices=(Decimal("10.00"), Decimal("20.00")), warehouse=warehouse
        )
        for variant, size in zip(variants, sizes, strict=True):
            variant.attribute_values.add(size)
        media = ProductMedia.objects.create(product=product, image=f"products/{index}.png")
        Thumbnail.objects.create(
            product_media=media, size=256, format="WEBP", image=f"thumbnails/{index}.webp"
        )


def _statements(gql, first: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = gql.query(FULL_PRODUCTS, {"first": first})
    assert len(data["products"]["edges"]) == first
    return len(captured.captured_queries)


def test_products_statement_count_is_the_same_for_1_and_100(gql, hundred_products):
    # The first request after a catalog change builds the channel's promotion snapshot (a
    # fixed handful of statements, once per catalog version and process); compare warm ones.
    _statements(gql, 1)
    one = _statements(gql, 1)
    hundred = _statements(gql, 100)
    print(f"statements for first=1: {one}, first=100: {hundred}")
    assert one == hundred
    # Sanity bound: one statement per loader, not per product.
    assert hundred < 30
