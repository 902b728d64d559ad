"""Reading the zone: which products are certified at an instant, and the live counters.

A certification puts its product in the zone while it is APPROVED and the instant lies in
[valid_from, valid_until). `certification_windows()` keeps every approved window in the cache
per catalog version (the services bump it on every decision), so cards and pages ask
"certified now?" without SQL and the badge goes at the exact instant a window closes, before
the beat task records the expiry. `certified_condition(at)` is the same rule in SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from backend.catalog.cache import catalog_version
from backend.poverty.models import (
    BenefitEntry,
    Certification,
    CertificationStatus,
    Exclusion,
    ZoneSale,
)

CACHE_SECONDS = 600
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CertificationWindow:
    certification_id: int
    number: str
    mechanism: str
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None

    def contains(self, at: datetime.datetime) -> bool:
        return self.valid_from <= at and (self.valid_until is None or at < self.valid_until)


def certification_windows() -> dict[int, list[CertificationWindow]]:
    key = f"poverty:windows:{catalog_version()}"
    windows = cache.get(key)
    if windows is None:
        windows = {}
        rows = Certification.objects.filter(
            status=CertificationStatus.APPROVED, valid_from__isnull=False
        ).values_list("product_id", "pk", "number", "mechanism", "valid_from", "valid_until")
        for product_id, pk, number, mechanism, valid_from, valid_until in rows:
            assert valid_from is not None
            windows.setdefault(product_id, []).append(
                CertificationWindow(pk, number or "", mechanism, valid_from, valid_until)
            )
        cache.set(key, windows, CACHE_SECONDS)
    return windows


def certification_window_of(
    product_id: int, at: datetime.datetime | None = None
) -> CertificationWindow | None:
    at = at or timezone.now()
    return next((w for w in certification_windows().get(product_id, []) if w.contains(at)), None)


def certified_product_ids(at: datetime.datetime | None = None) -> set[int]:
    at = at or timezone.now()
    return {
        product_id
        for product_id, windows in certification_windows().items()
        if any(window.contains(at) for window in windows)
    }


def in_force_filter(at: datetime.datetime) -> Q:
    return Q(status=CertificationStatus.APPROVED, valid_from__lte=at) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=at)
    )


def certified_condition(at: datetime.datetime | None = None, *, field: str = "pk") -> Exists:
    at = at or timezone.now()
    return Exists(Certification.objects.filter(in_force_filter(at), product_id=OuterRef(field)))


def certification_in_force(product_id: int, at: datetime.datetime) -> Certification | None:
    """The certification whose terms apply to a sale of the product at `at` (from the DB)."""
    return (
        Certification.objects.filter(in_force_filter(at), product_id=product_id)
        .order_by("-valid_from", "-pk")
        .first()
    )


def zone_certifications(at: datetime.datetime | None = None) -> QuerySet[Certification]:
    """Certifications in force, in the order brand managers curated (zone_position)."""
    at = at or timezone.now()
    return (
        Certification.objects.filter(in_force_filter(at))
        .select_related("product", "vendor", "village")
        .order_by("zone_position", "product__name", "pk")
    )


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 Jan, next 1 Jan) of `year` in the county's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    return start, datetime.datetime(year + 1, 1, 1, tzinfo=zone)


def annual_target() -> Decimal:
    return Decimal(str(getattr(settings, "POVERTY_ZONE_ANNUAL_TARGET", "1000000")))


@dataclass(frozen=True)
class ZoneStats:
    year: int
    sales: Decimal
    target: Decimal
    households: int
    villages: int
    benefit: Decimal

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, int(self.sales * 100 / self.target))


def zone_stats(year: int | None = None) -> ZoneStats:
    """This year's counters: zone sales net of refunds and household/village beneficiaries,
    without purchases by the vendor's staff or related accounts."""
    year = year or timezone.localdate().year
    start, end = year_bounds(year)
    sales = ZoneSale.objects.filter(
        excluded=Exclusion.NONE, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    entries = BenefitEntry.objects.filter(
        excluded=Exclusion.NONE, occurred_at__gte=start, occurred_at__lt=end
    )
    benefit = entries.aggregate(total=Sum("amount"))["total"]
    # A beneficiary counts when what reached it this year is positive (a full refund cancels).
    households = (
        entries.filter(household__isnull=False)
        .values("household_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
        .count()
    )
    villages = entries.values("village_id").annotate(total=Sum("amount")).filter(total__gt=0)
    return ZoneStats(
        year=year,
        sales=sales or ZERO,
        target=annual_target(),
        households=households,
        villages=villages.count(),
        benefit=benefit or ZERO,
    )


def visible_certifications(user) -> QuerySet[Certification]:
    """Every certification for county zone staff and brand managers, the vendor's own for its
    staff; for everyone else only those in force now (the public zone)."""
    from backend.poverty.services import can_curate_zone
    from backend.vendors import scoping

    certifications = Certification.objects.select_related("product", "vendor", "village")
    if can_curate_zone(user):
        return certifications
    vendor = scoping.vendor_of(user)
    public = in_force_filter(timezone.now())
    if vendor is not None:
        return certifications.filter(public | Q(vendor=vendor))
    return certifications.filter(public)
