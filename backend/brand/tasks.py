"""Licence expiry (Celery beat, every 5 minutes; settings.CELERY_BEAT_SCHEDULE).

The badge already disappears at the exact instant `valid_until` passes, because the storefront
and the API check the window (backend/brand/selectors.py); this task records the expiry
(status EXPIRED, history, audit) and tells the vendor. Each licence is handled in its own
transaction; a rerun changes nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from backend.brand.models import BrandLicence, LicenceStatus
from backend.brand.services import expire_licence


def expire_licences(at: datetime.datetime | None = None) -> int:
    at = at or timezone.now()
    due = BrandLicence.objects.filter(
        status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), valid_until__lte=at
    ).order_by("valid_until", "pk")
    return sum(expire_licence(licence, at=at) for licence in due.iterator())


@shared_task
def expire_brand_licences_task() -> int:
    return expire_licences()
