"""Certification expiry (Celery beat, every 5 minutes; settings.CELERY_BEAT_SCHEDULE).

The product already leaves the zone and loses its badge at the exact instant `valid_until`
passes (the selectors check the window); this task records the expiry (status, audit) and
tells the vendor. Each certification in its own transaction; a rerun changes nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from backend.poverty.models import Certification, CertificationStatus
from backend.poverty.services import expire_certification


def expire_certifications(at: datetime.datetime | None = None) -> int:
    at = at or timezone.now()
    due = Certification.objects.filter(
        status=CertificationStatus.APPROVED, valid_until__lte=at
    ).order_by("valid_until", "pk")
    return sum(expire_certification(certification, at=at) for certification in due.iterator())


@shared_task
def expire_poverty_certifications_task() -> int:
    return expire_certifications()
