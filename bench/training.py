"""Training and jobs benchmark (issue #18, part 1): the figures the county dashboard reads over
1,000,000 attendances and 100,000 jobs, and QR sign-in latency.

Prepares a database of its own (`countymarket_training_bench` on DATABASE_URL's server, or
BENCH_TRAINING_DATABASE_URL) with the migrations, then:

1. figures: 25,000 sessions over 730 days with 40 attendances each (1,000,000 rows; 100,000
   attendees, 5 % linked to registered households) and 100,000 jobs (90 % confirmed, 8 % linked)
   are written in SQL (generate_series); each function of backend/training/figures.py is timed
   for a Shanghai year, a month and the 24-month series (median of 5 runs) with its SQL count.
2. sign-in: 300 signed-in users sign in to one open session through `attend_by_qr` (the
   service the page and the API call), then each replays the QR once; p50/p95 per call.

    .venv/bin/python bench/training.py                  # 1,000,000 attendances, 100,000 jobs
    .venv/bin/python bench/training.py --sessions 2500  # 100,000 attendances
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from _serve import SqlCounter, own_database_url, p50_p95, setup_django

PER_SESSION = 40
ATTENDEES = 100_000


def fill(sessions: int, jobs: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from backend.divisions.models import Town, Village
    from backend.poverty.models import Household
    from backend.training.models import Attendance, Job, TrainingCourse, TrainingSession
    from backend.vendors.models import Vendor, VendorKind, VendorStatus

    if Attendance.objects.count() >= sessions * PER_SESSION:
        present = Attendance.objects.count()
        print(f"data present: {present:,} attendances, {Job.objects.count():,} jobs")
        return
    started = time.monotonic()
    town, _ = Town.objects.get_or_create(code="bench-t", defaults={"name": "压测镇", "kind": "镇"})
    village, _ = Village.objects.get_or_create(
        code="bench-v", defaults={"town": town, "name": "压测村"}
    )
    households = [
        Household(reference_number=f"BENCH-{i:04d}", village=village, head_name="压测户")
        for i in range(2000)
    ]
    Household.objects.bulk_create(households, ignore_conflicts=True)
    first_household = (
        Household.objects.filter(reference_number__startswith="BENCH-").order_by("pk")[0].pk
    )
    course, _ = TrainingCourse.objects.get_or_create(title="压测课程", defaults={"topic": "压测"})
    vendor, _ = Vendor.objects.get_or_create(
        slug="bench-training",
        defaults={
            "name": "压测用工商家",
            "kind": VendorKind.COOPERATIVE,
            "status": VendorStatus.ACTIVE,
        },
    )
    begin = timezone.now() - dt.timedelta(days=730)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO training_trainingsession
              (course_id, trainer, venue, starts_at, ends_at, capacity, status, signing_key,
               is_demo, created_at)
            SELECT %s, 'bench', '', %s + g * (interval '730 days' / %s),
                   %s + g * (interval '730 days' / %s) + interval '3 hours', 50, 'completed',
                   md5(g::text), false, now()
            FROM generate_series(1, %s) g
            """,
            [course.pk, begin, sessions, begin, sessions, sessions],
        )
        cursor.execute(
            """
            INSERT INTO training_attendee
              (name, name_masked, phone_masked, phone_encrypted, phone_digest, id_last4,
               household_id, is_demo, created_at)
            SELECT '压测学员', '压****', '', '', '', '',
                   CASE WHEN g %% 20 = 0 THEN %s + (g / 20) %% 2000 END, false, now()
            FROM generate_series(1, %s) g
            """,
            [first_household, ATTENDEES],
        )
        cursor.execute("SELECT min(id) FROM training_attendee")
        first_attendee = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO training_attendance
              (session_id, attendee_id, source, session_starts_at, certificate_token,
               signed_in_at, is_demo)
            SELECT s.id, %s + ((s.rn * 40 + k * 7919) %% %s), 'qr', s.starts_at,
                   md5(s.id::text || '-' || k::text), s.starts_at, false
            FROM (SELECT id, starts_at, row_number() OVER (ORDER BY id) AS rn
                  FROM training_trainingsession WHERE trainer = 'bench') s,
                 generate_series(1, %s) k
            """,
            [first_attendee, ATTENDEES, PER_SESSION],
        )
        cursor.execute(
            """
            INSERT INTO training_job
              (vendor_id, position, worker_name_masked, start_date, household_id,
               household_consent, status, reason, reported_at, is_demo)
            SELECT %s, '压测岗位', '', (%s::date + (g %% 730)),
                   CASE WHEN g %% 12 = 0 THEN %s + g %% 2000 END, g %% 12 = 0,
                   CASE WHEN g %% 10 = 0 THEN 'reported' ELSE 'confirmed' END, '', now(), false
            FROM generate_series(1, %s) g
            """,
            [vendor.pk, begin.date(), first_household, jobs],
        )
        cursor.execute("ANALYZE training_attendance")
        cursor.execute("ANALYZE training_job")
    print(
        f"filled {TrainingSession.objects.count():,} sessions, "
        f"{Attendance.objects.count():,} attendances, {Job.objects.count():,} jobs "
        f"in {time.monotonic() - started:.1f} s"
    )


def time_figures() -> None:
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    from backend.training import figures

    zone = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    year = (
        dt.datetime(today.year, 1, 1, tzinfo=zone),
        dt.datetime(today.year + 1, 1, 1, tzinfo=zone),
    )
    month_start = dt.datetime(today.year, today.month, 1, tzinfo=zone)
    month = (month_start, (month_start + dt.timedelta(days=32)).replace(day=1))
    series = (month[1].replace(year=month[1].year - 2), month[1])
    calls = [
        ("person_times", "year", figures.person_times, year),
        ("people_trained", "year", figures.people_trained, year),
        ("low_income_people_trained", "year", figures.low_income_people_trained, year),
        ("jobs_created", "year", figures.jobs_created, year),
        ("low_income_jobs", "year", figures.low_income_jobs, year),
        (
            "low_income_household_ids_trained_or_employed",
            "year",
            figures.low_income_household_ids_trained_or_employed,
            year,
        ),
        ("person_times", "month", figures.person_times, month),
        ("people_trained", "month", figures.people_trained, month),
        ("monthly_person_times", "24 months", figures.monthly_person_times, series),
        ("monthly_jobs_created", "24 months", figures.monthly_jobs_created, series),
    ]
    print(f"{'figure':48} {'window':10} {'median ms':>10} {'max ms':>8} {'SQL':>4}  value")
    for name, label, call, window in calls:
        times = []
        counter = SqlCounter()
        for run in range(5):
            started = time.perf_counter()
            if run == 0:
                with connection.execute_wrapper(counter):
                    value = call(*window)
            else:
                value = call(*window)
            times.append((time.perf_counter() - started) * 1000)
        shown = len(value) if isinstance(value, set | dict) else value
        print(
            f"{name:48} {label:10} {statistics.median(times):10.1f} {max(times):8.1f} "
            f"{counter.count:4}  {shown}"
        )


def time_sign_in(users: int) -> None:
    from django.utils import timezone

    from backend.account.models import User
    from backend.training import attendance
    from backend.training.models import TrainingCourse, TrainingSession

    course = TrainingCourse.objects.get(title="压测课程")
    now = timezone.now()
    session = TrainingSession.objects.create(
        course=course,
        trainer="sign-in bench",
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        capacity=users + 10,
    )
    stamp = int(time.time()) % 100000
    people = [
        User.objects.create(email=f"bench-{stamp}-{i}@example.com", first_name="压测")
        for i in range(users)
    ]
    token = attendance.session_token(session)
    first, replay = [], []
    for user in people:
        started = time.perf_counter()
        attendance.attend_by_qr(token=token, user=user)
        first.append(time.perf_counter() - started)
    for user in people:
        started = time.perf_counter()
        _record, created = attendance.attend_by_qr(token=token, user=user)
        replay.append(time.perf_counter() - started)
        assert not created
    for label, samples in (("first sign-in", first), ("replay", replay)):
        p50, p95 = p50_p95(samples)
        print(f"{label:14} {len(samples)} calls: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"attendances in the session: {session.attendances.count()} (users: {users})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=25_000)
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()
    setup_django(own_database_url("training"))
    fill(args.sessions, args.jobs)
    time_figures()
    time_sign_in(args.users)


if __name__ == "__main__":
    main()
