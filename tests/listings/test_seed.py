"""The seed: every seeded product has an approved listing, one new product of the vermicelli
factory waits in the review queue with its documents, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from backend.catalog.models import Product
from backend.core.models import AuditLogEntry
from backend.listings import services
from backend.listings.models import Listing, ListingState
from backend.listings.seed import PENDING_SKU

pytestmark = pytest.mark.django_db

APPS = ("catalog", "inventory", "channel", "vendors", "listings")


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_seed_listings_are_approved_but_one_is_in_review_and_a_rerun_changes_nothing():
    call_command("seed_catalog", stdout=io.StringIO())
    pending = Product.objects.get(variants__sku=PENDING_SKU)
    assert pending.vendor.slug == "nangang-vermicelli"
    assert pending.product_type.kind == "processed_food"
    assert not pending.channel_listings.filter(is_published=True).exists()
    in_review = Listing.objects.exclude(state=ListingState.APPROVED)
    assert list(in_review.values_list("product_id", "state")) == [
        (pending.pk, ListingState.SUBMITTED)
    ]
    assert Listing.objects.count() == Product.objects.count()
    assert services.missing_documents(pending, []) == []
    assert set(pending.certificates.values_list("kind", flat=True)) == {
        "inspection_report",
        "sc_licence",
    }
    assert AuditLogEntry.objects.filter(action="listing.submitted").count() == 1
    # The seeded catalog's documents are on file: any approved product could be resubmitted.
    for product in Product.objects.exclude(pk=pending.pk).filter(vendor__isnull=False):
        assert services.missing_documents(product, services.product_badges(product)) == [], (
            product.slug
        )

    rows = _rows()
    stdout = io.StringIO()
    call_command("seed_catalog", stdout=stdout)
    assert _rows() == rows
    totals = [line for line in stdout.getvalue().splitlines() if line.startswith("合计")]
    assert totals and all("新建 0，更新 0" in line and "删除 0" in line for line in totals)
