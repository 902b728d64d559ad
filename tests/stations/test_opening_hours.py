"""Opening hours are a week schedule in Asia/Shanghai: whether a station is open at a moment
given in any zone, and when it next opens."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from backend.stations.opening_hours import is_open_at, next_opening, validate_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
VILLAGE = {
    **{day: [["08:00", "12:00"], ["14:00", "19:00"]] for day in ("mon", "tue", "wed", "thu")},
    "fri": [["08:00", "12:00"]],
    "sun": [["09:00", "12:00"]],
}  # closed on Saturday


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    # 2026-06-01 is a Monday.
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (local(1, 8), True),  # opening minute included
        (local(1, 11, 59), True),
        (local(1, 12), False),  # closing minute excluded
        (local(1, 13), False),  # lunch break
        (local(1, 18, 30), True),
        (local(1, 7, 59), False),
        (local(6, 10), False),  # Saturday: no hours
        (local(7, 9, 30), True),  # Sunday morning
    ],
)
def test_open_at_local_moments(moment, open_):
    assert is_open_at(VILLAGE, moment) is open_


def test_moment_in_utc_is_read_in_shanghai_time():
    # 01:00 UTC on Monday is 09:00 in Guanyun: open, although 01:00 is not in the schedule.
    assert is_open_at(VILLAGE, dt.datetime(2026, 6, 1, 1, 0, tzinfo=UTC))
    # 23:30 UTC on Sunday 31 May is already Monday 07:30 in Guanyun: not yet open.
    sunday_night_utc = dt.datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    assert not is_open_at(VILLAGE, sunday_night_utc)
    assert next_opening(VILLAGE, sunday_night_utc) == local(1, 8)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(1, 7), local(1, 8)),
        (local(1, 8), local(1, 8)),  # opens exactly now
        (local(1, 12, 30), local(1, 14)),  # after the lunch break
        (local(5, 13), local(7, 9)),  # Friday afternoon → Sunday (Saturday closed)
        (local(7, 12), local(8, 8)),  # Sunday noon → Monday morning
        (local(1, 8, 0) + dt.timedelta(seconds=30), local(1, 14)),
    ],
)
def test_next_opening(moment, expected):
    found = next_opening(VILLAGE, moment)
    assert found == expected
    assert found.tzinfo == SHANGHAI


def test_round_the_clock_station_is_open_at_midnight():
    always = {
        day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    }
    assert is_open_at(always, local(3, 0))
    assert is_open_at(always, local(3, 23, 59))


def test_schedule_without_any_hours_never_opens():
    assert not is_open_at({}, local(1, 10))
    assert next_opening({}, local(1, 10)) is None


def test_naive_moment_is_refused():
    with pytest.raises(ValueError):
        is_open_at(VILLAGE, dt.datetime(2026, 6, 1, 9, 0))


@pytest.mark.parametrize(
    "schedule",
    [
        [],
        {"monday": [["08:00", "12:00"]]},
        {"mon": "08:00-12:00"},
        {"mon": [["12:00", "08:00"]]},
        {"mon": [["8:00", "12:00"]]},
        {"mon": [["08:00", "24:30"]]},
        {"mon": [["08:00"]]},
    ],
)
def test_malformed_schedule_is_refused(schedule):
    with pytest.raises(ValidationError) as raised:
        validate_schedule(schedule)
    assert raised.value.code == "invalid_opening_hours"


def test_well_formed_schedule_is_accepted():
    validate_schedule(VILLAGE)
    validate_schedule({})
