"""Large imports as a background job: the page and the API check the file in the request and
queue a job when more than SYNC_IMPORT_ROWS rows are to be written; the job runs once, writes
in chunks with its progress, ends done or failed (never a 500); the status page refreshes
itself until then; another vendor's job is not found; old files are cleaned up."""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client, RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from backend.account.jwt import create_access_token
from backend.catalog.models import Product
from backend.core.models import AuditLogEntry
from backend.graphql import api
from backend.listings import import_jobs, imports
from backend.listings.import_report import report_path
from backend.listings.models import ListingImportJob, ListingImportJobStatus
from backend.listings.tasks import cleanup_listing_imports_task, run_listing_import_task
from tests.factories import ProductFactory, ProductVariantFactory
from tests.listings_import.conftest import csv_file, row

pytestmark = pytest.mark.django_db

URL = "/vendor/import/"
Status = ListingImportJobStatus


@pytest.fixture
def eager_celery():
    """Tasks queued after commit run in the test's process (the broker has no worker here)."""
    from backend.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def small_jobs(monkeypatch):
    """Jobs from 3 rows to write on, 2 rows a chunk: the job's behaviour on small files."""
    monkeypatch.setattr(import_jobs, "SYNC_IMPORT_ROWS", 2)
    monkeypatch.setattr(import_jobs, "CHUNK_ROWS", 2)


def rows(count: int, prefix: str = "P", **values) -> list[list[str]]:
    """`count` products of one row each."""
    return [row(name=f"{prefix}商品{i}", sku=f"{prefix}-{i}", **values) for i in range(count)]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, file, *, valid=False):
    data = {"file": file, **({"import_valid_rows": "on"} if valid else {})}
    return client.post(URL, data)


def job_of(response) -> ListingImportJob:
    assert response.status_code == 302, response.content.decode()[:500]
    match = re.fullmatch(r"/vendor/import/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ListingImportJob.objects.get(pk=int(match.group(1)))


def test_above_the_threshold_a_job_is_queued_and_run_and_the_page_redirects(
    shop, eager_celery, django_capture_on_commit_callbacks
):
    assert import_jobs.SYNC_IMPORT_ROWS == 50
    client = signed_in(shop.owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, csv_file(rows(51)))
        job = job_of(response)
        # Checked in the request, nothing written there: the worker writes.
        assert job.status == Status.QUEUED and job.total_rows == 51
        assert not Product.objects.exists()
    assert len([c for c in callbacks if getattr(c, "func", None) is import_jobs._enqueue]) == 1
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert (job.created_products, job.created_variants, job.error_rows) == (51, 51, 0)
    assert job.processed_rows == job.total_rows == 51
    assert job.created_by == shop.owner and job.vendor == shop.vendor
    assert job.original_name == "商品.csv" and job.file.name.startswith(
        f"listing-imports/{shop.vendor.pk}/uploads/"
    )
    assert job.started_at and job.finished_at and not job.report_token
    assert Product.objects.filter(vendor=shop.vendor).count() == 51
    entry = AuditLogEntry.objects.get(action="listing.bulk_imported")
    assert entry.after["job"] == job.pk and entry.after["products"] == 51
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "已导入 51 个商品（51 个规格）" in html
    assert 'http-equiv="refresh"' not in html and "Refresh" not in page


def test_at_the_threshold_the_file_is_imported_in_the_request(shop):
    response = upload(signed_in(shop.owner), csv_file(rows(50)))
    assert response.status_code == 200 and "已导入 50 个商品" in response.content.decode()
    assert not ListingImportJob.objects.exists()


def test_a_large_file_with_errors_is_answered_at_once_without_a_job(shop):
    response = upload(signed_in(shop.owner), csv_file([*rows(60), row(sku="X-1", price="0")]))
    html = response.content.decode()
    assert response.status_code == 200 and "表格有错误，未导入任何商品" in html
    assert 'data-code="INVALID_PRICE"' in html
    assert not ListingImportJob.objects.exists() and not Product.objects.exists()


def test_status_page_refreshes_while_queued_and_running_and_stops_when_done(shop, small_jobs):
    client = signed_in(shop.clerk)
    job = job_of(upload(client, csv_file(rows(6))))  # the task is not run (no commit here)
    url = f"{URL}jobs/{job.pk}/"
    queued = client.get(url)
    assert queued.status_code == 200 and queued["Refresh"] == "5"
    assert '<meta http-equiv="refresh" content="5">' in queued.content.decode()
    assert "已排队" in queued.content.decode()

    ListingImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, processed_rows=3)
    running = client.get(url).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in running
    assert "已处理 3 / 6 行" in running and 'value="50"' in running

    ListingImportJob.objects.filter(pk=job.pk).update(status=Status.QUEUED, processed_rows=0)
    assert run_listing_import_task(job.pk) == Status.DONE
    done = client.get(url)
    assert "Refresh" not in done and 'http-equiv="refresh"' not in done.content.decode()
    assert "已导入 6 个商品（6 个规格）" in done.content.decode()


