"""A station's week schedule: `{"mon": [["08:00", "18:00"]], ...}`, read in the county's zone.

Days are the English three-letter names (mon … sun); each holds a list of [open, close]
intervals in 24-hour "HH:MM" local time. A day that is missing or empty is a closing day;
"24:00" closes at midnight. Intervals do not cross midnight: a night shift is written as two
intervals on two days. Times are local to Asia/Shanghai (DESIGN.md: schedules are evaluated in
the county's zone), whatever zone the moment asked about is in.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COUNTY_ZONE = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")

Schedule = dict[str, list[list[str]]]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def validate_schedule(schedule: object) -> None:
    """Raise ValidationError(code="invalid_opening_hours") unless `schedule` is well formed."""
    if not isinstance(schedule, dict):
        raise ValidationError(_("营业时间应为按星期排列的时间段。"), code="invalid_opening_hours")
    for day, intervals in schedule.items():
        if day not in DAYS:
            raise ValidationError(
                _("营业时间中的星期 %(day)s 无法识别。"),
                code="invalid_opening_hours",
                params={"day": day},
            )
        if not isinstance(intervals, list):
            raise ValidationError(_("营业时间应为时间段列表。"), code="invalid_opening_hours")
        for interval in intervals:
            if (
                not isinstance(interval, list | tuple)
                or len(interval) != 2
                or not all(isinstance(t, str) and _TIME.match(t) for t in interval)
                or _minutes(interval[0]) >= _minutes(interval[1])
            ):
                raise ValidationError(
                    _("营业时间段 %(interval)s 无效，应为 [开始, 结束]，如 08:00 至 18:00。"),
                    code="invalid_opening_hours",
                    params={"interval": interval},
                )


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("opening hours need an aware datetime")
    return moment.astimezone(COUNTY_ZONE)


def _intervals(schedule: Schedule, day: dt.date) -> list[tuple[int, int]]:
    return sorted(
        (_minutes(start), _minutes(end)) for start, end in schedule.get(DAYS[day.weekday()], [])
    )


def is_open_at(schedule: Schedule, moment: dt.datetime) -> bool:
    """True when `moment` falls inside an opening interval (open inclusive, close exclusive)."""
    local = _local(moment)
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in _intervals(schedule, local.date()))


def next_opening(schedule: Schedule, moment: dt.datetime) -> dt.datetime | None:
    """The next moment the station opens, strictly after `moment` unless it opens exactly then;
    None for a schedule without any opening. Returned in Asia/Shanghai."""
    local = _local(moment)
    minute = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    for offset in range(8):
        day = local.date() + dt.timedelta(days=offset)
        for start, _end in _intervals(schedule, day):
            if offset == 0 and start < minute:
                continue
            naive = dt.datetime.combine(day, dt.time(start // 60, start % 60))
            return naive.replace(tzinfo=COUNTY_ZONE)
    return None
