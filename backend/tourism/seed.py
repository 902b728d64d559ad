"""The tourism part of `manage.py seed_catalog` (catalog_seed/tourism.yaml), run after the
catalog: venues, each tourism product's booking rules and ticket types, dated capacity for the
next days, blackout days, and the demo venue staff account.

Idempotent: rows are matched by slug / product / SKU / (product, date, slot) and only missing
ones are created (a capacity row keeps what it has sold; rules edited on the dashboard since
are left alone), so a rerun on a live database changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from backend.catalog.models import Product, ProductVariant
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import read_seed_yaml
from backend.tourism import booking
from backend.tourism.models import (
    BlackoutDate,
    Capacity,
    TicketType,
    TourismProduct,
    Venue,
    VenueStaff,
)
from backend.vendors.models import Vendor

RULE_FIELDS = (
    "booking_mode",
    "max_per_order",
    "validity_days",
    "requires_visitor_names",
    "free_cancel_hours",
    "expiry_policy",
)


def _data(path) -> dict:
    return read_seed_yaml(path, "tourism.yaml")


@transaction.atomic
def seed_tourism(*, path: Path | str | None = None, today: dt.date | None = None) -> SeedReport:
    report = SeedReport()
    data = _data(path)
    today = today or booking.local_today()
    days = int(data.get("capacity_days", 60))
    for item in data.get("venues", []):
        venue = _venue(item, report)
        for rules_data in item.get("products", []):
            _product(venue, rules_data, report, today=today, days=days)
    for item in data.get("staff", []):
        _staff(item, report)
    return report


def _venue(item: dict, report: SeedReport) -> Venue:
    vendor = Vendor.objects.filter(slug=item.get("vendor", "")).first()
    venue, created = Venue.objects.get_or_create(
        slug=item["slug"],
        defaults={
            "name": item["name"],
            "kind": item["kind"],
            "grade": item.get("grade", ""),
            "vendor": vendor,
            "town": item.get("town", ""),
            "address": item.get("address", ""),
            "opening_hours": item.get("opening_hours", ""),
            "phone": str(item.get("phone", "")),
            "commission_rate": Decimal(item.get("commission_rate", "0")),
            "settlement_account_name": item.get("settlement_account_name", ""),
            "description": item.get("description", ""),
        },
    )
    report.add("tourism_venues", "created" if created else "unchanged")
    return venue


def _product(venue: Venue, item: dict, report: SeedReport, *, today: dt.date, days: int) -> None:
    product = Product.objects.filter(slug=item["product"]).first()
    if product is None:
        return
    defaults = {field: item[field] for field in RULE_FIELDS if field in item}
    cutoff = item.get("same_day_cutoff")
    defaults.update(
        venue=venue,
        slots=list(item.get("slots", [])),
        same_day_cutoff=dt.time.fromisoformat(cutoff) if cutoff else None,
        default_capacity=int(item.get("daily_capacity", 0)),
        cancel_fee_rate=Decimal(item.get("cancel_fee_rate", "0")),
    )
    rules, created = TourismProduct.objects.get_or_create(product=product, defaults=defaults)
    report.add("tourism_products", "created" if created else "unchanged")
    for sku, ticket in (item.get("tickets") or {}).items():
        variant = ProductVariant.objects.filter(sku=sku, product=product).first()
        if variant is None:
            continue
        _, made = TicketType.objects.get_or_create(
            variant=variant,
            defaults={
                "kind": ticket["kind"],
                "uses": int(ticket.get("uses", 1)),
                "people": int(ticket.get("people", 1)),
            },
        )
        report.add("tourism_ticket_types", "created" if made else "unchanged")
    if not rules.is_dated:
        return
    closed_weekdays = set(item.get("blackout_weekdays") or [])
    dates = [today + dt.timedelta(days=n) for n in range(days)]
    closed = set(
        BlackoutDate.objects.filter(tourism_product=rules, date__in=dates).values_list(
            "date", flat=True
        )
    )
    blackouts = [
        BlackoutDate(tourism_product=rules, date=d, reason="每周例行检修")
        for d in dates
        if d.weekday() in closed_weekdays and d not in closed
    ]
    BlackoutDate.objects.bulk_create(blackouts, ignore_conflicts=True)
    report.add("tourism_blackout_dates", "created", len(blackouts))
    existing = set(
        Capacity.objects.filter(tourism_product=rules, date__in=dates).values_list("date", "slot")
    )
    missing = [
        Capacity(tourism_product=rules, date=d, slot=slot, capacity=rules.default_capacity)
        for d in dates
        for slot in (rules.slots or [""])
        if (d, slot) not in existing
    ]
    Capacity.objects.bulk_create(missing, ignore_conflicts=True)
    report.add("tourism_capacity_days", "created", len(missing))
    report.add("tourism_capacity_days", "unchanged", len(existing))


def _staff(item: dict, report: SeedReport) -> None:
    users = get_user_model().objects
    user = users.filter(email=item["email"]).first()
    if user is None:
        user = users.create_user(item["email"], item["password"], phone=str(item["phone"]))
        name = item.get("name", "")
        if name and hasattr(user, "first_name"):
            user.first_name = name[:150]
            user.save(update_fields=["first_name"])
        report.add("tourism_staff", "created")
    else:
        report.add("tourism_staff", "unchanged")
    for slug in item.get("venues", []):
        venue = Venue.objects.filter(slug=slug).first()
        if venue is not None:
            VenueStaff.objects.get_or_create(venue=venue, user=user)
