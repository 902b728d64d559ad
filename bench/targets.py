"""County dashboard benchmark (issue #18): the plan's targets over 1,000,000 orders and
100,000 ledger entries; target < 1 s per page.

Prepares a database of its own (`countymarket_targets_bench` on DATABASE_URL's server, or
BENCH_TARGETS_DATABASE_URL): migrations and `seed_catalog`, then in bulk SQL
(generate_series) 1,000,000 orders spread over the last 24 months (2 % cancelled, 1 % with a
refund), 100,000 order lines of a certified product with their zone sales and benefit entries
(the benefit ledger). Then times:

1. the full refresh of 24 months (what `plan_targets --refresh --full` does) and the
   incremental refresh (the Celery beat task's job);
2. each page through Django's test client as a county office user: the summary, the ten
   target pages, the monthly report XLSX, the summary PDF and the public page.

    .venv/bin/python bench/targets.py                 # 1,000,000 orders, 100,000 ledger rows
    .venv/bin/python bench/targets.py --orders 100000 --ledger 10000
    .venv/bin/python bench/targets.py --pages-only    # the same data again
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from _serve import own_database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def fill(orders: int, ledger: int) -> None:
    """Bulk rows in SQL: orders over the last 24 months, lines of a certified product for the
    first `ledger` orders, their zone sales and one benefit entry each."""
    from django.db import connection

    from backend.poverty.models import Certification

    certification = (
        Certification.objects.filter(valid_from__isnull=False)
        .select_related("product", "vendor")
        .first()
    )
    if certification is None:
        raise SystemExit("the seed has no certified product")
    village_id = (
        certification.beneficiaries.values_list("household__village_id", flat=True).first()
        or certification.village_id
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM order_order WHERE customer_note = 'bench'")
        have = cursor.fetchone()[0]
        if have >= orders:
            print(f"orders already there: {have:,}")
            return
        started = time.monotonic()
        cursor.execute(
            """
            INSERT INTO order_order (id, created_at, updated_at, status, charge_status, user_email,
              user_phone, language_code, delivery_method_id, shipping_method_name, currency,
              shipping_price_net_amount, shipping_price_gross_amount, subtotal_net_amount,
              subtotal_gross_amount, total_net_amount, total_gross_amount, total_charged_amount,
              total_refunded_amount, weight_grams, customer_note, payment_gateway, channel_id,
              undiscounted_total_gross_amount, voucher_code)
            SELECT gen_random_uuid(), t, t,
              CASE WHEN g %% 50 = 0 THEN 'canceled' ELSE 'fulfilled' END,
              'full', '', '', 'zh-hans', '', '', 'CNY', 0, 0, a, a, a, a, a,
              CASE WHEN g %% 100 = 1 THEN round(a / 2, 2) ELSE 0 END, 0, 'bench', 'dummy',
              (SELECT id FROM channel_channel ORDER BY id LIMIT 1), a, ''
            FROM (
              SELECT g,
                now() - (g %% 730) * interval '1 day' - (g %% 86400) * interval '1 second' AS t,
                round((20 + (g %% 180))::numeric, 2) AS a
              FROM generate_series(1, %s) AS g
            ) s
            """,
            [orders - have],
        )
        print(f"orders: {orders - have:,} in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        cursor.execute(
            """
            CREATE TEMP TABLE bench_lines AS
            SELECT gen_random_uuid() AS line_id, o.id AS order_id, o.created_at,
              o.total_gross_amount AS a
            FROM order_order o WHERE o.customer_note = 'bench' AND o.status <> 'canceled'
            ORDER BY o.created_at DESC LIMIT %s
            """,
            [ledger],
        )
        cursor.execute(
            """
            INSERT INTO order_orderline (id, order_id, variant_id, vendor_id, product_name,
              variant_name, product_sku, vendor_name, is_shipping_required, quantity,
              quantity_fulfilled, currency, unit_price_net_amount, unit_price_gross_amount,
              total_price_net_amount, total_price_gross_amount,
              undiscounted_unit_price_gross_amount, tax_rate, weight_grams, sort_order,
              visit_slot, visitor_names)
            SELECT line_id, order_id, NULL, %s, %s, '', '', %s, true, 1, 1, 'CNY', a, a, a, a,
              a, 0, 0, 0, '', '[]'::jsonb
            FROM bench_lines
            """,
            [certification.vendor_id, certification.product.name, certification.vendor.name],
        )
        cursor.execute(
            """
            WITH sales AS (
              INSERT INTO poverty_zonesale (kind, order_line_id, order_id, certification_id,
                product_id, vendor_id, mechanism, quantity, amount, benefit_amount, excluded,
                occurred_at, created_at)
              SELECT 'sale', line_id, order_id, %s, %s, %s, %s, 1, a, round(a / 10, 2),
                CASE WHEN random() < 0.02 THEN 'related_account' ELSE '' END, created_at, now()
              FROM bench_lines
              RETURNING id, amount, excluded, occurred_at
            )
            INSERT INTO poverty_benefitentry (sale_id, household_id, village_id, amount,
              excluded, occurred_at)
            SELECT id, NULL, %s, round(amount / 10, 2), excluded, occurred_at FROM sales
            """,
            [
                certification.pk,
                certification.product_id,
                certification.vendor_id,
                certification.mechanism,
                village_id,
            ],
        )
        cursor.execute(
            "ANALYZE order_order; ANALYZE order_orderline; ANALYZE poverty_zonesale; "
            "ANALYZE poverty_benefitentry;"
        )
        print(f"ledger: {ledger:,} lines, sales and entries in {time.monotonic() - started:.1f} s")


def timed(label: str, call) -> float:
    started = time.monotonic()
    call()
    seconds = time.monotonic() - started
    print(f"{label:44} {seconds:8.2f} s")
    return seconds


def pages() -> dict[str, tuple[float, float]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import Client
    from django.test.utils import setup_test_environment

    from backend.targets.definitions import CODES

    setup_test_environment()
    users = get_user_model().objects
    user = users.filter(email="bench-office@example.com").first() or users.create_user(
        "bench-office@example.com", "bench-password-2026", phone="13900009999"
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client = Client()
    client.force_login(user)
    urls = {"summary": "/county/targets/"}
    urls |= {code: f"/county/targets/{code}/" for code in CODES}
    urls |= {
        "report.xlsx": "/county/targets/report.xlsx",
        "summary.pdf": "/county/targets/summary.pdf",
        "transparency": "/transparency/",
    }
    results = {}
    for name, url in urls.items():
        times = []
        for _run in range(RUNS):
            started = time.monotonic()
            response = client.get(url)
            times.append(time.monotonic() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        results[name] = (statistics.median(times), max(times))
        median, most = results[name]
        print(f"  {name:28} median {median * 1000:7.0f} ms   max {most * 1000:7.0f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--ledger", type=int, default=100_000)
    parser.add_argument("--pages-only", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    seed = not args.pages_only
    setup_django(own_database_url("targets"), migrate=seed, seed=seed)
    from backend.targets.aggregate import refresh

    if not args.pages_only:
        fill(args.orders, args.ledger)
        timed("full refresh (24 months × 10 targets)", lambda: refresh(full=True))
    timed("incremental refresh (Celery beat task)", lambda: refresh())
    print(f"pages ({RUNS} runs each):")
    results = pages()
    worst = max(results.values(), key=lambda pair: pair[0])
    print(f"slowest median: {worst[0] * 1000:.0f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()
