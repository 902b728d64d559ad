"""The merchandising part of `manage.py seed_catalog` (catalog_seed/merchandising.yaml), run
after the catalog, the brand and the promotions:

- rule collections (地理标志产品, 本周新品, 品牌授权产品), published in the channel and filled;
- home sections: a banner and two featured collections;
- a campaign (年货节) running from 00:00 Asia/Shanghai of the first run for 60 days, with
  the promotions of catalog_seed/promotions.yaml found by name (linked once they exist);
- a scheduled livestream (tomorrow 19:30, 2 hours) with live prices on two products.

Idempotent: rows are found by their key and left as they are, so a rerun — or a brand
manager's edit since — changes nothing; only missing rows and missing promotion links are
added. Everything goes through backend/merchandising/services.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.db import transaction
from django.utils import timezone

from backend.catalog.models import (
    Collection,
    CollectionChannelListing,
    CollectionKind,
    Product,
    ProductVariant,
)
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import seed_dir
from backend.channel.models import Channel
from backend.discount.models import Promotion
from backend.merchandising import services
from backend.merchandising.collections import refresh_rule_collection, validate_rule
from backend.merchandising.models import Campaign, HomeSection, LivestreamEvent

COUNTY_ZONE = ZoneInfo("Asia/Shanghai")
FILE = "merchandising.yaml"


def _window(entry: dict, *, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    hour, minute = (int(part) for part in str(entry.get("start_time", "00:00")).split(":"))
    day = today + datetime.timedelta(days=int(entry.get("start_days", 0)))
    start = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=COUNTY_ZONE)
    length = (
        datetime.timedelta(hours=int(entry["hours"]))
        if "hours" in entry
        else datetime.timedelta(days=int(entry.get("days", 1)))
    )
    return start, start + length


def _rule_collections(data: dict, channel: Channel, report: SeedReport) -> None:
    for entry in data.get("rule_collections", []):
        collection = Collection.objects.filter(slug=entry["slug"]).first()
        if collection is not None:
            report.add("rule_collections", "unchanged")
            continue
        collection = Collection.objects.create(
            slug=entry["slug"],
            name=entry["name"],
            description={
                "blocks": [{"type": "paragraph", "data": {"text": entry.get("description", "")}}]
            },
            kind=CollectionKind.RULE,
            rule=validate_rule(entry["rule"]),
        )
        CollectionChannelListing.objects.get_or_create(
            collection=collection, channel=channel, defaults={"is_published": True}
        )
        refresh_rule_collection(collection)
        report.add("rule_collections", "created")


def _sections(data: dict, channel: Channel, report: SeedReport) -> None:
    for entry in data.get("home_sections", []):
        if HomeSection.objects.filter(channel=channel, title=entry["title"]).exists():
            report.add("home_sections", "unchanged")
            continue
        collection = (
            Collection.objects.get(slug=entry["collection"]) if entry.get("collection") else None
        )
        services.save_home_section(
            section=None,
            data={
                "channel": channel,
                "kind": entry["kind"],
                "title": entry["title"],
                "subtitle": entry.get("subtitle", ""),
                "link_url": entry.get("link_url", ""),
                "collection": collection,
                "sort_order": entry.get("sort_order", 0),
                "is_published": True,
            },
        )
        report.add("home_sections", "created")


def _campaigns(data: dict, channel: Channel, today: datetime.date, report: SeedReport) -> None:
    for entry in data.get("campaigns", []):
        wanted = list(Promotion.objects.filter(name__in=entry.get("promotions", [])))
        campaign = Campaign.objects.filter(slug=entry["slug"]).first()
        if campaign is None:
            starts_at, ends_at = _window(entry, today=today)
            collection = (
                Collection.objects.filter(slug=entry["collection"]).first()
                if entry.get("collection")
                else None
            )
            services.save_campaign(
                campaign=None,
                data={
                    "name": entry["name"],
                    "slug": entry["slug"],
                    "headline": entry.get("headline", ""),
                    "description": entry.get("description", "").strip(),
                    "channel": channel,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "collection": collection,
                    "promotions": wanted,
                },
            )
            report.add("campaigns", "created")
            continue
        # The promotions' seed may have run after an earlier merchandising seed: link what
        # is missing, never unlink what a brand manager chose.
        linked = set(campaign.promotions.values_list("pk", flat=True))
        missing = [promotion for promotion in wanted if promotion.pk not in linked]
        if missing:
            campaign.promotions.add(*missing)
            report.add("campaigns", "updated")
        else:
            report.add("campaigns", "unchanged")


def _livestreams(data: dict, channel: Channel, today: datetime.date, report: SeedReport) -> None:
    for entry in data.get("livestreams", []):
        if LivestreamEvent.objects.filter(channel=channel, title=entry["title"]).exists():
            report.add("livestreams", "unchanged")
            continue
        starts_at, ends_at = _window(entry, today=today)
        products = list(Product.objects.filter(slug__in=entry.get("products", [])))
        variants = {
            v.sku: v for v in ProductVariant.objects.filter(sku__in=entry.get("prices", {}))
        }
        services.save_livestream_event(
            event=None,
            data={
                "title": entry["title"],
                "host_name": entry["host_name"],
                "platform": entry.get("platform", "other"),
                "stream_url": entry["stream_url"],
                "channel": channel,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "products": products,
                "prices": [
                    (variants[sku], Decimal(str(price)))
                    for sku, price in entry.get("prices", {}).items()
                    if sku in variants
                ],
                "is_published": True,
            },
        )
        report.add("livestreams", "created")


@transaction.atomic
def seed_merchandising(
    *, path: Path | str | None = None, today: datetime.date | None = None
) -> SeedReport:
    report = SeedReport()
    file = seed_dir(path) / FILE
    if not file.exists():
        return report
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    channel = Channel.objects.filter(slug=data.get("channel", "")).first()
    if channel is None:
        return report
    today = today or timezone.localtime(timezone.now(), COUNTY_ZONE).date()
    _rule_collections(data, channel, report)
    _sections(data, channel, report)
    _campaigns(data, channel, today, report)
    _livestreams(data, channel, today, report)
    return report
