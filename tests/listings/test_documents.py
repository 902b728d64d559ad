"""Required documents per product type and per badge; who may submit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.listings import services
from backend.listings.models import CertificateKind, CertificateStatus, Listing, ListingState
from backend.vendors.models import VendorStatus
from tests.listings.conftest import certificate

pytestmark = pytest.mark.django_db


def _missing(product, actor) -> list[tuple]:
    with pytest.raises(ValidationError) as raised:
        services.submit_for_review(actor=actor, product=product)
    return sorted((e.code, (e.params or {})["kind"]) for e in raised.value.error_dict["documents"])


def test_packaged_food_needs_a_recent_inspection_report_and_the_sc_licence(market):
    product = market.product(product_type=market.packaged)
    assert _missing(product, market.owner) == [
        ("MISSING_DOCUMENT", "inspection_report"),
        ("MISSING_DOCUMENT", "sc_licence"),
    ]
    assert Listing.objects.get(product=product).state == ListingState.DRAFT
    certificate(product, CertificateKind.SC_LICENCE)
    certificate(product, CertificateKind.INSPECTION_REPORT, issued_days_ago=400)  # too old
    assert _missing(product, market.owner) == [("MISSING_DOCUMENT", "inspection_report")]
    certificate(product, CertificateKind.INSPECTION_REPORT, issued_days_ago=300)
    listing = services.submit_for_review(actor=market.owner, product=product)
    assert listing.state == ListingState.SUBMITTED


def test_expired_or_lapsed_documents_do_not_count(market):
    product = market.product(product_type=market.packaged)
    today = timezone.localdate()
    certificate(product, CertificateKind.SC_LICENCE, expires_on=today - datetime.timedelta(days=1))
    certificate(product, CertificateKind.INSPECTION_REPORT, status=CertificateStatus.EXPIRED)
    assert _missing(product, market.owner) == [
        ("MISSING_DOCUMENT", "inspection_report"),
        ("MISSING_DOCUMENT", "sc_licence"),
    ]


def test_a_specialty_needs_no_document_but_each_badge_needs_its_certificate(market):
    product = market.product(certifications=["geographical-indication", "green-food"])
    assert _missing(product, market.owner) == [
        ("MISSING_DOCUMENT", "geographical_indication"),
        ("MISSING_DOCUMENT", "green_food"),
    ]
    certificate(product, CertificateKind.GEOGRAPHICAL_INDICATION)
    certificate(product, CertificateKind.GREEN_FOOD)
    assert services.submit_for_review(actor=market.owner, product=product).state == "submitted"


def test_approval_checks_the_documents_again(market):
    product = market.product(product_type=market.packaged)
    report = certificate(product, CertificateKind.INSPECTION_REPORT)
    certificate(product, CertificateKind.SC_LICENCE)
    services.submit_for_review(actor=market.owner, product=product)
    report.status = CertificateStatus.EXPIRED
    report.save()
    with pytest.raises(ValidationError) as raised:
        services.approve_listing(actor=market.reviewer, product=product)
    assert raised.value.error_dict["documents"][0].params["kind"] == "inspection_report"
    assert not product.channel_listings.filter(is_published=True).exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [(VendorStatus.SUSPENDED, "VENDOR_SUSPENDED"), (VendorStatus.APPLIED, "VENDOR_NOT_ACTIVE")],
)
def test_only_an_active_vendor_can_submit(market, status, code):
    product = market.product()
    market.vendor.status = status
    market.vendor.save()
    with pytest.raises(ValidationError) as raised:
        services.submit_for_review(actor=market.owner, product=product)
    assert raised.value.error_dict["product"][0].code == code
    assert Listing.objects.get(product=product).state == ListingState.DRAFT


def test_staff_of_the_vendor_may_submit_but_not_review(market):
    product = market.product(user=market.staff)
    assert services.submit_for_review(actor=market.staff, product=product).state == "submitted"
    with pytest.raises(ValidationError) as raised:
        services.approve_listing(actor=market.owner, product=product)
    assert raised.value.error_list[0].code == "PERMISSION_DENIED"


def test_required_documents_table_by_kind_and_slug(market):
    kinds = {r.kind for r in services.required_documents(market.packaged)}
    assert kinds == {"inspection_report", "sc_licence"}
    assert services.required_documents(market.grain) == []
