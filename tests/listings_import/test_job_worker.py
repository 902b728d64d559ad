"""A large import end to end through a REAL Celery worker on a REAL Redis broker (the worker
fixture of tests/media: Redis database 9, a worker thread on the project's app), committing to
a real PostgreSQL database (transaction=True, so the job is queued on commit as in production).
"""

from __future__ import annotations

import os
import time

import pytest
from django.test import Client

from backend.catalog.models import Product
from backend.listings import import_jobs
from backend.listings.models import ListingImportJob, ListingImportJobStatus
from tests.listings_import.conftest import csv_file, row
from tests.media.test_thumbnail_worker import celery_worker  # noqa: F401  (a fixture)

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: this test needs a real Redis broker for a real Celery worker",
)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_queued_import(shop, monkeypatch, celery_worker):  # noqa: F811
    monkeypatch.setattr(import_jobs, "SYNC_IMPORT_ROWS", 2)
    monkeypatch.setattr(import_jobs, "CHUNK_ROWS", 2)
    client = Client()
    client.force_login(shop.owner)
    rows = [row(name=f"商品{i}", sku=f"W-{i}") for i in range(5)]

    response = client.post("/vendor/import/", {"file": csv_file(rows)})

    assert response.status_code == 302
    job = ListingImportJob.objects.get()
    assert response["Location"] == f"/vendor/import/jobs/{job.pk}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == ListingImportJobStatus.DONE, job.message
    assert (job.created_products, job.processed_rows, job.total_rows) == (5, 5, 5)
    assert Product.objects.filter(vendor=shop.vendor).count() == 5
    page = client.get(response["Location"])
    assert "已导入 5 个商品" in page.content.decode() and "Refresh" not in page
