"""Reading brand licences: which products carry the badge at an instant, and for whom.

The badge shows while a licence is ACTIVE and the instant lies in [valid_from, valid_until).
`licence_windows()` keeps the windows of every ACTIVE licence in the cache per catalog version
(any licence change bumps it), so a page asks "licensed now?" without SQL, and the answer
changes at the exact instant a window opens or closes — before the beat task records the
expiry. Querysets use `licensed_condition(at)`, the same rule in SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.brand.models import BrandLicence, LicenceStatus, PublicBrand
from backend.catalog.cache import catalog_version
from backend.vendors import scoping

CACHE_SECONDS = 600


@dataclass(frozen=True)
class LicenceWindow:
    licence_id: int
    number: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None

    def contains(self, at: datetime.datetime) -> bool:
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)


def licence_windows(version: int | None = None) -> dict[int, list[LicenceWindow]]:
    """Product id → windows of its ACTIVE licences, cached per catalog version."""
    key = f"brand:licence-windows:{catalog_version() if version is None else version}"
    windows = cache.get(key)
    if windows is None:
        windows = {}
        rows = BrandLicence.objects.filter(
            status=LicenceStatus.ACTIVE, valid_from__isnull=False
        ).values_list("product_id", "pk", "number", "valid_from", "valid_until")
        for product_id, pk, number, valid_from, valid_until in rows:
            assert valid_from is not None
            windows.setdefault(product_id, []).append(
                LicenceWindow(pk, number, valid_from, valid_until)
            )
        cache.set(key, windows, CACHE_SECONDS)
    return windows


def licensed_product_ids(at: datetime.datetime | None = None) -> set[int]:
    """Products carrying the brand badge at `at` (default: now)."""
    at = at or timezone.now()
    return {
        product_id
        for product_id, windows in licence_windows().items()
        if any(window.contains(at) for window in windows)
    }


def licence_window_of(product_id: int, at: datetime.datetime | None = None) -> LicenceWindow | None:
    """The licence window the product's badge stands on at `at`, or None."""
    at = at or timezone.now()
    return next((w for w in licence_windows().get(product_id, []) if w.contains(at)), None)


def licensed_condition(at: datetime.datetime | None = None, *, field: str = "pk") -> Exists:
    """SQL form of the badge rule, for filtering products (`field` points at the product id)."""
    at = at or timezone.now()
    return Exists(
        BrandLicence.objects.filter(
            product_id=OuterRef(field), status=LicenceStatus.ACTIVE, valid_from__lte=at
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))
    )


def valid_licences(at: datetime.datetime | None = None) -> QuerySet[BrandLicence]:
    at = at or timezone.now()
    return BrandLicence.objects.filter(status=LicenceStatus.ACTIVE, valid_from__lte=at).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=at)
    )


def licence_boundaries() -> list[datetime.datetime]:
    """Instants at which a badge appears or disappears (for backend/catalog/schedule.py);
    read from the cached windows, so the page that computes the epoch pays no extra query."""
    return [
        instant
        for windows in licence_windows().values()
        for window in windows
        for instant in (window.valid_from, window.valid_until)
        if instant is not None
    ]


def visible_licences(user) -> QuerySet[BrandLicence]:
    """Licences the user may see: brand managers all of them, vendor staff their vendor's,
    nobody else any (backend/vendors/scoping.py decides who works for which vendor)."""
    from backend.brand.services import can_manage_brand

    licences = BrandLicence.objects.select_related("product", "vendor")
    if can_manage_brand(user):
        return licences
    vendor = scoping.vendor_of(user)
    if vendor is None:
        return licences.none()
    return licences.filter(vendor=vendor)


def active_brand() -> PublicBrand | None:
    return PublicBrand.objects.filter(is_active=True).order_by("pk").first()
