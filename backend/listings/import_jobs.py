"""Large bulk listing imports as a background job (issue #6).

Writing goes through the listing and catalog services, about 36 SQL statements per row (some
24 rows a second): a file of 2,000 rows takes over a minute, longer than a proxy waits or a
farmer on a weak connection watches a blank page. The checks alone take well under a second.

So the upload page and `productBulkImport` check the file in the request, exactly as before,
and answer its problems at once. When something is to be written:
- up to SYNC_IMPORT_ROWS rows are written in the request, as before;
- more are a `ListingImportJob`: the file is stored, the job queued after the request's
  transaction commits (`backend.listings.tasks.run_listing_import_task`), and the vendor sent
  to /vendor/import/jobs/<pk>/, which refreshes itself until the job is finished.

The worker (`run_import_job`) checks the stored file again (the catalog may have changed in
the meantime: a SKU taken since, a warehouse removed), then writes the products CHUNK_ROWS
rows at a time, each chunk in its own transaction together with the job's progress, so the
status page shows it moving. The rules are those of the synchronous import:
- without "import valid rows", a file with any problem on the second check imports nothing;
- with it, the valid rows are imported and the others listed (and in the error report).

What a failure leaves: the chunks committed before it stay imported (draft listings of the
vendor, never on sale until reviewed) and are counted in the job's created_products and
created_variants; the failing chunk is rolled back whole; the rows after it are not imported.
The job is then `failed` with a message in Chinese saying what was imported. That happens
when a chunk raises unexpectedly, or when — without "import valid rows" — a service refuses a
row the checks had passed (a SKU taken by someone else between the check and the write):
the earlier chunks cannot be taken back then, and the message says so.

A job runs once: the task locks the job row and goes on only if it is `queued`, so a duplicate
delivery, a retry or a second call is a no-op. A worker killed mid-job leaves it `running`;
`cleanup_listing_imports` marks such a job failed after STALE_RUNNING_HOURS.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.listings.import_report import REPORT_DIR, report_path
from backend.listings.imports import (
    ImportResult,
    check_import,
    record_import,
    store_report_if_needed,
    write_groups,
    write_import,
)
from backend.listings.models import ListingImportJob, ListingImportJobStatus

logger = logging.getLogger(__name__)

# Files with more rows to write than this are imported by a background job.
SYNC_IMPORT_ROWS = 50
# Rows written per transaction by the job (whole products: a chunk may run a little over).
CHUNK_ROWS = 100
# Problems kept on the job row for the status page and the API; the report has them all.
MAX_STORED_ERRORS = 500
# Uploaded files and error reports are removed after this many days.
KEEP_DAYS = 7
# A job still `running` after this long lost its worker.
STALE_RUNNING_HOURS = 2

Status = ListingImportJobStatus


class _Refused(Exception):
    """A service refused a row of a file imported without "import valid rows"."""


def problem_dicts(result: ImportResult) -> list[dict]:
    return [
        {
            "message": problem.message,
            "code": str(problem.code),
            "row": problem.row,
            "column": problem.column,
        }
        for problem in result.problems[:MAX_STORED_ERRORS]
    ]


def start_import(
    *, user, upload, import_valid_rows: bool = False
) -> tuple[ImportResult, ListingImportJob | None]:
    """Check `upload` in this request; write it here when it is small, or queue a job.

    Returns the checked result and the job (None when nothing was queued: the result is then
    final, as `import_listings` gives it). Raises ValidationError (NOT_VENDOR_STAFF,
    VENDOR_INACTIVE) like `import_listings`."""
    result = check_import(user=user, upload=upload, import_valid_rows=import_valid_rows)
    if result.rows_to_import <= SYNC_IMPORT_ROWS:
        if result.groups:
            write_import(result, user=user)
        store_report_if_needed(result)
        return result, None
    upload.seek(0)
    with transaction.atomic():
        job = ListingImportJob(
            vendor=result.vendor,
            created_by=user,
            original_name=result.file_name[:255],
            import_valid_rows=import_valid_rows,
            total_rows=result.total_rows,
            processed_rows=0,
            error_rows=result.error_rows,
            errors=problem_dicts(result),
            error_count=len(result.problems),
        )
        job.file.save(result.file_name or "import", ContentFile(upload.read()), save=False)
        job.save()
        transaction.on_commit(partial(_enqueue, job.pk))
    return result, job


def _enqueue(job_id: int) -> None:
    """Send the job to the workers. The request has committed by now: should the broker be
    unreachable, the job is failed (the vendor sees why and uploads again) rather than the
    page answering 500 with a job queued nowhere."""
    from backend.listings.tasks import run_listing_import_task

    try:
        run_listing_import_task.delay(job_id)
    except Exception:
        logger.exception("Listing import job %s could not be queued", job_id)
        job = ListingImportJob.objects.filter(pk=job_id, status=Status.QUEUED).first()
        if job is not None:
            _fail(job, _("暂时无法开始导入，请稍后重新上传。"))


def _claim(job_id: int) -> ListingImportJob | None:
    """The job, marked running, if it was queued; None otherwise (already run or running)."""
    with transaction.atomic():
        job = (
            ListingImportJob.objects.select_for_update(of=("self",))
            .select_related("vendor", "created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != Status.QUEUED:
            return None
        job.status = Status.RUNNING
        job.started_at = timezone.now()
        job.message = ""
        job.save(update_fields=["status", "started_at", "message"])
    return job


def run_import_job(job_id: int) -> str:
    """Run a queued job to its end; returns its status ("skipped" when it was not queued).

    Never raises for a failing import: the job is marked failed with the reason."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        _run(job)
    except Exception:  # the job must end, whatever went wrong
        logger.exception("Listing import job %s failed", job_id)
        _fail(job, _("导入意外中断。"), say_imported=True)
    job.refresh_from_db()
    return job.status