def test_the_job_writes_in_chunks_with_its_progress(shop, small_jobs, monkeypatch):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(5))))
    seen: list[tuple[int, int]] = []
    write_groups = imports.write_groups

    def watching(result, *, user, groups):
        # What another connection would read now: the job row as committed so far.
        current = ListingImportJob.objects.get(pk=job.pk)
        seen.append((current.processed_rows, Product.objects.count()))
        return write_groups(result, user=user, groups=groups)

    monkeypatch.setattr(import_jobs, "write_groups", watching)
    run_listing_import_task(job.pk)
    assert seen == [(0, 0), (2, 2), (4, 4)]
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_products) == (Status.DONE, 5, 5)


def test_a_second_run_or_delivery_is_a_no_op(shop, small_jobs):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(4))))
    assert run_listing_import_task(job.pk) == Status.DONE
    finished = ListingImportJob.objects.get(pk=job.pk).finished_at
    assert run_listing_import_task(job.pk) == "skipped"
    assert run_listing_import_task.apply(args=[job.pk]).get() == "skipped"
    assert Product.objects.count() == 4
    assert AuditLogEntry.objects.filter(action="listing.bulk_imported").count() == 1
    job.refresh_from_db()
    assert job.finished_at == finished and job.created_products == 4
    # A job another worker is running is left alone too.
    ListingImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    assert run_listing_import_task(job.pk) == "skipped"
    assert run_listing_import_task(10**9) == "skipped"


def test_import_valid_rows_job_imports_the_valid_rows_and_keeps_the_report(shop, small_jobs):
    client = signed_in(shop.owner)
    bad = row(name="坏商品", sku="BAD-1", price="0")
    job = job_of(upload(client, csv_file([*rows(4), bad]), valid=True))
    # The problems found in the request are on the job at once.
    assert [e["code"] for e in job.errors] == ["INVALID_PRICE"] and job.error_rows == 1
    run_listing_import_task(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created_products, job.error_rows) == (Status.DONE, 4, 1)
    assert job.errors == [
        {"message": "价格必须大于 0。", "code": "INVALID_PRICE", "row": 6, "column": "价格（元）"}
    ]
    assert not Product.objects.filter(name="坏商品").exists()
    html = client.get(f"{URL}jobs/{job.pk}/").content.decode()
    assert "已导入 4 个商品" in html and '<tr data-code="INVALID_PRICE"><td>6</td>' in html
    report = client.get(f"{URL}reports/{job.report_token}/")
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert book["商品"].cell(row=6, column=len(row()) + 1).value.startswith("价格（元）：")


def test_a_file_that_became_invalid_before_the_job_ran_imports_nothing(shop, small_jobs):
    """Without "import valid rows": a SKU taken between the upload and the job."""
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(4))))
    ProductVariantFactory(product=ProductFactory(vendor=shop.other_vendor), sku="P-2")
    assert run_listing_import_task(job.pk) == Status.DONE
    job.refresh_from_db()
    assert job.created_products == 0 and Product.objects.filter(vendor=shop.vendor).count() == 0
    assert [e["code"] for e in job.errors] == ["SKU_EXISTS"] and job.report_token
    html = signed_in(shop.owner).get(f"{URL}jobs/{job.pk}/").content.decode()
    assert "没有导入任何商品" in html


def test_a_chunk_failing_fails_the_job_with_what_was_imported(shop, small_jobs, monkeypatch):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(5))))
    create = imports._create
    calls = 0

    def failing_third(**kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")
        return create(**kwargs)

    monkeypatch.setattr(imports, "_create", failing_third)
    assert run_listing_import_task(job.pk) == Status.FAILED
    job.refresh_from_db()
    # The first chunk (2 products) was committed; the failing chunk was rolled back whole.
    assert Product.objects.count() == 2
    assert (job.created_products, job.processed_rows) == (2, 2) and job.finished_at
    assert job.message.startswith("导入意外中断。") and "此前已导入 2 个商品" in job.message
    page = signed_in(shop.owner).get(f"{URL}jobs/{job.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "导入失败" in html and "disk full" not in html
    assert "Refresh" not in page


def test_a_vendor_suspended_before_the_job_ran_fails_it(shop, small_jobs):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(3))))
    shop.vendor.status = "suspended"
    shop.vendor.save()
    assert run_listing_import_task(job.pk) == Status.FAILED
    job.refresh_from_db()
    assert "不能导入商品" in job.message and not Product.objects.exists()


