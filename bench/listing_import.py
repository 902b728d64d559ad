"""Bulk listing import benchmark (issue #6).

Times the import service in-process against a real PostgreSQL: for files of 100, 1,000 and
2,000 rows (two variants per product, stock in the vendor's warehouse, an origin on every
product) it measures

  validate   reading the XLSX and every check that needs no writing (backend.listings.imports
             check_rows: six bulk reads whatever the number of rows);
  import     a valid file, written (create_vendor_product per product, one transaction);
  strict-bad the same file with 1 % bad rows and no "import valid rows": checked, nothing
             written;
  valid-rows the file with 1 % bad rows imported with "import valid rows".

  request    what the upload page or productBulkImport does now with a valid file
             (backend.listings.import_jobs.start_import): the checks, and above
             SYNC_IMPORT_ROWS rows the stored file and the queued job;
  job        that job run to its end by the worker's code (run_import_job: the checks again,
             then the writes in chunks with the progress, the report, done) — timed apart.

and prints rows/s and SQL statements per row (all statements, savepoints included). The job is
not sent to the broker here: its id is taken from the enqueue hook and run in this process.

The database is its own (`countymarket_bench_import` on the server of BENCH_DATABASE_URL or
DATABASE_URL), migrated on first use; each run adds products under a new SKU prefix.

    .venv/bin/python bench/listing_import.py
    .venv/bin/python bench/listing_import.py --rows 100,1000,2000 --repeat 3
    .venv/bin/python bench/listing_import.py --rows 1000,2000 --steps request,job
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import secrets
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from _serve import bench_database_url, ensure_database

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "countymarket_bench_import"


def setup_django() -> None:
    url = bench_database_url()
    if not url:
        raise SystemExit("Set BENCH_DATABASE_URL or DATABASE_URL (a PostgreSQL server).")
    url = urlunparse(urlparse(url)._replace(path=f"/{DATABASE}"))
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def world():
    """The cooperative, its owner and warehouse, and the catalog names the rows use."""
    from backend.account.models import User
    from backend.catalog.models import (
        Attribute,
        AttributeProduct,
        AttributeValue,
        Category,
        ProductType,
    )
    from backend.channel.models import Channel
    from backend.inventory.models import Warehouse
    from backend.vendors.models import Vendor, VendorKind, VendorRole, VendorStaff, VendorStatus

    channel, _ = Channel.objects.get_or_create(slug="bench-import", defaults={"name": "灌云县馆"})
    vendor, _ = Vendor.objects.get_or_create(
        slug="bench-import-coop",
        defaults={
            "name": "伊山大米合作社（压测）",
            "kind": VendorKind.COOPERATIVE,
            "status": VendorStatus.ACTIVE,
        },
    )
    user, created = User.objects.get_or_create(email="bench-import@example.com")
    if created:
        user.set_password(secrets.token_urlsafe(16))
        user.save()
    VendorStaff.objects.get_or_create(
        user=user, defaults={"vendor": vendor, "role": VendorRole.OWNER}
    )
    warehouse, _ = Warehouse.objects.get_or_create(
        slug="bench-import-store", defaults={"name": "伊山仓（压测）", "vendor": vendor}
    )
    warehouse.channels.add(channel)
    Category.objects.get_or_create(slug="bench-rice", defaults={"name": "压测大米"})
    product_type, _ = ProductType.objects.get_or_create(
        slug="bench-grain", defaults={"name": "压测粮食", "has_variants": True}
    )
    origin, _ = Attribute.objects.get_or_create(
        slug="origin", defaults={"name": "产地", "input_type": "dropdown"}
    )
    AttributeValue.objects.get_or_create(
        attribute=origin, slug="伊山镇", defaults={"name": "伊山镇"}
    )
    AttributeProduct.objects.get_or_create(attribute=origin, product_type=product_type)
    return user, warehouse


def xlsx(rows: int, *, prefix: str, bad_every: int = 0) -> bytes:
    from openpyxl import Workbook

    from backend.listings.imports import COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.title = "商品"
    sheet.append([column.header for column in COLUMNS])
    for index in range(rows):
        product = index // 2
        price = "0" if bad_every and index % bad_every == bad_every - 1 else f"{20 + index % 50}.90"
        values = {
            "name": f"伊山大米 {prefix} {product}",
            "category": "压测大米",
            "product_type": "bench-grain",
            "sku": f"{prefix}-{index:05d}",
            "variant_name": "5kg 袋装" if index % 2 == 0 else "10kg 袋装",
            "price": price,
            "weight": "5.2" if index % 2 == 0 else "10.3",
            "quantity": str(100 + index % 17),
            "warehouse": "bench-import-store",
            "description": "当季新米，真空包装。" if index % 2 == 0 else "",
            "origin": "伊山镇" if index % 2 == 0 else "",
        }
        sheet.append([values[column.key] for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bench.xlsx", data)


def measure(action) -> tuple[float, int, object]:
    """Seconds and SQL statements (savepoints included) of one call."""
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
    return elapsed, count, result


def validate(user, data: bytes):
    from backend.listings.import_table import read_table
    from backend.listings.imports import check_rows, map_header, read_rows
    from backend.vendors.scoping import require_vendor

    table = read_table(upload(data))
    positions, problems, _readable = map_header(table.header)
    rows = read_rows(table, positions)
    check_rows(require_vendor(user), rows)
    return [problem for row in rows for problem in row.problems] + problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100,1000,2000")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median shown)")
    parser.add_argument(
        "--steps",
        default="validate,import,strict-bad,valid-rows,request,job",
        help="comma-separated steps to time",
    )
    args = parser.parse_args()
    wanted = args.steps.split(",")
    setup_django()
    from backend.listings import import_jobs
    from backend.listings.imports import import_listings

    queued: list[int] = []
    # The bench runs the job itself: nothing goes to the broker (a worker there may serve
    # another database).
    import_jobs._enqueue = queued.append  # type: ignore[assignment]

    user, _warehouse = world()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; database {DATABASE}"
    )
    print(f"{'rows':>6} {'step':<11} {'seconds':>8} {'rows/s':>8} {'SQL/row':>8}  result")
    for size in [int(n) for n in args.rows.split(",")]:
        figures: dict[str, list[tuple[float, int, str]]] = {}
        for _ in range(args.repeat):
            prefix = secrets.token_hex(3).upper()
            good = xlsx(size, prefix=prefix)
            bad = xlsx(size, prefix=prefix + "B", bad_every=100)
            queued_file = xlsx(size, prefix=prefix + "Q")
            steps = {
                "validate": partial(validate, user, good),
                "import": partial(import_listings, user=user, upload=upload(good)),
                "strict-bad": partial(import_listings, user=user, upload=upload(bad)),
                "valid-rows": partial(
                    import_listings, user=user, upload=upload(bad), import_valid_rows=True
                ),
                "request": partial(import_jobs.start_import, user=user, upload=upload(queued_file)),
                "job": lambda: import_jobs.run_import_job(queued.pop()),
            }
            for name, action in steps.items():
                if name not in wanted:
                    continue
                if name == "job" and not queued:
                    continue
                elapsed, statements, result = measure(action)
                if isinstance(result, list):
                    summary = f"{len(result)} problems"
                elif isinstance(result, str):
                    job = import_jobs.ListingImportJob.objects.latest("pk")
                    summary = (
                        f"job {result}: {job.created_products} products, "
                        f"{job.created_variants} variants, {job.error_rows} error rows"
                    )
                elif isinstance(result, tuple):
                    checked, job = result
                    summary = (
                        f"job {job.pk} queued ({job.total_rows} rows)"
                        if job
                        else f"in the request: {checked.created_products} products"
                    )
                else:
                    summary = (
                        f"{result.created_products} products, {result.created_variants} "
                        f"variants, {len(result.problems)} problems"
                    )
                figures.setdefault(name, []).append((elapsed, statements, summary))
        for name, runs in figures.items():
            elapsed = statistics.median(run[0] for run in runs)
            statements = statistics.median(run[1] for run in runs)
            print(
                f"{size:>6} {name:<11} {elapsed:>8.2f} {size / elapsed:>8.0f} "
                f"{statements / size:>8.1f}  {runs[-1][2]}"
            )


if __name__ == "__main__":
    main()
