"""The figures the county dashboard reads (target 6 and target 10), at Asia/Shanghai month and
year boundaries: a session at 00:30 on 1 January Shanghai time is 16:30 UTC on 31 December."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.training import figures
from backend.training.models import JobStatus
from tests.training.conftest import attend, local, make_job, make_session

YEAR_2025 = (local(2025, 1, 1), local(2026, 1, 1))
DECEMBER_2025 = (local(2025, 12, 1), local(2026, 1, 1))
JANUARY_2026 = (local(2026, 1, 1), local(2026, 2, 1))


def test_person_times_follow_shanghai_year_boundary(course, attendees):
    late = make_session(course, local(2025, 12, 31, 23, 30))
    early = make_session(course, local(2026, 1, 1, 0, 30))
    assert early.starts_at.astimezone(dt.UTC).year == 2025  # still 2025 in UTC
    for person in attendees:
        attend(late, person)
    attend(early, attendees[0])
    attend(early, attendees[1])

    assert figures.person_times(*YEAR_2025) == 3
    assert figures.person_times(*JANUARY_2026) == 2
    assert figures.people_trained(local(2025, 12, 1), local(2026, 2, 1)) == 3
    assert figures.person_times(local(2025, 12, 1), local(2026, 2, 1)) == 5
    assert figures.low_income_people_trained(*JANUARY_2026) == 1
    assert figures.low_income_people_trained(*YEAR_2025) == 1
    assert figures.monthly_person_times(local(2025, 11, 1), local(2026, 2, 1)) == {
        "2025-11": 0,
        "2025-12": 3,
        "2026-01": 2,
    }


def test_demo_rows_can_be_left_out(course, attendees):
    session = make_session(course, local(2025, 6, 1, 9))
    attend(session, attendees[0])
    demo = attend(session, attendees[1])
    demo.is_demo = True
    demo.save()
    assert figures.person_times(*YEAR_2025) == 2
    assert figures.person_times(*YEAR_2025, include_demo=False) == 1


def test_jobs_count_confirmed_only_by_shanghai_start_date(vendor, station, household):
    make_job(vendor=vendor, start_date=dt.date(2025, 12, 31))
    make_job(station=station, start_date=dt.date(2026, 1, 1))
    make_job(
        vendor=vendor,
        start_date=dt.date(2026, 1, 31),
        household=household,
        household_consent=True,
    )
    make_job(vendor=vendor, start_date=dt.date(2026, 1, 15), status=JobStatus.REPORTED)
    make_job(vendor=vendor, start_date=dt.date(2026, 1, 16), status=JobStatus.REJECTED)
    make_job(vendor=vendor, start_date=dt.date(2026, 2, 1))

    assert figures.jobs_created(*YEAR_2025) == 1
    assert figures.jobs_created(*DECEMBER_2025) == 1
    assert figures.jobs_created(*JANUARY_2026) == 2
    assert figures.low_income_jobs(*JANUARY_2026) == 1
    assert figures.low_income_jobs(*YEAR_2025) == 0
    assert figures.monthly_jobs_created(local(2025, 12, 1), local(2026, 3, 1)) == {
        "2025-12": 1,
        "2026-01": 2,
        "2026-02": 1,
    }
    # A window that starts mid-day counts from the next Shanghai midnight.
    assert figures.jobs_created(local(2025, 12, 31, 12), local(2026, 1, 2)) == 1


def test_households_trained_or_employed(course, attendees, household, other_household, vendor):
    session = make_session(course, local(2026, 1, 1, 0, 10))
    attend(session, attendees[0])  # linked to `household`
    make_job(
        vendor=vendor,
        start_date=dt.date(2026, 1, 5),
        household=other_household,
        household_consent=True,
    )
    make_job(
        vendor=vendor, start_date=dt.date(2025, 12, 31), household=household, household_consent=True
    )
    assert figures.low_income_household_ids_trained_or_employed(*JANUARY_2026) == {
        household.pk,
        other_household.pk,
    }
    assert figures.low_income_household_ids_trained_or_employed(*DECEMBER_2025) == {household.pk}


def test_each_figure_is_at_most_two_queries(course, attendees, vendor):
    session = make_session(course, local(2025, 3, 3, 9))
    for person in attendees:
        attend(session, person)
    make_job(vendor=vendor, start_date=dt.date(2025, 3, 4))
    calls = [
        figures.person_times,
        figures.people_trained,
        figures.low_income_people_trained,
        figures.jobs_created,
        figures.low_income_jobs,
        figures.monthly_person_times,
        figures.monthly_jobs_created,
        figures.low_income_household_ids_trained_or_employed,
    ]
    for call in calls:
        with CaptureQueriesContext(connection) as queries:
            call(*YEAR_2025)
        assert len(queries) <= 2, call.__name__


def test_naive_window_is_refused():
    with pytest.raises(ValueError):
        figures.person_times(dt.datetime(2025, 1, 1), dt.datetime(2026, 1, 1))


def test_touched_months_name_the_months_a_late_change_affects(course, attendees, vendor):
    from django.utils import timezone

    from backend.training import jobs as job_service
    from tests.training.conftest import training_staff

    since = timezone.now()
    old = make_session(course, local(2026, 1, 1, 0, 30))  # 31 Dec 2025 in UTC
    attend(old, attendees[0])
    job = make_job(
        vendor=vendor,
        start_date=timezone.localdate().replace(day=1),
        status=JobStatus.REPORTED,
    )
    job_service.decide_job(user=training_staff(), job=job, confirm=True)
    assert figures.touched_months(since) == {
        dt.date(2026, 1, 1),
        timezone.localdate().replace(day=1),
    }
    assert figures.touched_months(timezone.now()) == set()


def test_the_zone_report_counts_the_households_training_and_jobs_reach(
    course, attendees, household, other_household, vendor
):
    """The poverty zone's inclusion share and the dashboard's target 10 read the same records:
    a member trained, a confirmed job linked with consent (poverty.reports.inclusion)."""
    from backend.poverty.reports import inclusion

    attend(make_session(course, local(2026, 3, 1, 9)), attendees[0])  # `household`
    make_job(
        vendor=vendor,
        start_date=dt.date(2026, 4, 1),
        household=other_household,
        household_consent=True,
    )
    make_job(vendor=vendor, start_date=dt.date(2026, 4, 2), status=JobStatus.REPORTED)
    found = inclusion(2026)
    assert found.by_kind["training"] == (1, household.members)
    assert found.by_kind["job"] == (1, other_household.members)
    assert found.included_households == 2
    assert inclusion(2025).included_households == 0