def test_the_uploader_gets_an_sms_when_the_job_is_done(shop, small_jobs, caplog):
    shop.owner.phone = "13912345678"
    shop.owner.save()
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(3))))
    run_listing_import_task(job.pk)
    [text] = [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
    assert "13912345678" in text and "商品导入已完成：导入 3 个商品" in text


def test_another_vendors_job_page_is_404(shop, small_jobs):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(3))))
    url = f"{URL}jobs/{job.pk}/"
    assert signed_in(shop.clerk).get(url).status_code == 200
    assert signed_in(shop.other_owner).get(url).status_code == 404
    assert signed_in(shop.outsider).get(url).status_code == 403
    assert Client().get(url).status_code == 302


# GraphQL ------------------------------------------------------------------------------------

MUTATION = """mutation($file: Upload!) {
  productBulkImport(file: $file) {
    createdProducts totalRows errors { code }
    job { id status totalRows processedRows createdProducts errorRows reportUrl } } }"""
VALID_ROWS_MUTATION = MUTATION.replace("(file: $file)", "(file: $file, importValidRows: true)")
JOB_FIELDS = (
    "id status fileName totalRows processedRows createdProducts createdVariants errorRows "
    "reportUrl message errors { code row column }"
)


def bulk_import(client, user, file) -> dict:
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": MUTATION, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": file,
        },
        HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}",
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["productBulkImport"]


def job_query(user, job_id: str) -> dict:
    """listingImportJob through the API's schema, as the signed-in user."""
    request = RequestFactory().post("/graphql/")
    request.user = user
    result = api.schema.execute(
        f"query($id: ID!) {{ listingImportJob(id: $id) {{ {JOB_FIELDS} }} }}",
        variables={"id": job_id},
        context_value=request,
    )
    assert result.errors is None, result.errors
    return result.data["listingImportJob"]


def node_query(client, user, job_id: str):
    response = client.post(
        "/graphql/",
        data=json.dumps(
            {
                "query": "query($id: ID!) { node(id: $id) { ... on ListingImportJob "
                "{ id status createdProducts } } }",
                "variables": {"id": job_id},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}",
    )
    return response.json()["data"]["node"]


def test_api_queues_a_job_and_the_vendor_polls_it(
    client, shop, small_jobs, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data = bulk_import(client, shop.clerk, csv_file(rows(4)))
    assert data["createdProducts"] == 0 and data["totalRows"] == 4 and data["errors"] == []
    job = data["job"]
    assert job["status"] == "QUEUED" and job["totalRows"] == 4 and job["processedRows"] == 0
    polled = job_query(shop.clerk, job["id"])
    assert polled["status"] == "DONE" and polled["createdProducts"] == 4
    assert polled["processedRows"] == 4 and polled["fileName"] == "商品.csv"
    assert polled["errors"] == [] and polled["reportUrl"] is None and polled["message"] == ""
    assert node_query(client, shop.owner, job["id"])["createdProducts"] == 4
    # Another vendor's staff, a user of no vendor: not found.
    assert job_query(shop.other_owner, job["id"]) is None
    assert job_query(shop.outsider, job["id"]) is None
    assert node_query(client, shop.other_owner, job["id"]) is None


def test_api_small_file_has_no_job(client, shop):
    data = bulk_import(client, shop.owner, csv_file(rows(2)))
    assert data["createdProducts"] == 2 and data["job"] is None


def test_api_job_with_row_errors_has_the_report_url(client, shop, small_jobs):
    upload_file = csv_file([*rows(3), row(name="坏", sku="B-1", quantity="-1")])
    response = client.post(
        "/graphql/",
        {
            "operations": json.dumps(
                {
                    "query": MUTATION.replace(
                        "(file: $file)", "(file: $file, importValidRows: true)"
                    ),
                    "variables": {"file": None},
                }
            ),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": upload_file,
        },
        HTTP_AUTHORIZATION=f"Bearer {create_access_token(shop.owner)}",
    )
    data = response.json()["data"]["productBulkImport"]
    assert [e["code"] for e in data["errors"]] == ["INVALID_QUANTITY"]
    run_listing_import_task(ListingImportJob.objects.get().pk)
    polled = job_query(shop.owner, data["job"]["id"])
    assert polled["status"] == "DONE" and polled["createdProducts"] == 3
    assert polled["errors"] == [{"code": "INVALID_QUANTITY", "row": 5, "column": "库存"}]
    assert polled["reportUrl"].startswith("http://testserver/vendor/import/reports/")


# Cleanup ------------------------------------------------------------------------------------


def _age(path: str, days: int) -> None:
    stamp = (timezone.now() - datetime.timedelta(days=days)).timestamp()
    os.utime(default_storage.path(path), (stamp, stamp))


def test_cleanup_removes_files_older_than_seven_days_only(shop, small_jobs):
    client = signed_in(shop.owner)
    bad = row(name="坏", sku="B-1", price="0")
    old = job_of(upload(client, csv_file([*rows(3, "O"), bad]), valid=True))
    new = job_of(upload(client, csv_file([*rows(3, "N"), bad]), valid=True))
    for job in (old, new):
        run_listing_import_task(job.pk)
        job.refresh_from_db()
        assert job.file and job.report_token
    ListingImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    # An error report of an import made in the request: no job row, only its age.
    old_report = report_path(shop.vendor.pk, upload_report(client, "OLD"))
    new_report = report_path(shop.vendor.pk, upload_report(client, "NEW"))
    _age(old_report, 8)
    _age(new_report, 6)

    assert cleanup_listing_imports_task() == {"removed_files": 3, "failed_jobs": 0}
    old.refresh_from_db()
    assert not old.file and not old.report_token and old.created_products == 3
    assert not default_storage.exists(old_report)
    new.refresh_from_db()
    assert default_storage.exists(new.file.name)
    assert default_storage.exists(report_path(shop.vendor.pk, new.report_token))
    assert default_storage.exists(new_report)
    assert signed_in(shop.owner).get(f"{URL}jobs/{old.pk}/").status_code == 200
    # A second run finds nothing more to remove.
    assert cleanup_listing_imports_task() == {"removed_files": 0, "failed_jobs": 0}


def upload_report(client, sku: str) -> str:
    html = upload(client, csv_file([row(sku=sku, price="0")])).content.decode()
    match = re.search(r'href="/vendor/import/reports/([^"/]+)/"', html)
    assert match
    return match.group(1)


def test_cleanup_fails_a_job_whose_worker_was_lost(shop, small_jobs):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(3))))
    ListingImportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    assert cleanup_listing_imports_task()["failed_jobs"] == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED and "中断" in job.message


