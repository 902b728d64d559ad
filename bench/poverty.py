"""Poverty-zone benchmark (issue #12): the benefit ledger written for 10,000 paid order lines,
and the county office's yearly report over 1,000,000 ledger entries.

Prepares a database of its own (`countymarket_poverty_bench` on DATABASE_URL's server, or
BENCH_POVERTY_DATABASE_URL) with the migrations, then:

1. ledger writes: a vendor, 20 weak villages with 10 households each, 8 certified products
   (purchase, employment, sales share to households and to a village collective); orders of
   one to three lines of them, 10,000 lines in all, paid: `record_payment(order)` is called
   per order, exactly as the payment hook does inside the charge transaction. Prints the total
   and per-line time and the SQL statements per order.
2. yearly report: zone sales and benefit entries are added in bulk (SQL) until the ledger
   holds 1,000,000 benefit entries spread over the year, then `yearly_report(year)` (every
   table of the staff page) and the XLSX export are timed.

    .venv/bin/python bench/poverty.py                        # 10,000 lines, 1,000,000 entries
    .venv/bin/python bench/poverty.py --lines 2000 --entries 200000
    .venv/bin/python bench/poverty.py --report-only          # the report again, same ledger
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import time
from decimal import Decimal
from pathlib import Path

from _serve import SqlCounter, own_database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def world(stamp: str):
    """A vendor, weak villages with households, certified products with a variant each."""
    from django.utils import timezone

    from backend.catalog.models import Category, Product, ProductType, ProductVariant
    from backend.channel.models import Channel
    from backend.divisions.models import Town, Village
    from backend.poverty.models import (
        Beneficiary,
        Certification,
        CertificationStatus,
        Household,
        Mechanism,
    )
    from backend.vendors.models import Vendor, VendorKind, VendorStatus

    channel = Channel.objects.order_by("pk").first() or Channel.objects.create(
        name="灌云县馆", slug=f"bench-poverty-{stamp}", currency_code="CNY", default_country="CN"
    )
    vendor = Vendor.objects.create(
        name=f"压测合作社 {stamp}",
        slug=f"bench-poverty-{stamp}",
        kind=VendorKind.COOPERATIVE,
        status=VendorStatus.ACTIVE,
    )
    code = stamp[-6:]
    town = Town.objects.create(code=f"9{code}"[:9], name=f"压测镇{stamp}", kind="镇")
    villages = [
        Village.objects.create(
            town=town, code=f"{town.code}{i:03d}", name=f"压测村{i}", is_economically_weak=True
        )
        for i in range(20)
    ]
    households = Household.objects.bulk_create(
        Household(
            reference_number=f"B{stamp}-{v}-{h}",
            village=village,
            head_name="压测户",
            members=3,
            is_fictional=True,
        )
        for v, village in enumerate(villages)
        for h in range(10)
    )
    product_type = ProductType.objects.create(name=f"压测类型{stamp}", slug=f"bench-pt-{stamp}")
    category = Category.objects.create(name=f"压测分类{stamp}", slug=f"bench-cat-{stamp}")
    start = timezone.make_aware(dt.datetime(YEAR - 1, 12, 1))
    variants = []
    mechanisms = [
        {"mechanism": Mechanism.PURCHASE, "price_per_kg": Decimal("3.20"), "kg_per_unit": 2},
        {"mechanism": Mechanism.EMPLOYMENT, "wage_per_unit": Decimal("1.50")},
        {
            "mechanism": Mechanism.SALES_SHARE,
            "share_percent": Decimal("8"),
            "share_recipient": "households",
        },
        {
            "mechanism": Mechanism.SALES_SHARE,
            "share_percent": Decimal("5"),
            "share_recipient": "village",
        },
    ]
    for index in range(8):
        product = Product.objects.create(
            product_type=product_type,
            category=category,
            vendor=vendor,
            name=f"压测扶贫商品{index}",
            slug=f"bench-poverty-{stamp}-{index}",
        )
        variants.append(ProductVariant.objects.create(product=product, sku=f"BP-{stamp}-{index}"))
        terms = dict(mechanisms[index % 4])
        village = villages[index] if terms.get("share_recipient") == "village" else None
        certification = Certification.objects.create(
            product=product,
            vendor=vendor,
            status=CertificationStatus.APPROVED,
            number=f"FP-B{stamp[-8:]}-{index}",
            valid_from=start,
            valid_until=start + dt.timedelta(days=800),
            village=village,
            **terms,
        )
        if village is not None:
            Beneficiary.objects.create(certification=certification, village=village)
        else:
            chosen = households[index * 20 : index * 20 + 4]
            Beneficiary.objects.bulk_create(
                Beneficiary(certification=certification, household=h, weight=w + 1)
                for w, h in enumerate(chosen)
            )
    return channel, vendor, variants


def paid_orders(channel, vendor, variants, lines_wanted: int, rng: random.Random):
    from backend.order.models import Order, OrderChargeStatus, OrderLine

    orders, lines = [], []
    made = 0
    while made < lines_wanted:
        count = min(rng.randint(1, 3), lines_wanted - made)
        made += count
        orders.append(Order(channel=channel, currency="CNY", charge_status=OrderChargeStatus.FULL))
        for position in range(count):
            price = Decimal(rng.randint(990, 12900)) / 100
            quantity = rng.randint(1, 5)
            lines.append(
                (
                    len(orders) - 1,
                    OrderLine(
                        variant=rng.choice(variants),
                        vendor=vendor,
                        vendor_name=vendor.name,
                        product_name="压测扶贫商品",
                        quantity=quantity,
                        unit_price_gross_amount=price,
                        unit_price_net_amount=price,
                        total_price_gross_amount=price * quantity,
                        total_price_net_amount=price * quantity,
                        undiscounted_unit_price_gross_amount=price,
                        sort_order=position,
                    ),
                )
            )
    Order.objects.bulk_create(orders, batch_size=2000)
    for index, line in lines:
        line.order = orders[index]
    OrderLine.objects.bulk_create([line for _i, line in lines], batch_size=2000)
    return orders


def bench_ledger(lines_wanted: int, rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from backend.poverty.ledger import reconciliation_problems, record_payment
    from backend.poverty.models import BenefitEntry, ZoneSale

    stamp = f"{time.time_ns()}"
    with transaction.atomic():
        channel, vendor, variants = world(stamp)
        orders = paid_orders(channel, vendor, variants, lines_wanted, rng)
    at = timezone.make_aware(dt.datetime(YEAR, 6, 15, 10))
    counter = SqlCounter()
    durations = []
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        for order in orders:
            one = time.perf_counter()
            with transaction.atomic():
                record_payment(order, at=at)
            durations.append(time.perf_counter() - one)
        total = time.perf_counter() - started
    durations.sort()
    sales = ZoneSale.objects.filter(vendor=vendor).count()
    entries = BenefitEntry.objects.filter(sale__vendor=vendor).count()
    print(f"\nledger writes: {lines_wanted} paid lines in {len(orders)} orders")
    print(
        f"  total {total:8.2f} s   {total / lines_wanted * 1000:6.2f} ms/line   "
        f"{counter.count / len(orders):5.1f} SQL/order"
    )
    print(
        f"  per order: median {durations[len(durations) // 2] * 1000:6.2f} ms,"
        f" p95 {durations[int(len(durations) * 0.95)] * 1000:6.2f} ms"
    )
    print(f"  written: {sales} zone sales, {entries} benefit entries")
    started = time.perf_counter()
    problems = reconciliation_problems(order_ids=[order.pk for order in orders])
    print(
        f"  reconciliation of these orders: {time.perf_counter() - started:6.2f} s,"
        f" {len(problems)} problems"
    )


def fill_ledger(entries_wanted: int) -> None:
    """Copy the existing zone sales over the year with SQL until there are enough entries."""
    from django.db import connection

    from backend.poverty.models import BenefitEntry

    have = BenefitEntry.objects.count()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        while have < entries_wanted:
            # New order lines are needed (one sale per line): clone lines of paid orders.
            cursor.execute(
                """
                CREATE TEMP TABLE IF NOT EXISTS bench_map (old uuid, new uuid, day int);
                TRUNCATE bench_map;
                INSERT INTO bench_map
                SELECT s.order_line_id, gen_random_uuid(), (random() * 364)::int
                FROM poverty_zonesale s WHERE s.kind = 'sale'
                LIMIT %s;
                """,
                [max(1, (entries_wanted - have) // 3)],
            )
            cursor.execute(
                """
                INSERT INTO order_orderline
                SELECT (jsonb_populate_record(l, jsonb_build_object('id', m.new))).*
                FROM bench_map m JOIN order_orderline l ON l.id = m.old
                """
            )
            cursor.execute(
                """
                WITH new_sales AS (
                  INSERT INTO poverty_zonesale (kind, order_line_id, order_id, granted_refund_id,
                    certification_id, product_id, vendor_id, mechanism, quantity, amount,
                    benefit_amount, excluded, occurred_at, created_at)
                  SELECT s.kind, m.new, s.order_id, NULL, s.certification_id, s.product_id,
                    s.vendor_id, s.mechanism, s.quantity, s.amount, s.benefit_amount, s.excluded,
                    make_timestamptz(%s, 1, 1, 4, 0, 0) + m.day * interval '1 day', now()
                  FROM bench_map m
                  JOIN poverty_zonesale s ON s.order_line_id = m.old AND s.kind = 'sale'
                  RETURNING id, order_line_id, occurred_at
                )
                INSERT INTO poverty_benefitentry (sale_id, household_id, village_id, amount,
                  excluded, occurred_at)
                SELECT n.id, e.household_id, e.village_id, e.amount, e.excluded, n.occurred_at
                FROM new_sales n
                JOIN bench_map m ON m.new = n.order_line_id
                JOIN poverty_zonesale s ON s.order_line_id = m.old AND s.kind = 'sale'
                JOIN poverty_benefitentry e ON e.sale_id = s.id
                """,
                [YEAR],
            )
            have = BenefitEntry.objects.count()
    cursor = connection.cursor()
    cursor.execute(
        "ANALYZE poverty_zonesale; ANALYZE poverty_benefitentry; ANALYZE order_orderline;"
    )
    print(
        f"\nledger filled to {have} benefit entries"
        f" ({time.perf_counter() - started:.0f} s of SQL inserts)"
    )


def bench_report() -> None:
    from django.db import connection

    from backend.poverty import export
    from backend.poverty.models import BenefitEntry, ZoneSale
    from backend.poverty.reports import yearly_report

    print(
        f"yearly report over {BenefitEntry.objects.count()} benefit entries,"
        f" {ZoneSale.objects.count()} zone sales"
    )
    for attempt in (1, 2):
        counter = SqlCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            report = yearly_report(YEAR)
            seconds = time.perf_counter() - started
        print(
            f"  report (run {attempt}) {seconds * 1000:8.0f} ms  {counter.count:3d} SQL"
            f"  sales ¥{report.sales}"
        )
    started = time.perf_counter()
    data = export.to_xlsx(report)
    print(f"  XLSX    {(time.perf_counter() - started) * 1000:8.0f} ms  {len(data) / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--report-only", action="store_true", help="time the report on the ledger already there"
    )
    args = parser.parse_args()
    setup_django(own_database_url("poverty"))
    now = dt.datetime.now(dt.UTC)
    print(f"poverty bench · {platform.node()} · {os.cpu_count()} CPUs · {now:%Y-%m-%d %H:%M} UTC")
    rng = random.Random(args.seed)
    if not args.report_only:
        bench_ledger(args.lines, rng)
        fill_ledger(args.entries)
    bench_report()


if __name__ == "__main__":
    main()
