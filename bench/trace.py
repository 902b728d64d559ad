"""Traceability benchmark (issue #14): event append rate, trace page p95 at concurrency 8, and
recall lookup time over 1,000,000 trace events.

Prepares a database of its own (`countymarket_trace_bench` on DATABASE_URL's server, or
BENCH_TRACE_DATABASE_URL) with the migrations and the county seed (which records the seeded
batches), then:

1. **Event append rate**: appends events through `append_event` (the service every recorder
   uses: it locks the batch row and links the hash chain), one transaction each, first spread
   over 50 batches from one process, then all on one hot batch.
2. **Event log of 1,000,000 rows**: 20,000 synthetic batches of the seeded variants with 50
   events each, inserted in bulk with SQL (hashes are placeholders: the chain is not what this
   measures), and 20,000 order lines on 5,000 orders, each line taking one of the first 1,000
   synthetic batches (the target batch of the recall is taken by 20 lines).
3. **Recall lookup**: `recalls.affected(batch)` — every order line, order and station that
   received the batch — repeated 50 times; and the whole `open_recall` (lookup, stock block,
   notices, holding event) in a transaction that is rolled back, 10 times.
4. **Trace page p95**: gunicorn with production settings (2 workers), 8 keep-alive clients
   requesting a seeded batch's /trace/<code>/ page (each look is also counted for copied-label
   detection, as in production).

    .venv/bin/python bench/trace.py
    .venv/bin/python bench/trace.py --requests 800 --skip-seed
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from _serve import ensure_database, manage, own_database_url, p50_p95, serve, stop

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PER_BATCH = 50
SYNTHETIC_BATCHES = 20_000
ORDERS = 5_000
LINES_PER_ORDER = 4


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def append_rate(count: int) -> tuple[float, float]:
    from django.db import transaction
    from django.utils import timezone

    from backend.trace.models import Batch
    from backend.trace.services import append_event

    batches = list(Batch.objects.order_by("pk")[:50])
    if not batches:
        raise SystemExit("no batches: run without --skip-seed first")

    def run(targets) -> float:
        started = time.perf_counter()
        for index in range(count):
            with transaction.atomic():
                append_event(
                    batch=targets[index % len(targets)],
                    biz_step="storing",
                    event_time=timezone.now(),
                    read_point_kind="warehouse",
                    read_point_name="bench",
                    source="system",
                    quantity=1,
                )
        return count / (time.perf_counter() - started)

    return run(batches), run(batches[:1])


def commit_rate(count: int) -> float:
    """The database's own pace on this machine: one-row UPDATE transactions per second (what
    an append costs at least: a row lock and a commit)."""
    from django.db import connection, transaction

    from backend.trace.models import Batch

    pk = Batch.objects.order_by("pk").values_list("pk", flat=True).first()
    started = time.perf_counter()
    for _i in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE trace_batch SET events_count = events_count WHERE id = %s", [pk])
    return count / (time.perf_counter() - started)


def build_event_log() -> dict[str, object]:
    """Bulk rows for the 1,000,000-event log; returns the recall's target batch."""
    from django.db import connection, transaction

    from backend.catalog.models import ProductVariant
    from backend.channel.models import Channel
    from backend.trace.models import Batch, TraceEvent

    if TraceEvent.objects.count() >= 1_000_000:
        return {"target": Batch.objects.filter(lot_number="BENCH-00000").first()}
    variants = list(
        ProductVariant.objects.filter(product__vendor__isnull=False).select_related("product")
    )
    channel = Channel.objects.order_by("pk").first()
    started = time.perf_counter()
    with transaction.atomic():
        _orders(channel)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO trace_batch (code, vendor_id, variant_id, lot_number, shelf_life_days,
                expires_on, packed_on, quantity, quantity_allocated, quantity_blocked, inputs,
                processing_steps, status, events_count, head_hash, created_at)
            SELECT 'B' || lpad(g::text, 9, '0'), v.vendor_id, v.variant_id,
                'BENCH-' || lpad(g::text, 5, '0'), 365, current_date + 300, current_date - 5,
                1000, 0, 0, '[]', '[]', 'active', %(per)s, md5(g::text) || md5(g::text), now()
            FROM generate_series(0, %(batches)s - 1) AS g
            JOIN (SELECT row_number() OVER (ORDER BY pv.id) - 1 AS i, pv.id AS variant_id,
                         p.vendor_id
                  FROM catalog_productvariant pv JOIN catalog_product p ON p.id = pv.product_id
                  WHERE p.vendor_id IS NOT NULL) v ON v.i = g %% %(variants)s
            """,
            {"per": EVENTS_PER_BATCH, "batches": SYNTHETIC_BATCHES, "variants": len(variants)},
        )
        cursor.execute(
            """
            INSERT INTO trace_traceevent (event_id, batch_id, sequence, event_time, time_zone,
                recorded_at, biz_step, disposition, read_point_kind, read_point_id,
                read_point_name, quantity, note, source, recorder_label, shipment_code,
                previous_hash, hash)
            SELECT gen_random_uuid(), b.id, s, now() - (s || ' hours')::interval, '+08:00', now(),
                'storing', '', 'warehouse', '', 'bench', 1, '', 'system', '', '',
                md5(b.id::text || (s - 1)::text) || md5((s - 1)::text),
                md5(b.id::text || s::text) || md5(s::text)
            FROM trace_batch b CROSS JOIN generate_series(1, %(per)s) AS s
            WHERE b.lot_number LIKE 'BENCH-%%'
            """,
            {"per": EVENTS_PER_BATCH},
        )
        cursor.execute(
            """
            WITH lines AS (SELECT ol.id, row_number() OVER (ORDER BY ol.id) - 1 AS i
                           FROM order_orderline ol WHERE ol.product_name = 'bench-line'),
                 batches AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS j FROM trace_batch
                             WHERE lot_number LIKE 'BENCH-%' ORDER BY id LIMIT 1000)
            INSERT INTO trace_batchallocation (order_line_id, batch_id, quantity, created_at)
            SELECT lines.id, batches.id, 1, now()
            FROM lines JOIN batches ON batches.j = lines.i % 1000
            """
        )
    print(f"  event log built in {time.perf_counter() - started:.1f} s")
    return {"target": Batch.objects.filter(lot_number="BENCH-00000").first()}


def _orders(channel) -> None:
    """5,000 paid orders of 4 lines each, through the ORM (bulk inserts)."""
    from decimal import Decimal

    from backend.order.models import Order, OrderLine

    orders = Order.objects.bulk_create(
        Order(
            channel=channel,
            user_email=f"bench{n}@example.com",
            user_phone=f"139{n:08d}",
            delivery_method_id="county-flat",
            shipping_method_name="bench",
            payment_gateway="dummy",
        )
        for n in range(ORDERS)
    )
    one = Decimal("1.00")
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=order,
                product_name="bench-line",
                quantity=1,
                unit_price_net_amount=one,
                unit_price_gross_amount=one,
                total_price_net_amount=one,
                total_price_gross_amount=one,
                undiscounted_unit_price_gross_amount=one,
                sort_order=k,
            )
            for order in orders
            for k in range(LINES_PER_ORDER)
        ),
        batch_size=2000,
    )


def recall_lookup(target) -> tuple[float, float, int]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from backend.trace import recalls

    timings = []
    found = 0
    for _i in range(50):
        started = time.perf_counter()
        found = len(recalls.affected(target))
        timings.append(time.perf_counter() - started)
    lookup = statistics.median(timings) * 1000
    inspector = get_user_model().objects.filter(email="inspector@guanyun.example").first()
    opened = []
    for _i in range(10):
        started = time.perf_counter()
        with transaction.atomic():
            recalls.open_recall(actor=inspector, batch=target, reason="bench")
            opened.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return lookup, statistics.median(opened) * 1000, found


def hammer(port: int, path: str, *, concurrency: int, requests: int):
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(requests // concurrency):
            started = time.perf_counter()
            conn.request("GET", path, headers={"Accept-Language": "zh-CN"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    url = own_database_url("trace")
    ensure_database(url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings", "DATABASE_URL": url}
    if not args.skip_seed:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_catalog")
    setup_django(url)
    print(f"Machine: {os.cpu_count()} cores, {platform.platform()}")
    spread, hot = append_rate(args.appends)
    print(f"Event append rate: {spread:.0f} events/s over 50 batches, {hot:.0f} events/s on one")
    print(f"  (baseline: {commit_rate(args.appends):.0f} one-row UPDATE commits/s)")
    from backend.trace.models import Batch, TraceEvent

    target = build_event_log()["target"]
    print(f"Event log: {TraceEvent.objects.count():,} events, {Batch.objects.count():,} batches")
    lookup, opened, found = recall_lookup(target)
    print(
        f"Recall lookup: {lookup:.1f} ms median for {found} order lines "
        f"(open_recall, rolled back: {opened:.1f} ms median)"
    )
    code = (
        Batch.objects.filter(variant__product__name="东王集大米")
        .exclude(lot_number__startswith="BENCH-")
        .values_list("code", flat=True)
    )
    path = f"/trace/{code.first()}/"
    # Production serves static files from the manifest storage: collect them first.
    static_root = Path(tempfile.mkdtemp(prefix="trace-static-"))
    production = {
        **env,
        "COUNTY_MARKET_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1rZXktbmV2ZXItdXNlZC1lbHNld2g=",
        "STATIC_ROOT": str(static_root),
    }
    manage(production, "collectstatic", "--noinput")
    server = serve(env, args.port, args.workers, {"STATIC_ROOT": str(static_root)})
    try:
        hammer(args.port, path, concurrency=2, requests=20)  # warm-up
        latencies, errors = hammer(
            args.port, path, concurrency=args.concurrency, requests=args.requests
        )
    finally:
        stop(server)
    p50, p95 = p50_p95(latencies)
    print(
        f"Trace page {path}: {len(latencies)} requests at concurrency {args.concurrency}, "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, {errors} errors"
    )


if __name__ == "__main__":
    main()