def test_an_unreachable_broker_fails_the_job_instead_of_a_500(
    shop, small_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_listing_import_task, "delay", broker_down)
    client = signed_in(shop.owner)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(upload(client, csv_file(rows(3))))
    job.refresh_from_db()
    assert job.status == Status.FAILED and "稍后重新上传" in job.message
    assert not Product.objects.exists()
    assert client.get(f"{URL}jobs/{job.pk}/").status_code == 200


def test_the_upload_page_lists_the_vendors_recent_jobs_only(shop, small_jobs):
    job = job_of(upload(signed_in(shop.owner), csv_file(rows(3))))
    own = signed_in(shop.clerk).get(URL).content.decode()
    assert f'href="/vendor/import/jobs/{job.pk}/"' in own and "排队中" in own
    other = signed_in(shop.other_owner).get(URL).content.decode()
    assert "/vendor/import/jobs/" not in other


def test_a_row_refused_while_writing_a_strict_file_stops_the_job(shop, small_jobs, monkeypatch):
    """Without "import valid rows", a row the checks passed but a service refused when the job
    wrote it (another import took the SKU in between): the chunk is rolled back, the job
    failed, the earlier chunk stays and the message says so."""
    from django.core.exceptions import ValidationError

    job = job_of(upload(signed_in(shop.owner), csv_file(rows(5))))
    create = imports.create_vendor_product

    def refusing_p3(**kwargs):
        if kwargs["variants"][0]["sku"] == "P-3":
            raise ValidationError({"sku": ValidationError("SKU 已被使用。", code="UNIQUE")})
        return create(**kwargs)

    monkeypatch.setattr(imports, "create_vendor_product", refusing_p3)
    assert run_listing_import_task(job.pk) == Status.FAILED
    job.refresh_from_db()
    assert sorted(Product.objects.values_list("name", flat=True)) == ["P商品0", "P商品1"]
    assert job.created_products == 2 and "此前已导入 2 个商品" in job.message
    assert job.message.startswith("有商品行在写入时被拒绝")
    assert job.errors == [
        {"message": "SKU 已被使用。", "code": "SKU_EXISTS", "row": 5, "column": "SKU"}
    ]
    assert job.report_token and default_storage.exists(
        report_path(shop.vendor.pk, job.report_token)
    )
