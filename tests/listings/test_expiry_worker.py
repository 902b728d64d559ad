"""The certificate expiry task end to end through a REAL Celery worker on a REAL Redis broker
(the worker fixture of tests/media: Redis database 9, a worker thread on the project's app),
committing to a real PostgreSQL database (transaction=True, so on_commit SMS are sent)."""

from __future__ import annotations

import datetime
import os
import time

import pytest
from django.utils import timezone

from backend.listings import services
from backend.listings.models import CertificateKind, CertificateStatus
from backend.listings.tasks import expire_certificates_task
from tests.listings.conftest import certificate
from tests.media.test_thumbnail_worker import celery_worker  # noqa: F401  (a fixture)

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: this test needs a real Redis broker for a real Celery worker",
)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_expires_the_certificate_and_texts_the_vendor(
    market,
    sms,
    celery_worker,  # noqa: F811
):
    product = market.product(certifications=["green-food"])
    expired = certificate(
        product,
        CertificateKind.GREEN_FOOD,
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )

    expire_certificates_task.delay()

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        expired.refresh_from_db()
        if expired.status == CertificateStatus.EXPIRED:
            break
        time.sleep(0.2)
    assert expired.status == CertificateStatus.EXPIRED
    assert services.product_badges(product) == []
    deadline = time.monotonic() + 10
    while not sms(market.owner.phone) and time.monotonic() < deadline:
        time.sleep(0.1)
    [message] = sms(market.owner.phone)
    assert "绿色食品" in message and "过期" in message
