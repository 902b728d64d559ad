"""Months in the county's zone (Asia/Shanghai): an order at 2026-01-01 00:30 +08:00 belongs to
January 2026 although it is still 31 December in UTC (DESIGN.md: shown and evaluated in the
county's zone)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class BadMonth(ValueError):
    """A month that is not YYYY-MM, or outside 2000-01 … the current month."""


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_today() -> dt.date:
    return timezone.localdate(timezone=zone())


def current_month() -> dt.date:
    return zone_today().replace(day=1)


def parse_month(text: str | None) -> dt.date:
    """YYYY-MM → the month's first day; None or "" → the current month."""
    if not text:
        return current_month()
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        raise BadMonth("month must be YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        raise BadMonth("month must be YYYY-MM from 2000-01")
    first = dt.date(year, month, 1)
    if first > current_month():
        raise BadMonth("month lies in the future")
    return first


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) of `month`, aware, in the county's zone."""
    tz = zone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = add_months(month, 1)
    return start, dt.datetime(following.year, following.month, 1, tzinfo=tz)


def year_start(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, 1, 1, tzinfo=zone())


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def label(month: dt.date) -> str:
    return f"{month:%Y-%m}"
