"""Training and job figures for the county's targets (county plan target 6: 5,000 person-times
of e-commerce training and 3,000 jobs; target 10: registered low-income people included).

The read API of this app for the dashboard (backend/targets). Every window is half-open,
[start, end), of aware datetimes; callers pass Asia/Shanghai month or year boundaries. A
training person-time belongs to the moment its session starts; a job to the Shanghai calendar
day it starts (a date is in the window when its Shanghai midnight is). Each function is one or
two aggregate queries.

Demonstration rows (is_demo, the seed's 示例数据) are counted unless include_demo=False, so the
dashboard has figures on a fresh install; a real deployment does not load the demo history.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from backend.training.models import Attendance, Job, JobStatus


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("figure windows take aware datetimes")


def _attendances(start: dt.datetime, end: dt.datetime, include_demo: bool) -> QuerySet:
    _check_window(start, end)
    rows = Attendance.objects.filter(session_starts_at__gte=start, session_starts_at__lt=end)
    return rows if include_demo else rows.filter(is_demo=False)


def _first_day_on_or_after(moment: dt.datetime) -> dt.date:
    """The first Shanghai calendar day whose midnight is at or after `moment`."""
    local = moment.astimezone(_zone())
    day = local.date()
    return day if local.time() == dt.time(0) else day + dt.timedelta(days=1)


def _confirmed_jobs(start: dt.datetime, end: dt.datetime, include_demo: bool) -> QuerySet:
    _check_window(start, end)
    rows = Job.objects.filter(
        status=JobStatus.CONFIRMED,
        start_date__gte=_first_day_on_or_after(start),
        start_date__lt=_first_day_on_or_after(end),
    )
    return rows if include_demo else rows.filter(is_demo=False)


def _month_keys(start: dt.datetime, end: dt.datetime) -> list[str]:
    zone = _zone()
    first = start.astimezone(zone)
    last = end.astimezone(zone)
    year, month = first.year, first.month
    keys = []
    while (year, month) < (last.year, last.month) or (
        (year, month) == (last.year, last.month) and last > dt.datetime(year, month, 1, tzinfo=zone)
    ):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def person_times(start: dt.datetime, end: dt.datetime, *, include_demo: bool = True) -> int:
    """Attendances (人次): one per person per session, by the session's start."""
    return _attendances(start, end, include_demo).count()


def people_trained(start: dt.datetime, end: dt.datetime, *, include_demo: bool = True) -> int:
    """Distinct attendees (人数) of sessions starting in the window."""
    rows = _attendances(start, end, include_demo)
    return rows.aggregate(n=Count("attendee_id", distinct=True))["n"]


def low_income_people_trained(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> int:
    """Distinct attendees linked to a registered low-income household (建档立卡)."""
    rows = _attendances(start, end, include_demo).filter(attendee__household__isnull=False)
    return rows.aggregate(n=Count("attendee_id", distinct=True))["n"]


def jobs_created(start: dt.datetime, end: dt.datetime, *, include_demo: bool = True) -> int:
    """Confirmed jobs whose start date falls in the window."""
    return _confirmed_jobs(start, end, include_demo).count()


def low_income_jobs(start: dt.datetime, end: dt.datetime, *, include_demo: bool = True) -> int:
    """Confirmed jobs linked (with consent) to a registered low-income household."""
    return _confirmed_jobs(start, end, include_demo).filter(household__isnull=False).count()


def monthly_person_times(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> dict[str, int]:
    """{"YYYY-MM": person-times} for every Shanghai month touching the window (zeros kept)."""
    counts = dict.fromkeys(_month_keys(start, end), 0)
    rows = (
        _attendances(start, end, include_demo)
        .annotate(month=TruncMonth("session_starts_at", tzinfo=_zone()))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    for month, n in rows:
        counts[month.astimezone(_zone()).strftime("%Y-%m")] = n
    return counts


def monthly_jobs_created(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> dict[str, int]:
    """{"YYYY-MM": confirmed jobs started} for every Shanghai month touching the window."""
    counts = dict.fromkeys(_month_keys(start, end), 0)
    rows = (
        _confirmed_jobs(start, end, include_demo)
        .annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    for month, n in rows:
        counts[month.strftime("%Y-%m")] = n
    return counts


def low_income_household_ids_trained(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> set[int]:
    """Registered low-income households with a member trained in the window."""
    return set(
        _attendances(start, end, include_demo)
        .filter(attendee__household__isnull=False)
        .values_list("attendee__household_id", flat=True)
        .distinct()
    )


def low_income_household_ids_employed(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> set[int]:
    """Registered low-income households with a confirmed job starting in the window (the
    household linked with its consent)."""
    return set(
        _confirmed_jobs(start, end, include_demo)
        .filter(household__isnull=False)
        .values_list("household_id", flat=True)
        .distinct()
    )


def low_income_household_ids_trained_or_employed(
    start: dt.datetime, end: dt.datetime, *, include_demo: bool = True
) -> set[int]:
    """Households included in e-commerce through training or a confirmed job (target 10)."""
    return low_income_household_ids_trained(
        start, end, include_demo=include_demo
    ) | low_income_household_ids_employed(start, end, include_demo=include_demo)


def touched_months(since: dt.datetime) -> set[dt.date]:
    """First days of the Shanghai months whose figures changed since `since`: sessions that got
    attendance (a late import changes an old month) and jobs confirmed or rejected (a job counts
    in the month it started, which may be long before the county's decision)."""
    _check_window(since, since)
    trained = (
        Attendance.objects.filter(signed_in_at__gte=since)
        .annotate(month=TruncMonth("session_starts_at", tzinfo=_zone()))
        .values_list("month", flat=True)
        .distinct()
    )
    decided = (
        Job.objects.filter(decided_at__gte=since)
        .annotate(month=TruncMonth("start_date"))
        .values_list("month", flat=True)
        .distinct()
    )
    return {moment.astimezone(_zone()).date() for moment in trained} | set(decided)


__all__ = [
    "jobs_created",
    "low_income_household_ids_employed",
    "low_income_household_ids_trained",
    "low_income_household_ids_trained_or_employed",
    "low_income_jobs",
    "low_income_people_trained",
    "monthly_jobs_created",
    "monthly_person_times",
    "people_trained",
    "person_times",
    "touched_months",
]
