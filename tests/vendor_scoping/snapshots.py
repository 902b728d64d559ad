"""Every row that belongs to a vendor, as plain values: compared before and after a refused
request to prove it wrote nothing."""

from __future__ import annotations

from typing import Any

from backend.brand.models import LicenceEvent
from backend.catalog.models import Product, ProductMedia, ProductVariant
from backend.inventory.models import Stock, Warehouse
from backend.listings.models import (
    Listing,
    ListingRevision,
    ProductCertificate,
    ReviewDecision,
    RevisionMedia,
)
from backend.order.models import OrderLine
from backend.routing.models import Shipment
from backend.settlement.models import StatementLine, VendorStatement
from backend.vendordesk.models import VendorParcel
from backend.vendors.models import Vendor, VendorDocument, VendorInvitation, VendorStaff

# (model, lookup from the model to the vendor)
VENDOR_TABLES: list[tuple[Any, str]] = [
    (Vendor, "pk"),
    (VendorStaff, "vendor"),
    (VendorInvitation, "vendor"),
    (VendorDocument, "vendor"),
    (Product, "vendor"),
    (ProductVariant, "product__vendor"),
    (ProductMedia, "product__vendor"),
    (Warehouse, "vendor"),
    (Stock, "warehouse__vendor"),
    (Listing, "product__vendor"),
    (ListingRevision, "listing__product__vendor"),
    (RevisionMedia, "revision__listing__product__vendor"),
    (ReviewDecision, "listing__product__vendor"),
    (ProductCertificate, "vendor"),
    (VendorStatement, "vendor"),
    (StatementLine, "statement__vendor"),
    (OrderLine, "vendor"),
    (Shipment, "source_warehouse__vendor"),
    (VendorParcel, "vendor"),
    # Licence decisions (the rows a test makes to act on are BrandLicence rows, so the history
    # is what a refused decision must leave unchanged).
    (LicenceEvent, "licence__vendor"),
]


def vendor_rows(vendor) -> dict[str, list[dict]]:
    return {
        model.__name__: list(model.objects.filter(**{lookup: vendor.pk}).order_by("pk").values())
        for model, lookup in VENDOR_TABLES
    }
