"""Loaders of certifications; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from django.utils import timezone

from backend.catalog.models import Product
from backend.graphql.core.dataloaders import DataLoader
from backend.poverty.models import Certification
from backend.poverty.selectors import in_force_filter


class CertificationInForceByProductLoader(DataLoader[int, Certification | None]):
    """The certification each product's zone badge stands on now, or None: one query for a
    whole page of products, judged at one instant."""

    source = Product

    def batch_load(self, keys):
        at = getattr(self.loaders, "poverty_instant", None) or timezone.now()
        self.loaders.poverty_instant = at  # type: ignore[attr-defined]
        found: dict[int, Certification] = {}
        for certification in (
            Certification.objects.filter(in_force_filter(at), product_id__in=keys)
            .select_related("village")
            .order_by("-valid_from", "-pk")
        ):
            found.setdefault(certification.product_id, certification)
        return [found.get(key) for key in keys]
