"""Settlement benchmark (issue #6): draft and issue one vendor's monthly statement with 1,000 and
10,000 delivered lines, then export it as CSV and XLSX.

Prepares a database of its own (`countymarket_settlement_bench` on DATABASE_URL's server, or
BENCH_SETTLEMENT_DATABASE_URL) with the migrations, then creates in bulk, for a fresh vendor per
size: orders of one to three of its lines, each order one parcel picked up (or delivered) on a
random day of September 2026, and a successful refund on 5 % of the orders. Prints wall time and
SQL statements of each step.

    .venv/bin/python bench/settlement.py                  # 1,000 and 10,000 lines
    .venv/bin/python bench/settlement.py --lines 2000
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
PERIOD = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))


def measure(step):
    from django.db import connection

    counter = SqlCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = step()
    return result, time.perf_counter() - started, counter.count


def create_sales(lines_wanted: int, seed: int):
    from django.db import transaction
    from django.utils import timezone

    from backend.channel.models import Channel
    from backend.order.models import Order, OrderLine
    from backend.payment.models import TransactionEvent, TransactionEventType, TransactionItem
    from backend.routing.models import (
        DeliveryKind,
        Shipment,
        ShipmentLine,
        ShipmentStatus,
        TrackingAction,
        TrackingEvent,
    )
    from backend.vendors.models import Vendor, VendorKind, VendorStatus

    rng = random.Random(seed)
    stamp = f"{lines_wanted}-{time.time_ns()}"
    prefix = time.time_ns() // 1000 % 1_000_000  # parcel codes unique across runs
    with transaction.atomic():
        channel = Channel.objects.order_by("pk").first() or Channel.objects.create(
            name="灌云县馆", slug="bench-settlement", currency_code="CNY", default_country="CN"
        )
        vendor = Vendor.objects.create(
            name=f"压测合作社 {stamp}",
            slug=f"bench-settlement-{stamp}",
            kind=VendorKind.COOPERATIVE,
            status=VendorStatus.ACTIVE,
            commission_rate=Decimal("0.0500"),
        )
        orders, specs = [], []
        made = 0
        while made < lines_wanted:
            count = min(rng.randint(1, 3), lines_wanted - made)
            made += count
            day = PERIOD[0] + dt.timedelta(days=rng.randrange(30))
            placed = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            orders.append(Order(channel=channel, created_at=placed, currency="CNY"))
            specs.append((count, placed + dt.timedelta(hours=rng.randint(1, 10))))
        Order.objects.bulk_create(orders, batch_size=2000)
        order_lines, shipments = [], []
        for index, (order, (count, _received)) in enumerate(zip(orders, specs, strict=True)):
            total = Decimal(0)
            for position in range(count):
                price = Decimal(rng.randint(300, 9900)) / 100
                quantity = rng.randint(1, 5)
                total += price * quantity
                order_lines.append(
                    OrderLine(
                        order=order,
                        vendor=vendor,
                        vendor_name=vendor.name,
                        product_name=rng.choice(["灌云大米", "伊山莲藕", "豆丹", "粉丝", "酱油"]),
                        variant_name="500g",
                        quantity=quantity,
                        unit_price_gross_amount=price,
                        unit_price_net_amount=price,
                        total_price_gross_amount=price * quantity,
                        total_price_net_amount=price * quantity,
                        undiscounted_unit_price_gross_amount=price + (1 if position == 0 else 0),
                        sort_order=position,
                    )
                )
            order.total_gross_amount = order.total_charged_amount = total
            shipments.append(
                Shipment(
                    order=order,
                    sequence=1,
                    code=f"B{prefix:06d}{index:06d}",
                    status=ShipmentStatus.PICKED_UP,
                    delivery_kind=DeliveryKind.PICKUP,
                )
            )
        Order.objects.bulk_update(orders, ["total_gross_amount", "total_charged_amount"], 2000)
        OrderLine.objects.bulk_create(order_lines, batch_size=2000)
        Shipment.objects.bulk_create(shipments, batch_size=2000)
        by_order = {shipment.order_id: shipment for shipment in shipments}
        ShipmentLine.objects.bulk_create(
            [
                ShipmentLine(
                    shipment=by_order[line.order_id], order_line=line, quantity=line.quantity
                )
                for line in order_lines
            ],
            batch_size=2000,
        )
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(shipment=shipment, action=TrackingAction.PICKED_UP, at=received)
                for shipment, (_, received) in zip(shipments, specs, strict=True)
            ],
            batch_size=2000,
        )
        refunded = rng.sample(orders, max(1, len(orders) // 20))
        items = TransactionItem.objects.bulk_create(
            [TransactionItem(gateway="dummy", order=order) for order in refunded]
        )
        TransactionEvent.objects.bulk_create(
            [
                TransactionEvent(
                    transaction=item,
                    type=TransactionEventType.REFUND_SUCCESS,
                    amount_value=(order.total_gross_amount / 3).quantize(Decimal("0.01")),
                    created_at=order.created_at + dt.timedelta(days=1),
                )
                for item, order in zip(items, refunded, strict=True)
            ]
        )
    return vendor, len(order_lines), len(orders), len(refunded)


def run(lines_wanted: int, seed: int) -> None:
    from backend.account.models import User
    from backend.settlement import services
    from backend.settlement.export import export_csv, export_xlsx

    vendor, lines, orders, refunds = create_sales(lines_wanted, seed)
    manager = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-settlement@example.com", password=None
    )
    print(f"\n{lines} delivered lines in {orders} orders, {refunds} refunds")
    statement, seconds, queries = measure(
        lambda: services.draft_statement(
            vendor=vendor, period_start=PERIOD[0], period_end=PERIOD[1], actor=manager
        )
    )
    print(f"  draft   {seconds * 1000:8.0f} ms  {queries:4d} SQL  ({statement.line_count} lines)")
    statement, seconds, queries = measure(
        lambda: services.issue_statement(statement=statement, actor=manager)
    )
    print(f"  issue   {seconds * 1000:8.0f} ms  {queries:4d} SQL  net ¥{statement.net_amount}")
    data, seconds, queries = measure(lambda: export_csv(statement))
    print(f"  CSV     {seconds * 1000:8.0f} ms  {queries:4d} SQL  {len(data) / 1024:.0f} KiB")
    data, seconds, queries = measure(lambda: export_xlsx(statement))
    print(f"  XLSX    {seconds * 1000:8.0f} ms  {queries:4d} SQL  {len(data) / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, action="append", help="delivered lines (repeatable)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    setup_django(own_database_url("settlement"))
    now = dt.datetime.now(dt.UTC)
    print(
        f"settlement bench · {platform.node()} · {os.cpu_count()} CPUs · {now:%Y-%m-%d %H:%M} UTC"
    )
    for lines in args.lines or [1000, 10000]:
        run(lines, args.seed)


if __name__ == "__main__":
    main()