def _run(job: ListingImportJob) -> None:
    user = job.created_by
    try:
        if not job.file:
            raise ValidationError(_("上传的文件已不在了，请重新上传。"), code="FILE_REQUIRED")
        with job.file.open("rb") as handle:
            result = check_import(user=user, upload=handle, import_valid_rows=job.import_valid_rows)
    except ValidationError as error:
        _fail(job, "；".join(error.messages))
        return
    if result.vendor.pk != job.vendor_id:
        # The uploader now works for another vendor: never import into that one.
        _fail(job, _("上传人已不是本商家的员工，未导入。"))
        return
    result.file_name = job.original_name
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows - result.rows_to_import
    job.save(update_fields=["total_rows", "processed_rows"])
    chunk: list = []
    for group in result.groups:
        chunk.append(group)
        if sum(len(g) for g in chunk) >= CHUNK_ROWS:
            if not _write_chunk(job, result, chunk, user=user):
                return
            chunk = []
    if chunk and not _write_chunk(job, result, chunk, user=user):
        return
    store_report_if_needed(result)
    with transaction.atomic():
        record_import(result, user=user, job_id=job.pk)
        job.status = Status.DONE
        job.finished_at = timezone.now()
        job.processed_rows = job.total_rows
        job.error_rows = result.error_rows
        job.errors = problem_dicts(result)
        job.error_count = len(result.problems)
        job.report_token = result.report_token or ""
        job.save()
    _tell_uploader(job)


