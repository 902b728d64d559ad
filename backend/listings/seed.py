"""The listing review part of `manage.py seed_catalog`, run after the catalog is loaded.

Every product already on sale gets an approved Listing (the county vetted the seeded catalog),
and one new packaged-food product of the vermicelli factory waits in the review queue, submitted
with its inspection report and SC licence, so the reviewer's guide can be followed on the demo.
Idempotent: a second run creates and changes nothing, and a listing a reviewer has since
decided is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from backend.catalog.models import Category, Product, ProductChannelListing, ProductType
from backend.catalog.seed import SeedReport
from backend.inventory.models import Warehouse
from backend.listings.models import (
    BADGE_OF_KIND,
    KIND_OF_BADGE,
    CertificateKind,
    Listing,
    ListingState,
    ProductCertificate,
)
from backend.listings.services import (
    create_product_for_vendor,
    product_badges,
    required_documents,
    submit_product,
)
from backend.vendors.models import Vendor

PENDING_VENDOR = "nangang-vermicelli"
PENDING_SKU = "NG-LVDOU-400G"
PENDING_NAME = "南岗绿豆粉丝（新品）"
PENDING_CATEGORY = "flour-noodles"
PENDING_TYPE = "packaged-food"
PENDING_DESCRIPTION = "南岗乡绿豆淀粉手工漏丝，晾晒七日。\n无明矾、无添加剂，开水烫煮三分钟即可。"
PENDING_WAREHOUSE = "nangang-factory-store"
PENDING_VARIANT = {
    "sku": PENDING_SKU,
    "name": "400g 袋装",
    "price": Decimal("18.80"),
    "weight_grams": 450,
}
PENDING_STOCK = 600


def _minimal_pdf(title: str) -> ContentFile:
    """A tiny valid PDF standing in for a scan (sample data)."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {title}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return ContentFile(body.encode("ascii", "ignore"))


@transaction.atomic
def seed_listings() -> SeedReport:
    report = SeedReport()
    _approve_published(report)
    _certificates_of_seeded_products(report)
    _pending_product(report)
    return report


def _approve_published(report: SeedReport) -> None:
    """Products on sale without a listing, or with a draft nobody submitted, are approved."""
    published = ProductChannelListing.objects.filter(product=OuterRef("pk"), is_published=True)
    missing = list(
        Product.objects.filter(listing__isnull=True)
        .filter(Exists(published))
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    Listing.objects.bulk_create(
        [Listing(product_id=pk, state=ListingState.APPROVED, decided_at=now) for pk in missing]
    )
    report.add("listings", "created", len(missing))
    drafts = Listing.objects.filter(
        state=ListingState.DRAFT, submitted_at__isnull=True, decided_at__isnull=True
    ).filter(Exists(published.filter(product=OuterRef("product"))))
    updated = drafts.update(state=ListingState.APPROVED, decided_at=now)
    report.add("listings", "updated", updated)
    report.add(
        "listings",
        "unchanged",
        Listing.objects.count() - len(missing) - updated,
    )


def _add_certificate(product: Product, vendor: Vendor, kind: str, number: str, issued, expires):
    certificate = ProductCertificate(
        product=product,
        vendor=vendor,
        kind=kind,
        number=number,
        content_type="application/pdf",
        issued_on=issued,
        expires_on=expires,
        badge=BADGE_OF_KIND.get(kind) or "",
    )
    pdf = _minimal_pdf(f"{kind} {number}")
    certificate.size = pdf.size
    certificate.file.save(f"{kind}-{number}.pdf", pdf, save=False)
    certificate.save()
    return certificate


def _certificates_of_seeded_products(report: SeedReport) -> None:
    """The documents behind the seeded catalog: a certificate for each badge a vendor's product
    shows, and for processed food the inspection report and SC licence its type requires, so
    the demo's products can be edited and resubmitted. A kind already on file is left alone."""
    today = timezone.localdate()
    created = 0
    products = (
        Product.objects.filter(vendor__isnull=False, listing__state=ListingState.APPROVED)
        .select_related("vendor", "product_type")
        .order_by("pk")
    )
    for product in products:
        vendor = product.vendor
        assert vendor is not None
        kinds = [requirement.kind for requirement in required_documents(product.product_type)]
        kinds += [KIND_OF_BADGE[b] for b in product_badges(product) if b in KIND_OF_BADGE]
        on_file = set(product.certificates.values_list("kind", flat=True))
        for kind in dict.fromkeys(kinds):
            if kind in on_file:
                continue
            if kind == CertificateKind.SC_LICENCE and vendor.sc_licence_number:
                number = vendor.sc_licence_number
            else:
                number = f"示例-{CODES[kind]}-{product.slug[:40]}"
            issued = today - datetime.timedelta(days=90)
            _add_certificate(
                product, vendor, kind, number, issued, today.replace(year=today.year + 2)
            )
            created += 1
    report.add("product_certificates", "created", created)


CODES: dict[str, str] = {
    CertificateKind.INSPECTION_REPORT: "JC",
    CertificateKind.SC_LICENCE: "SC",
    CertificateKind.GEOGRAPHICAL_INDICATION: "GI",
    CertificateKind.GREEN_FOOD: "LB",
    CertificateKind.ORGANIC: "OR",
}


def _pending_product(report: SeedReport) -> None:
    vendor = Vendor.objects.filter(slug=PENDING_VENDOR).first()
    category = Category.objects.filter(slug=PENDING_CATEGORY).first()
    product_type = ProductType.objects.filter(slug=PENDING_TYPE).first()
    if vendor is None or category is None or product_type is None:
        return  # a trimmed seed without the vermicelli factory
    if Product.objects.filter(variants__sku=PENDING_SKU).exists():
        report.add("listings_in_review", "unchanged")
        return
    warehouse = Warehouse.objects.filter(slug=PENDING_WAREHOUSE, vendor=vendor).first()
    product = create_product_for_vendor(
        vendor=vendor,
        actor=None,
        name=PENDING_NAME,
        category=category,
        product_type=product_type,
        description=PENDING_DESCRIPTION,
        variants=[
            {
                **PENDING_VARIANT,
                "stock": [{"warehouse": warehouse, "quantity": PENDING_STOCK}] if warehouse else [],
            }
        ],
    )
    today = timezone.localdate()
    for kind, number, issued, expires in (
        (
            CertificateKind.INSPECTION_REPORT,
            "GY-JC-2026-0815",
            today - datetime.timedelta(days=45),
            today + datetime.timedelta(days=320),
        ),
        (
            CertificateKind.SC_LICENCE,
            vendor.sc_licence_number or "SC10132072300123",
            today - datetime.timedelta(days=700),
            today + datetime.timedelta(days=1125),
        ),
    ):
        _add_certificate(product, vendor, kind, number, issued, expires)
    submit_product(actor=None, product=product)
    report.add("listings_in_review", "created")
