"""Loaders of certifications; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from backend.catalog.models import Product
from backend.graphql.core.dataloaders import DataLoader
from backend.poverty.models import Beneficiary, Certification
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


class HouseholdCountByCertificationLoader(DataLoader[int, int]):
    """How many households each certification names: one query for a page of them."""

    source = Certification

    def batch_load(self, keys):
        counts = dict(
            Beneficiary.objects.filter(certification_id__in=keys, household__isnull=False)
            .values("certification_id")
            .annotate(total=Count("pk"))
            .values_list("certification_id", "total")
        )
        return [counts.get(key, 0) for key in keys]
