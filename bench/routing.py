"""Routing benchmark (issue #4): plan 10,000 paid orders over the seeded station network.

Prepares a database of its own (`countymarket_routing_bench` on DATABASE_URL's server, or
BENCH_ROUTING_DATABASE_URL) with the migrations and the county seed (stations included), then
creates the paid orders in bulk directly in the database: one to three lines each on seeded
variants that need shipping, delivered to a random seeded village — 60% station pickup at a
station serving that village or its town, 30% home delivery, 10% express out of the county.
Stock is topped up first so that every order can be routed (cold-chain goods bound for a
station without cold chain are still held, as the planner must do).

Then it calls `plan_order` for each order, one transaction each, as the Celery task does, and
prints orders routed per second, the bench process's CPU time per order, SQL statements per
order (min/mean/max), parcels, splits and holds.

    .venv/bin/python bench/routing.py                 # 10,000 orders
    .venv/bin/python bench/routing.py --orders 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from _serve import own_database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent
MARKER = "bench-routing"


def create_orders(count: int, seed: int) -> list:
    from django.db import connection, transaction
    from django.db.models import F

    from backend.account.models import Address
    from backend.catalog.models import ProductVariant
    from backend.channel.models import Channel
    from backend.divisions.models import Village
    from backend.inventory.models import Stock
    from backend.order.models import Order, OrderChargeStatus, OrderLine, OrderStatus
    from backend.stations.models import Station, StationStatus

    rng = random.Random(seed)
    channel = Channel.objects.order_by("pk").first()
    assert channel is not None, "the seed has no channel"
    variants = list(
        ProductVariant.objects.filter(
            product__product_type__is_shipping_required=True,
            stocks__warehouse__channels=channel,
        )
        .select_related("product")
        .distinct()
        .order_by("pk")
    )
    villages = list(Village.objects.select_related("town").order_by("pk"))
    pickup_by_town: dict[int, list[str]] = {}
    for station in Station.objects.filter(
        status=StationStatus.ACTIVE, capabilities__contains=["pickup"]
    ).order_by("code"):
        pickup_by_town.setdefault(station.town_id or 0, []).append(station.code)
    with transaction.atomic():
        Order.objects.filter(customer_note=MARKER).delete()
        Stock.objects.filter(product_variant__in=variants).update(
            quantity=F("quantity_allocated") + 10_000_000
        )
        addresses = []
        methods = []
        for _ in range(count):
            village = rng.choice(villages)
            draw = rng.random()
            if draw < 0.6:
                codes = pickup_by_town.get(village.town_id) or pickup_by_town.get(0) or []
                methods.append(f"pickup:{rng.choice(codes)}" if codes else "county-flat")
            elif draw < 0.9:
                methods.append("county-flat")
            else:
                methods.append("express-weight")
                village = None
            addresses.append(
                Address(
                    full_name="测试买家",
                    phone="13800000000",
                    country_area="江苏省",
                    city="连云港市" if village else "南京市",
                    city_area="灌云县" if village else "玄武区",
                    town=village.town if village else None,
                    village=village,
                    town_name=village.town.name if village else "",
                    village_name=village.name if village else "",
                    street_address="测试路 1 号",
                )
            )
        addresses = Address.objects.bulk_create(addresses, batch_size=2000)
        orders = Order.objects.bulk_create(
            [
                Order(
                    channel=channel,
                    status=OrderStatus.UNFULFILLED,
                    charge_status=OrderChargeStatus.FULL,
                    user_phone="13800000000",
                    shipping_address=address,
                    delivery_method_id=method,
                    payment_gateway="dummy",
                    customer_note=MARKER,
                    total_gross_amount=Decimal("50.00"),
                    total_charged_amount=Decimal("50.00"),
                )
                for address, method in zip(addresses, methods, strict=True)
            ],
            batch_size=2000,
        )
        lines = []
        for order in orders:
            for index, variant in enumerate(rng.sample(variants, rng.randint(1, 3))):
                lines.append(
                    OrderLine(
                        order=order,
                        variant=variant,
                        product_name=variant.product.name,
                        variant_name=variant.name,
                        product_sku=variant.sku,
                        quantity=rng.randint(1, 3),
                        unit_price_net_amount=Decimal("10.00"),
                        unit_price_gross_amount=Decimal("10.90"),
                        total_price_net_amount=Decimal("10.00"),
                        total_price_gross_amount=Decimal("10.90"),
                        undiscounted_unit_price_gross_amount=Decimal("10.90"),
                        sort_order=index,
                    )
                )
        OrderLine.objects.bulk_create(lines, batch_size=5000)
    # Fresh statistics for the bulk-loaded tables, as after any large import.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    setup_django(own_database_url("routing"), seed=True)
    from django.db import connection

    from backend.routing.models import Shipment, ShipmentStatus
    from backend.routing.services import plan_order

    started = time.perf_counter()
    orders = create_orders(args.orders, args.seed)
    print(f"created {len(orders)} paid orders in {time.perf_counter() - started:.1f} s")

    statements: list[int] = []
    current = [0]

    def count(execute, sql, params, many, context):
        current[0] += 1
        return execute(sql, params, many, context)

    outcomes: Counter[str] = Counter()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        cpu_started = time.process_time()
        for order in orders:
            current[0] = 0
            result = plan_order(order=order)
            statements.append(current[0])
            if result.hold_reason:
                outcomes["held"] += 1
            else:
                outcomes[f"{len(result.shipments)} parcel(s)"] += 1
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started

    parcels = Shipment.objects.filter(order__customer_note=MARKER).exclude(
        status=ShipmentStatus.HELD
    )
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"routed {len(orders)} orders in {elapsed:.1f} s: {len(orders) / elapsed:.0f} orders/s")
    print(f"bench process CPU: {cpu / len(orders) * 1000:.1f} ms per order (the rest is waiting)")
    print(
        f"SQL statements per order: min {min(statements)}, "
        f"mean {sum(statements) / len(statements):.1f}, max {max(statements)}"
    )
    print(f"parcels planned: {parcels.count()}; outcomes: {dict(sorted(outcomes.items()))}")


if __name__ == "__main__":
    main()
