"""Listing review: the state machine, vendor-side editing and certificates.

Every transition runs in one transaction with the Listing row locked and leaves an audit entry.
"""

from __future__ import annotations

from backend.catalog.models import Product
from backend.listings.models import Listing, ListingState


def ensure_listing(product: Product) -> Listing:
    """The product's Listing, created as a draft if it has none (bulk import, new products)."""
    listing, _created = Listing.objects.get_or_create(
        product=product, defaults={"state": ListingState.DRAFT}
    )
    return listing
