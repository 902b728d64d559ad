"""The seeded vendors: valid sample credit codes, SC licences for the food processors,
commission rates, all active; loading twice changes nothing."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
import yaml
from django.conf import settings

from backend.catalog.seed import load_catalog_seed
from backend.vendors.models import Vendor, VendorStatus
from backend.vendors.validators import (
    check_credit_code_matches_kind,
    validate_credit_code,
    validate_sc_licence,
)

pytestmark = pytest.mark.django_db

PROCESSORS = {"nangang-vermicelli", "yihetang-flour", "shuangcheng-soy", "jinghuayuan-distillery"}


@pytest.fixture
def seed_copy(tmp_path):
    target = tmp_path / "seed"
    shutil.copytree(settings.CATALOG_SEED_DIR, target)
    return target


def test_seeded_vendors_have_valid_codes_licences_and_rates(seed_copy):
    load_catalog_seed(path=seed_copy)
    vendors = {vendor.slug: vendor for vendor in Vendor.objects.all()}
    assert len(vendors) >= 13
    for vendor in vendors.values():
        assert validate_credit_code(vendor.credit_code) == vendor.credit_code
        check_credit_code_matches_kind(vendor.credit_code, vendor.kind)
        assert vendor.legal_representative
        assert vendor.status == VendorStatus.ACTIVE
        assert Decimal("0") <= vendor.commission_rate < Decimal("0.1")
        if vendor.slug in PROCESSORS:
            assert vendor.processes_food
            assert validate_sc_licence(vendor.sc_licence_number) == vendor.sc_licence_number
        else:
            assert vendor.sc_licence_number == ""
    assert vendors["nangang-vermicelli"].commission_rate == Decimal("0.0500")
    # Cooperatives of economically weak villages (藕塘村, 埒子口村) pay no commission.
    assert vendors["xiaoyi-lotus-coop"].commission_rate == 0
    assert vendors["yanweigang-seafood-coop"].commission_rate == 0
    assert len({vendor.credit_code for vendor in vendors.values()}) == len(vendors)


def test_loading_the_seed_again_leaves_the_vendors_unchanged(seed_copy):
    load_catalog_seed(path=seed_copy)
    report = load_catalog_seed(path=seed_copy)
    assert report.counts["vendors"].get("created", 0) == 0
    assert report.counts["vendors"].get("updated", 0) == 0


def test_a_food_processor_without_an_sc_licence_is_refused_by_the_schema(seed_copy):
    path = seed_copy / "vendors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    processor = next(v for v in data["vendors"] if v["slug"] == "shuangcheng-soy")
    del processor["sc_licence_number"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    from backend.catalog.seed.loader import SeedValidationError

    with pytest.raises(SeedValidationError) as error:
        load_catalog_seed(path=seed_copy)
    assert "sc_licence_number" in str([str(issue) for issue in error.value.issues])