def _write_chunk(job: ListingImportJob, result: ImportResult, chunk, *, user) -> bool:
    """Write one chunk with the job's progress in one transaction; False (and the job failed)
    when a service refused a row of a file imported without "import valid rows"."""
    counts = (result.created_products, result.created_variants)
    try:
        with transaction.atomic():
            if not write_groups(result, user=user, groups=chunk):
                raise _Refused
            job.processed_rows += sum(len(group) for group in chunk)
            job.created_products = result.created_products
            job.created_variants = result.created_variants
            job.save(update_fields=["processed_rows", "created_products", "created_variants"])
    except _Refused:
        result.created_products, result.created_variants = counts
        for group in chunk:
            for row in group:
                row.imported = False
        store_report_if_needed(result)
        job.errors = problem_dicts(result)
        job.error_count = len(result.problems)
        job.error_rows = result.error_rows
        job.report_token = result.report_token or ""
        job.save(update_fields=["errors", "error_count", "error_rows", "report_token"])
        _fail(job, _("有商品行在写入时被拒绝（见下方问题）。"), say_imported=True)
        return False
    return True


def _imported_so_far(job: ListingImportJob) -> str:
    if not job.created_products:
        return _("没有导入任何商品。")
    return _(
        "此前已导入 %(products)d 个商品（%(variants)d 个规格，均为草稿），其余行未导入；"
        "请勿重复上传已导入的行。"
    ) % {"products": job.created_products, "variants": job.created_variants}


def _fail(job: ListingImportJob, message: str, *, say_imported: bool = False) -> None:
    """Mark the job failed; the counts are those of the chunks committed. `say_imported`
    adds what those chunks imported to the message."""
    with transaction.atomic():
        current = ListingImportJob.objects.select_for_update().get(pk=job.pk)
        if say_imported:
            message += _imported_so_far(current)
        current.status = Status.FAILED
        current.message = message
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "message", "finished_at"])
    job.refresh_from_db()
    _tell_uploader(job)


def _tell_uploader(job: ListingImportJob) -> None:
    """An SMS to the uploader when the job is finished (they may have closed the page)."""
    from backend.account.sms import send_sms
    from backend.brand.signature import signed

    phone = getattr(job.created_by, "phone", "") if job.created_by else ""
    if not phone:
        return
    if job.status == Status.DONE:
        message = _(
            "商品导入已完成：导入 %(products)d 个商品，%(errors)d 行有错误。请到商家工作台查看。"
        ) % {"products": job.created_products, "errors": job.error_rows}
    else:
        message = _("商品导入未完成，请到商家工作台查看原因。")
    try:
        send_sms(phone=str(phone), message=signed(message))
    except Exception:  # an SMS failure must not turn a finished job into a failed one
        logger.exception("SMS for listing import job %s failed", job.pk)


# Cleanup --------------------------------------------------------------------------------------


def cleanup_listing_imports(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove uploaded files and error reports older than KEEP_DAYS (those of jobs and those
    of imports made in the request), and fail jobs whose worker was lost.

    The job rows stay, without their file and report: the vendor still sees what was
    imported. Returns how many files were removed and jobs failed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=KEEP_DAYS)
    removed = 0
    for job in ListingImportJob.objects.filter(created_at__lt=cutoff).exclude(
        file="", report_token=""
    ):
        if job.file:
            job.file.delete(save=False)
            removed += 1
        if job.report_token:
            path = report_path(job.vendor_id, job.report_token)
            if path and default_storage.exists(path):
                default_storage.delete(path)
                removed += 1
        job.file = ""
        job.report_token = ""
        job.save(update_fields=["file", "report_token"])
    removed += _remove_old_files(REPORT_DIR, cutoff)
    stale = 0
    lost = ListingImportJob.objects.filter(
        status=Status.RUNNING,
        started_at__lt=now - datetime.timedelta(hours=STALE_RUNNING_HOURS),
    )
    for job in lost:
        _fail(job, _("导入任务中断（处理程序已停止）。"), say_imported=True)
        stale += 1
    return {"removed_files": removed, "failed_jobs": stale}


def _remove_old_files(folder: str, cutoff: datetime.datetime) -> int:
    """Files under `folder` (any depth) last changed before `cutoff`."""
    if not default_storage.exists(folder):
        return 0
    removed = 0
    folders, files = default_storage.listdir(folder)
    for name in files:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    for name in folders:
        removed += _remove_old_files(f"{folder}/{name}", cutoff)
    return removed
