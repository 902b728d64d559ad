"""Loaders of brand licences; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from django.utils import timezone

from backend.brand.models import BrandLicence, LicenceEvent
from backend.brand.selectors import valid_licences
from backend.catalog.models import Product
from backend.graphql.core.dataloaders import ChildrenLoader, DataLoader


class ValidLicenceByProductLoader(DataLoader[int, BrandLicence | None]):
    """The licence each registered product's badge stands on now (ACTIVE and inside its
    window), or None: one query for a whole page of products."""

    source = Product

    def batch_load(self, keys):
        # One instant for the whole response, so every product is judged at the same moment.
        at = getattr(self.loaders, "brand_instant", None) or timezone.now()
        self.loaders.brand_instant = at  # type: ignore[attr-defined]
        found = {
            licence.product_id: licence
            for licence in valid_licences(at).filter(product_id__in=keys).order_by("valid_from")
        }
        return [found.get(key) for key in keys]


class EventsByLicenceLoader(ChildrenLoader):
    source = BrandLicence
    model = LicenceEvent
    parent_field = "licence_id"

    def queryset(self):
        return LicenceEvent.objects.select_related("actor").order_by("created_at", "pk")
