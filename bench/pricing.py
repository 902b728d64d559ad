"""Pricing benchmark (issue #11): price a 50-line checkout with 20 active promotions and a voucher.

Prepares a database of its own (`countymarket_pricing_bench` on DATABASE_URL's server, or
BENCH_PRICING_DATABASE_URL) with the migrations, then creates a channel, 50 products of five
categories and five vendors with one listed variant each, 20 active promotions (15 catalogue
promotions on products, categories, vendors and variants — percentage and fixed — and 5 order
promotions, 满减, with different minimums), a flash sale, an entire-order voucher and a cart
with one line of each product carrying the code.

One pricing call is what every cart page does: `load_checkout_info(checkout).pricing()` — load
the lines with their listings, take the promotion snapshot, load the voucher and run the
stacking rule with allocation to the fen. Measured in two states:

- cold: the catalog version is bumped before each call, so the snapshot is rebuilt each time
  (the first request after any catalog or promotion change, per process);
- warm: the snapshot is reused (every other request).

Prints p50/p95 per call over --calls calls (default 300) and SQL statements per call
(CaptureQueriesContext).

    .venv/bin/python bench/pricing.py
    .venv/bin/python bench/pricing.py --calls 500

The cache is Redis database 14 when REDIS_URL is set (so the bench's version bumps never empty
a development cache), else process memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from decimal import Decimal
from pathlib import Path

from _serve import own_database_url, setup_django

ROOT = Path(__file__).resolve().parent.parent


def build(lines: int = 50):
    from datetime import timedelta

    from django.utils import timezone

    from backend.catalog.models import (
        Category,
        Product,
        ProductChannelListing,
        ProductType,
        ProductVariant,
        ProductVariantChannelListing,
    )
    from backend.channel.models import Channel
    from backend.checkout.models import Checkout, CheckoutLine
    from backend.discount.models import (
        DiscountFunding,
        Promotion,
        PromotionRule,
        PromotionType,
        RewardType,
        RewardValueType,
        SpecialPrice,
        Voucher,
        VoucherCode,
    )
    from backend.vendors.models import Vendor

    run = f"{int(time.time())}"
    now = timezone.now()
    channel = Channel.objects.create(name=f"bench {run}", slug=f"pricing-bench-{run}")
    product_type = ProductType.objects.create(
        name=f"bench {run}", slug=f"pricing-bench-{run}", tax_rate=Decimal("0.09")
    )
    categories = [
        Category.objects.create(name=f"bench {run} {i}", slug=f"pricing-bench-{run}-{i}")
        for i in range(5)
    ]
    vendors = list(Vendor.objects.all()[:5])
    if len(vendors) < 5:
        from tests.factories import VendorFactory

        vendors = [VendorFactory() for _ in range(5)]
    variants = []
    for i in range(lines):
        product = Product.objects.create(
            product_type=product_type,
            category=categories[i % 5],
            vendor=vendors[i % 5],
            name=f"商品 {i}",
            slug=f"pricing-bench-{run}-{i}",
        )
        variant = ProductVariant.objects.create(product=product, sku=f"PB-{run}-{i}")
        price = Decimal(10 + (i * 7) % 90) + Decimal("0.90")
        ProductChannelListing.objects.create(
            product=product,
            channel=channel,
            is_published=True,
            published_at=now - timedelta(days=1),
            visible_in_listings=True,
            available_for_purchase_at=now - timedelta(days=1),
            discounted_price_amount=price,
        )
        ProductVariantChannelListing.objects.create(
            variant=variant, channel=channel, price_amount=price, discounted_price_amount=price
        )
        variants.append(variant)

    def promo(index, type_, **rule):
        p = Promotion.objects.create(
            name=f"促销 {index}",
            type=type_,
            start_date=now - timedelta(days=1),
            end_date=now + timedelta(days=30),
            priority=index % 3,
            funded_by=list(DiscountFunding.values)[index % 3],
        )
        targets = {
            k: rule.pop(k) for k in ("products", "categories", "vendors", "variants") if k in rule
        }
        r = PromotionRule.objects.create(promotion=p, **rule)
        r.channels.add(channel)
        for name, objects in targets.items():
            getattr(r, name).add(*objects)

    for i in range(15):
        value_type = RewardValueType.PERCENTAGE if i % 2 else RewardValueType.FIXED
        value = Decimal(5 + i) if i % 2 else Decimal("2.00") + i
        target = [
            {"products": [v.product for v in variants[i::15]]},
            {"categories": [categories[i % 5]]},
            {"vendors": [vendors[i % 5]]},
            {"variants": variants[i * 3 : i * 3 + 4]},
        ][i % 4]
        promo(
            i, PromotionType.CATALOGUE, reward_value_type=value_type, reward_value=value, **target
        )
    for i in range(5):
        promo(
            15 + i,
            PromotionType.ORDER,
            reward_type=RewardType.SUBTOTAL_DISCOUNT,
            reward_value_type=RewardValueType.FIXED,
            reward_value=Decimal(10 * (i + 1)),
            min_subtotal_amount=Decimal(200 * (i + 1)),
        )
    SpecialPrice.objects.create(
        name="秒杀",
        channel=channel,
        variant=variants[0],
        price_amount=Decimal("1.90"),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
        quantity_limit=1000,
    )
    voucher = Voucher.objects.create(
        name="全场券",
        discount_value_type=RewardValueType.PERCENTAGE,
        discount_value=Decimal("5"),
        start_date=now - timedelta(days=1),
    )
    voucher.channels.add(channel)
    code = f"BENCH{run}"[-32:]
    VoucherCode.objects.create(voucher=voucher, code=code)
    checkout = Checkout.objects.create(
        channel=channel, currency="CNY", phone="13800000000", voucher_code=code
    )
    CheckoutLine.objects.bulk_create(
        [
            CheckoutLine(checkout=checkout, variant=v, quantity=1 + i % 3)
            for i, v in enumerate(variants)
        ]
    )
    return checkout


def measure(checkout, calls: int, *, cold: bool):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.catalog.cache import bump_catalog_version
    from backend.checkout.calculations import load_checkout_info

    times, statements = [], []
    result = None
    for _ in range(calls):
        if cold:
            bump_catalog_version()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = load_checkout_info(checkout).pricing()
            times.append(time.perf_counter() - started)
        statements.append(len(captured.captured_queries))
    times.sort()
    p50 = statistics.median(times) * 1000
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    return p50, p95, statistics.median(statements), max(statements), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()
    setup_django(own_database_url("pricing"), redis_db=14)
    checkout = build(args.lines)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"checkout: {args.lines} lines, 20 active promotions (15 catalogue, 5 order), "
        "1 flash sale, 1 voucher"
    )
    # One warm-up call (imports, connection).
    measure(checkout, 1, cold=True)
    for label, cold in (("cold (snapshot rebuilt)", True), ("warm (snapshot reused)", False)):
        p50, p95, sql, sql_max, result = measure(checkout, args.calls, cold=cold)
        print(
            f"{label:26} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  SQL/call {sql:.0f} (max {sql_max})"
        )
    assert result is not None
    print(
        f"priced: subtotal {result.subtotal.gross.amount} (list {result.undiscounted_subtotal}), "
        f"order promotion {result.order_promotion.amount if result.order_promotion else 0}, "
        f"voucher {result.voucher.amount if result.voucher else 0}, "
        f"total {result.total.gross.amount}"
    )


if __name__ == "__main__":
    main()
