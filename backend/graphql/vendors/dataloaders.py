"""Loaders of a vendor's staff and documents; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.graphql.core.dataloaders import ChildrenLoader
from backend.vendors.models import Vendor, VendorDocument, VendorStaff


class StaffByVendorLoader(ChildrenLoader):
    source = Vendor
    model = VendorStaff
    parent_field = "vendor_id"

    def queryset(self):
        return VendorStaff.objects.select_related("user").order_by("role", "pk")


class DocumentsByVendorLoader(ChildrenLoader):
    source = Vendor
    model = VendorDocument
    parent_field = "vendor_id"

    def queryset(self):
        return VendorDocument.objects.order_by("kind", "pk")
