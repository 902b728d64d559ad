"""Reading traceability: the public trace of a code, a vendor's record, batches on sale."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from backend.trace.models import (
    Batch,
    BatchStatus,
    BizStep,
    CopyFlag,
    InspectionReport,
    Recall,
    SpotCheck,
    SpotCheckResult,
    TraceEvent,
    TraceScan,
)

# Copied labels: one code looked at from this many places within the window is flagged.
COPY_WINDOW = datetime.timedelta(minutes=10)


@dataclass
class JourneyStep:
    at: datetime.datetime
    step: str
    place: str
    place_kind: str
    quantity: int | None
    corrected: bool = False
    correction_note: str = ""


@dataclass
class PublicTrace:
    """What a shopper may see of a batch: no person, no order, no address of anyone."""

    batch: Batch
    product_name: str
    product_slug: str
    variant_name: str
    producer: str
    base: object
    inspections: list[InspectionReport]
    journey: list[JourneyStep]
    licence: object = None
    certificates: list = field(default_factory=list)
    recalled: bool = False


def batch_by_code(code: str) -> Batch | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 24 or not code.isalnum():
        return None
    return (
        Batch.objects.select_related("variant__product", "vendor", "base").filter(code=code).first()
    )


def public_trace(batch: Batch) -> PublicTrace:
    from backend.brand.selectors import licence_window_of
    from backend.listings.models import CertificateStatus, ProductCertificate

    product = batch.variant.product
    events = list(batch.events.select_related("corrects").order_by("event_time", "sequence"))
    corrected = {e.corrects_id: e for e in events if e.corrects_id}
    journey = []
    for event in events:
        if event.corrects_id:
            continue  # shown on the event it corrects
        # Scans of single parcels are many; the public page shows each station once per step.
        correction = corrected.get(event.pk)
        journey.append(
            JourneyStep(
                at=event.event_time,
                step=str(BizStep(event.biz_step).label),
                place=event.read_point_name,
                place_kind=event.read_point_kind,
                quantity=event.quantity,
                corrected=correction is not None,
                correction_note=correction.note if correction else "",
            )
        )
    journey = _collapse(journey)
    today = timezone.localdate()
    certificates = list(
        ProductCertificate.objects.filter(product=product, status=CertificateStatus.VALID)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("kind")
    )
    return PublicTrace(
        batch=batch,
        product_name=product.name,
        product_slug=product.slug,
        variant_name=batch.variant.name,
        producer=batch.vendor.name,
        base=batch.base,
        inspections=list(batch.inspections.all()),
        journey=journey,
        licence=licence_window_of(product.pk),
        certificates=certificates,
        recalled=batch.status != BatchStatus.ACTIVE,
    )


def _collapse(steps: list[JourneyStep]) -> list[JourneyStep]:
    """Sales and station scans of many parcels: one line per (step, place, day), summed."""
    out: list[JourneyStep] = []
    index: dict[tuple, JourneyStep] = {}
    for step in steps:
        day = timezone.localtime(step.at).date()
        key = (step.step, step.place, day)
        if step.place_kind in ("station", "warehouse") and key in index:
            kept = index[key]
            if step.quantity:
                kept.quantity = (kept.quantity or 0) + step.quantity
            continue
        copy = JourneyStep(**step.__dict__)
        index[key] = copy
        out.append(copy)
    return out


def place_of(remote_addr: str) -> str:
    """A salted hash of the network address: enough to count places, not to find anyone."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{remote_addr}".encode()).hexdigest()[:32]


def record_scan(batch: Batch, remote_addr: str) -> CopyFlag | None:
    """Count the look and flag the code when many places looked within the window."""
    now = timezone.now()
    TraceScan.objects.create(batch=batch, place=place_of(remote_addr))
    threshold = getattr(settings, "TRACE_COPY_PLACES", 5)
    places = (
        TraceScan.objects.filter(batch=batch, scanned_at__gte=now - COPY_WINDOW)
        .values("place")
        .distinct()
        .count()
    )
    if places < threshold:
        return None
    if CopyFlag.objects.filter(
        batch=batch, resolved=False, flagged_at__gte=now - COPY_WINDOW
    ).exists():
        return None
    return CopyFlag.objects.create(batch=batch, places=places)


def batch_on_sale(product) -> Batch | None:
    """The batch a product page links to: the one FEFO would sell next, else the newest."""
    today = timezone.localdate()
    candidates = Batch.objects.filter(
        variant__product=product, status=BatchStatus.ACTIVE, expires_on__gte=today
    )
    return (
        candidates.filter(quantity__gt=F("quantity_allocated") + F("quantity_blocked"))
        .order_by("expires_on", "pk")
        .first()
        or candidates.order_by("-packed_on", "-pk").first()
    )


def vendor_record(vendor) -> dict:
    """A vendor's quality record, for reviewers and brand managers."""
    checks = SpotCheck.objects.filter(vendor=vendor).aggregate(
        passed=Count("pk", filter=Q(result=SpotCheckResult.PASS)),
        failed=Count("pk", filter=Q(result=SpotCheckResult.FAIL)),
    )
    return {
        **checks,
        "recalls": Recall.objects.filter(batch__vendor=vendor).count(),
        "batches": Batch.objects.filter(vendor=vendor).count(),
        "latest_checks": list(
            SpotCheck.objects.filter(vendor=vendor).select_related("product")[:10]
        ),
    }


def events_of(batch: Batch):
    return TraceEvent.objects.filter(batch=batch).order_by("sequence")
