"""Synthetic products for load tests: numbered, spread over the catalog, added once.
Uses the real seed, the real generator (bulk_create) and a real PostgreSQL database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from backend.catalog.models import Product, ProductChannelListing, ProductMedia, Thumbnail
from backend.catalog.seed import SyntheticCatalogError, generate_synthetic_products
from backend.inventory.models import Stock

pytestmark = pytest.mark.django_db


def test_synthetic_products_are_listed_priced_stocked_and_share_pictures(seed_copy):
    call_command("seed_catalog", path=seed_copy, synthetic=60, stdout=io.StringIO())

    synthetic = Product.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 60
    assert Product.objects.get(slug="synthetic-00042").name == "合成商品 00042"
    assert synthetic.values("category").distinct().count() > 5
    assert synthetic.values("vendor").distinct().count() > 5
    assert (
        ProductChannelListing.objects.filter(
            product__in=synthetic, is_published=True, discounted_price_amount__gt=0
        ).count()
        == 60
    )
    assert Stock.objects.filter(product_variant__product__in=synthetic).exists()
    media = ProductMedia.objects.filter(product__in=synthetic)
    assert media.count() == 60
    assert (
        media.values("image").distinct().count() <= synthetic.values("category").distinct().count()
    )
    assert Thumbnail.objects.filter(product_media__in=media, format="WEBP").exists()
    assert not synthetic.filter(search_index_dirty=True).exists()
    assert "合成商品 00042" in Product.objects.get(slug="synthetic-00042").search_document


def test_running_synthetic_again_adds_nothing(seed_copy):
    call_command("seed_catalog", path=seed_copy, synthetic=20, stdout=io.StringIO())
    report = generate_synthetic_products(count=25)
    assert report.counts["synthetic_products"]["created"] == 5
    assert report.counts["synthetic_products"]["unchanged"] == 20


def test_synthetic_products_need_the_seed_first():
    with pytest.raises(SyntheticCatalogError):
        generate_synthetic_products(count=3)
