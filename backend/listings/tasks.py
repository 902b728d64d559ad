"""Certificate expiry (Celery beat, daily 01:30 Asia/Shanghai; settings.CELERY_BEAT_SCHEDULE).

A certificate whose `expires_on` (a local date) has passed becomes expired: the badge it unlocked
leaves the product unless another valid certificate unlocks it too, and the vendor's owners are
told by SMS. CERTIFICATE_EXPIRY_WARNING_DAYS before that they are warned, once per certificate.
Each certificate is handled in its own transaction, so one failure does not hold up the rest and
a run repeated on the same day changes nothing.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings

from backend.listings.models import CertificateStatus, ProductCertificate
from backend.listings.services import expire_certificate, local_today, warn_certificate_expiry


def expire_certificates(today: datetime.date | None = None) -> dict[str, int]:
    today = today or local_today()
    expired = warned = 0
    due = ProductCertificate.objects.filter(
        status=CertificateStatus.VALID, expires_on__lt=today
    ).order_by("pk")
    for certificate in due.iterator():
        expired += expire_certificate(certificate, today=today)
    horizon = today + datetime.timedelta(days=settings.CERTIFICATE_EXPIRY_WARNING_DAYS)
    coming = ProductCertificate.objects.filter(
        status=CertificateStatus.VALID,
        expiry_warned_at__isnull=True,
        expires_on__gte=today,
        expires_on__lte=horizon,
    ).order_by("pk")
    for certificate in coming.iterator():
        warned += warn_certificate_expiry(certificate, today=today)
    return {"expired": expired, "warned": warned}


@shared_task
def expire_certificates_task() -> dict[str, int]:
    return expire_certificates()


@shared_task
def run_listing_import_task(job_id: int) -> str:
    """A queued bulk listing import (backend/listings/import_jobs.py); runs at most once per
    job whatever the deliveries: a job that is not queued any more is left alone."""
    from backend.listings.import_jobs import run_import_job

    return run_import_job(job_id)


@shared_task
def cleanup_listing_imports_task() -> dict[str, int]:
    """Uploaded import files and error reports older than 7 days; jobs whose worker was lost
    (intended schedule: daily 03:30 Asia/Shanghai)."""
    from backend.listings.import_jobs import cleanup_listing_imports

    return cleanup_listing_imports()
