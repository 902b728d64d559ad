"""The home page's counts: listings by state, parcels to pack, low stock, certificates that
expire soon (CERTIFICATE_EXPIRY_WARNING_DAYS)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from backend.listings.models import CertificateStatus, Listing, ListingState, ProductCertificate
from backend.vendordesk import selectors
from backend.vendors.models import Vendor


def listing_counts(vendor: Vendor) -> list[dict]:
    found = dict(
        Listing.objects.filter(product__vendor=vendor)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {"value": state.value, "label": state.label, "count": found.get(state.value, 0)}
        for state in ListingState
    ]


def expiring_certificates(vendor: Vendor):
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=int(settings.CERTIFICATE_EXPIRY_WARNING_DAYS))
    return ProductCertificate.objects.filter(
        vendor=vendor, status=CertificateStatus.VALID, expires_on__lte=horizon
    ).select_related("product")


def counts(vendor: Vendor) -> dict:
    return {
        **selectors.to_pack_counts(vendor),
        "low_stock": selectors.low_stock(vendor).count(),
        "listings": listing_counts(vendor),
        "expiring": expiring_certificates(vendor).count(),
    }
