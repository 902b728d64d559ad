"""The discount part of `manage.py seed_catalog`: `catalog_seed/promotions.yaml`.

Loads the running campaign's catalogue promotion, an order promotion (满减), a voucher code that
works on the first run and a flash sale. Windows start at 00:00 (Asia/Shanghai) of the day of the
first run, so the demo shows them running. Each row goes through the same validators as the
dashboard and the API (backend/discount/management.py), so the seed cannot hold a promotion a
brand manager could not have entered.

Idempotent: a promotion or flash sale with the same name, or a voucher code that exists, is left
as it is — a rerun, or a brand manager's later edit, changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.db import transaction
from django.utils import timezone

from backend.catalog.models import Category, Collection, Product, ProductVariant
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import seed_dir
from backend.channel.models import Channel
from backend.discount import management
from backend.discount.models import (
    Promotion,
    PromotionRule,
    SpecialPrice,
    SpecialPriceKind,
    Voucher,
    VoucherCode,
)
from backend.discount.pricing import recalculate_discounted_prices
from backend.vendors.models import Vendor

SEED_FILE = "promotions.yaml"
COUNTY_ZONE = ZoneInfo("Asia/Shanghai")
BY_SLUG = {
    "channels": Channel,
    "products": Product,
    "categories": Category,
    "collections": Collection,
    "vendors": Vendor,
}


class SeedError(ValueError):
    pass


def _window(entry: dict, *, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=COUNTY_ZONE)
    start = midnight + datetime.timedelta(days=int(entry.get("start_days", 0)))
    return start, start + datetime.timedelta(days=int(entry["days"]))


def _rows(model, slugs) -> list:
    rows = list(model.objects.filter(slug__in=slugs or []))
    missing = set(slugs or []) - {row.slug for row in rows}
    if missing:
        raise SeedError(f"{SEED_FILE}: unknown {model.__name__} {sorted(missing)}")
    return rows


def _money(value) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


@transaction.atomic
def seed_discounts(*, path: Path | str | None = None, today: datetime.date | None = None):
    file = seed_dir(path) / SEED_FILE
    report = SeedReport()
    if not file.exists():
        return report
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    today = today or timezone.localtime(timezone.now(), COUNTY_ZONE).date()
    for entry in data.get("promotions") or []:
        _promotion(entry, today=today, report=report)
    for entry in data.get("vouchers") or []:
        _voucher(entry, today=today, report=report)
    for entry in data.get("flash_sales") or []:
        _flash_sale(entry, today=today, report=report)
    if report.changed:
        transaction.on_commit(recalculate_discounted_prices)
    return report


def _promotion(entry: dict, *, today, report: SeedReport) -> None:
    if Promotion.objects.filter(name=entry["name"]).exists():
        report.add("discount.promotion", "unchanged")
        return
    start, end = _window(entry, today=today)
    fields = {
        "name": entry["name"],
        "description": entry.get("description", ""),
        "type": entry["type"],
        "start_date": start,
        "end_date": end,
        "priority": int(entry.get("priority", 0)),
        "funded_by": entry["funded_by"],
        "is_active": True,
    }
    management.validate_promotion(fields)
    promotion = Promotion.objects.create(**fields)
    for rule_entry in entry.get("rules") or []:
        rule_data: dict = {
            "name": rule_entry.get("name", ""),
            "min_subtotal_amount": _money(rule_entry.get("min_subtotal")),
            "reward_value_type": rule_entry["reward_value_type"],
            "reward_value": _money(rule_entry["reward_value"]),
            "reward_type": rule_entry.get("reward_type"),
            "gift_variant": None,
        }
        for name, model in BY_SLUG.items():
            rule_data[name] = _rows(model, rule_entry.get(name))
        rule_data["variants"] = list(
            ProductVariant.objects.filter(sku__in=rule_entry.get("variants") or [])
        )
        management.validate_rule(promotion=promotion, data=rule_data)
        rule = PromotionRule.objects.create(
            promotion=promotion,
            **{key: rule_data[key] for key in management.RULE_FIELDS},
        )
        for name in management.RULE_M2M:
            getattr(rule, name).set(rule_data[name])
    report.add("discount.promotion", "created")


def _voucher(entry: dict, *, today, report: SeedReport) -> None:
    code = management.normalize_code(entry["code"])
    if VoucherCode.objects.filter(code=code).exists():
        report.add("discount.voucher", "unchanged")
        return
    start, end = _window(entry, today=today)
    data = {
        "name": entry["name"],
        "type": entry["type"],
        "discount_value_type": entry["discount_value_type"],
        "discount_value": _money(entry["discount_value"]),
        "min_spent_amount": _money(entry.get("min_spent")),
        "start_date": start,
        "end_date": end,
        "funded_by": entry["funded_by"],
        "channels": _rows(Channel, entry.get("channels")),
    }
    management.validate_voucher(data)
    management.validate_codes([code])
    voucher = Voucher.objects.create(
        **{key: value for key, value in data.items() if key in management.VOUCHER_FIELDS}
    )
    voucher.channels.set(data["channels"])
    VoucherCode.objects.create(voucher=voucher, code=code)
    report.add("discount.voucher", "created")


def _flash_sale(entry: dict, *, today, report: SeedReport) -> None:
    if SpecialPrice.objects.filter(name=entry["name"], kind=SpecialPriceKind.FLASH_SALE).exists():
        report.add("discount.flash_sale", "unchanged")
        return
    variant = ProductVariant.objects.filter(sku=entry["sku"]).first()
    if variant is None:
        raise SeedError(f"{SEED_FILE}: unknown SKU {entry['sku']}")
    [channel] = _rows(Channel, [entry["channel"]])
    start, end = _window(entry, today=today)
    data = {
        "name": entry["name"],
        "channel": channel,
        "variant": variant,
        "price_amount": _money(entry["price"]),
        "starts_at": start,
        "ends_at": end,
        "quantity_limit": entry.get("quantity_limit"),
        "per_customer_limit": entry.get("per_customer_limit"),
        "funded_by": entry["funded_by"],
        "is_active": True,
    }
    management.validate_flash_sale(data)
    SpecialPrice.objects.create(
        kind=SpecialPriceKind.FLASH_SALE, currency=channel.currency_code, **data
    )
    report.add("discount.flash_sale", "created")
