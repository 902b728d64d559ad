"""Statement periods: calendar dates in Asia/Shanghai (settings.TIME_ZONE), inclusive.

A period from 2026-03-01 to 2026-03-31 covers what happened from 2026-03-01 00:00 to
2026-04-01 00:00 Beijing time; stored times are UTC and compared with these bounds."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month containing `day`: (first day, last day)."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def previous_month(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Last month, as the county sees the calendar (Asia/Shanghai)."""
    today = timezone.localdate(now or timezone.now())
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def start_of(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def bounds(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of an inclusive date period as aware datetimes."""
    return start_of(period_start), start_of(period_end + dt.timedelta(days=1))
