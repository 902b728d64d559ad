"""Template helpers of the tourism pages: a dated product's calendar."""

from __future__ import annotations

import datetime as dt

from django import template

from backend.tourism import booking, selectors

register = template.Library()
CALENDAR_DAYS = 30


@register.simple_tag
def tourism_calendar(product, days: int = CALENDAR_DAYS):
    """The next `days` days of a dated product (first slot's row per day when it has slots,
    with the slots' places added up); [] for open-dated and other products."""
    rules = selectors.rules_of(product)
    if rules is None or not rules.is_dated:
        return []
    today = booking.local_today()
    rows = booking.availability(rules, today, today + dt.timedelta(days=days - 1))
    by_day: dict[dt.date, dict] = {}
    for row in rows:
        entry = by_day.setdefault(
            row.date, {"date": row.date, "remaining": 0, "bookable": False, "reason": row.reason}
        )
        entry["remaining"] += row.remaining if row.is_bookable else 0
        entry["bookable"] = entry["bookable"] or row.is_bookable
        if row.is_bookable:
            entry["reason"] = ""
    return list(by_day.values())


@register.simple_tag
def tourism_rules(product):
    return selectors.rules_of(product)


@register.simple_tag
def tourism_variants(product):
    """The product's ticket types priced in the shop's channel: [{variant, price}]."""
    from backend.catalog.models import ProductVariantChannelListing
    from backend.storefront.selectors import current_site

    channel = current_site().channel
    if channel is None:
        return []
    rows = (
        ProductVariantChannelListing.objects.filter(
            variant__product=product, channel=channel, price_amount__isnull=False
        )
        .select_related("variant")
        .order_by("variant__sort_order", "variant__pk")
    )
    return [{"variant": row.variant, "price": row.price_amount} for row in rows]
