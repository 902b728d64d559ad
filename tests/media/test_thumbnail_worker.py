"""The thumbnail task end to end through a REAL Celery worker and a REAL Redis broker.

Uses: the media service committing to a real PostgreSQL database (transaction=True, so
on_commit fires), Celery sending the task to Redis (database 9, reserved for this test), a
Celery worker thread (celery.contrib.testing.worker.start_worker) consuming it, and the real
thumbnail code writing Thumbnail rows and files.
"""

from __future__ import annotations

import os
import time

import pytest
from django.db import connections

from backend.catalog.media import create_product_media
from backend.catalog.models import Thumbnail
from backend.celery import app as celery_app
from tests.factories import ProductFactory

TEST_BROKER_DB = 9

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: this test needs a real Redis broker for a real Celery worker",
)


def _broker_url() -> str:
    base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    return f"{base}/{TEST_BROKER_DB}"


@pytest.fixture
def celery_worker(settings):
    """A worker thread on the project's Celery app, pointed at Redis database 9."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    settings.THUMBNAIL_SIZES = [64, 256]
    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")
    }
    celery_app.conf.update(broker_url=_broker_url(), task_always_eager=False, result_backend=None)
    # The app caches its broker connection pools; drop them so .delay() uses database 9.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None

    def close_worker_connections(**_kwargs):
        # The worker thread opens its own database connection; close it after each task so
        # the test database can be flushed and dropped.
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_uploaded_image_gets_thumbnails_from_a_real_worker(celery_worker, make_image):
    product = ProductFactory()

    media = create_product_media(product=product, image_file=make_image(600, 300, "JPEG"))

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Thumbnail.objects.filter(product_media=media).count() == 4:
            break
        time.sleep(0.2)
    thumbnails = {
        (t.size, t.format): (t.width, t.height)
        for t in Thumbnail.objects.filter(product_media=media)
    }
    assert thumbnails == {
        (64, "ORIGINAL"): (64, 32),
        (64, "WEBP"): (64, 32),
        (256, "ORIGINAL"): (256, 128),
        (256, "WEBP"): (256, 128),
    }
