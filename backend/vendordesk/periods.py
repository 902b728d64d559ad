"""The month a workspace page shows: `?month=YYYY-MM`, the current month (Asia/Shanghai) when
missing or malformed. The month's dates come from settlement's periods."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from backend.settlement.periods import month_of


def month_bounds(text: str | None) -> tuple[dt.date, dt.date]:
    """First and last day of the month `text` names."""
    day = timezone.localdate()
    if text:
        try:
            year, month = (int(part) for part in text.split("-", 1))
            day = dt.date(year, month, 1)
        except ValueError:
            pass
    return month_of(day)


def previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)
