"""The seed: the brand's profile, logo and standards; an active licence for every
geographical-indication product; one request waiting; the 品牌管理员 group; and a second run
changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from backend.brand import selectors
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus, PublicBrand
from backend.brand.seed import GROUP_NAME
from backend.brand.signature import sms_signature
from backend.catalog.models import Product

pytestmark = pytest.mark.django_db


def _state() -> dict:
    brand = PublicBrand.objects.get()
    return {
        "brand": (brand.logo.name, brand.standards_document.name, brand.updated_at),
        "licences": list(BrandLicence.objects.order_by("pk").values()),
        "events": LicenceEvent.objects.count(),
        "group": sorted(
            Group.objects.get(name=GROUP_NAME).permissions.values_list("codename", flat=True)
        ),
    }


def test_seed_licenses_the_geographical_indication_products_and_a_rerun_changes_nothing():
    call_command("seed_catalog", stdout=io.StringIO())
    brand = PublicBrand.objects.get()
    assert brand.name == "伊山伊水" and brand.licence_prefix == "YSYS"
    assert brand.logo and brand.standards_document
    assert brand.standards_document.read(5) == b"%PDF-"
    assert "包装" in brand.packaging_rules and "检验报告" in brand.quality_standards
    assert sms_signature() == "【伊山伊水】"

    geographical = set(
        Product.objects.filter(
            attributevalues__value__attribute__slug="certification",
            attributevalues__value__slug="geographical-indication",
        ).values_list("slug", flat=True)
    )
    assert geographical  # the seed has GI products
    active = BrandLicence.objects.filter(status=LicenceStatus.ACTIVE)
    assert set(active.values_list("product__slug", flat=True)) == geographical
    year = timezone.localtime().year
    assert all(n.startswith(f"YSYS-{year}-") for n in active.values_list("number", flat=True))
    licensed = set(
        Product.objects.filter(pk__in=selectors.licensed_product_ids()).values_list(
            "slug", flat=True
        )
    )
    assert licensed == geographical
    waiting = BrandLicence.objects.get(status=LicenceStatus.REQUESTED)
    assert waiting.product.slug == "yangji-asparagus"
    assert waiting.product.slug not in geographical
    assert set(
        Group.objects.get(name=GROUP_NAME).permissions.values_list("codename", flat=True)
    ) == {
        "manage_brand",
        "manage_discounts",
        "manage_merchandising",
    }

    before = _state()
    stdout = io.StringIO()
    call_command("seed_catalog", stdout=stdout)
    assert _state() == before
    report = stdout.getvalue()
    section = report[report.index("区域公用品牌") :]
    total = next(line for line in section.splitlines() if line.startswith("合计"))
    assert "新建 0，更新 0" in total and "删除 0" in total


def test_seed_leaves_a_licence_a_brand_manager_revoked_alone():
    call_command("seed_catalog", stdout=io.StringIO())
    licence = BrandLicence.objects.filter(status=LicenceStatus.ACTIVE).first()
    BrandLicence.objects.filter(pk=licence.pk).update(status=LicenceStatus.REVOKED)
    call_command("seed_catalog", stdout=io.StringIO())
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert not BrandLicence.objects.filter(
        product=licence.product, status=LicenceStatus.ACTIVE
    ).exists()
