"""The training app's part of `manage.py seed_catalog` (data in catalog_seed/training.yaml).

- the 「培训就业管理员」 group with training.manage_training (county training staff);
- the courses, and a few upcoming sessions relative to the day of the seed;
- 24 months of demonstration history (is_demo, shown as 示例数据): sessions, fictional
  attendees (no phone numbers; some linked to the poverty seed's fictional households),
  attendances and jobs at the seeded vendors and stations, so the county dashboard's training
  and jobs figures have data on first run.

Idempotent: courses by title, upcoming sessions by course and day, the history only when no
demonstration history exists yet. Fast: the history is a handful of bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as AuthPermission
from django.db import connection, transaction
from django.utils import timezone

from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import read_seed_yaml
from backend.divisions.models import Town
from backend.poverty.models import Household
from backend.stations.models import Station
from backend.training.attendance import mask_name
from backend.training.models import (
    Attendance,
    AttendanceSource,
    Attendee,
    Job,
    JobStatus,
    SessionStatus,
    TrainingCourse,
    TrainingSession,
    new_signing_key,
)
from backend.vendors.models import Vendor, VendorStatus

GROUP_NAME = "培训就业管理员"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红"


def _data(path) -> dict:
    return read_seed_yaml(path, "training.yaml")


def training_staff_group(report: SeedReport | None = None) -> Group:
    group, created = Group.objects.get_or_create(name=GROUP_NAME)
    permission = AuthPermission.objects.filter(
        content_type__app_label="training", codename="manage_training"
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    if report is not None:
        report.add("groups", "created" if created else "unchanged")
    return group


@transaction.atomic
def seed_training(*, path: Path | str | None = None) -> SeedReport:
    report = SeedReport()
    training_staff_group(report)
    data = _data(path)
    if not data:
        return report
    courses = {}
    for row in data.get("courses") or []:
        course, created = TrainingCourse.objects.get_or_create(
            title=row["title"],
            defaults={
                "topic": row["topic"],
                "description": row.get("description", ""),
                "is_demo": True,
            },
        )
        courses[course.title] = course
        report.add("courses", "created" if created else "unchanged")
    towns = {town.code: town for town in Town.objects.all()}
    _upcoming(data.get("upcoming") or [], courses, towns, report)
    history = data.get("demo_history")
    if history and courses:
        _history(history, list(courses.values()), list(towns.values()), report)
    return report


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _upcoming(rows, courses, towns, report) -> None:
    today = timezone.localdate()
    for row in rows:
        course = courses.get(row["course"])
        if course is None:
            continue
        day = today + dt.timedelta(days=int(row["days_ahead"]))
        starts_at = dt.datetime.combine(day, dt.time(int(row["hour"])), tzinfo=_zone())
        exists = TrainingSession.objects.filter(
            course=course, starts_at__gte=timezone.now(), is_demo=True
        ).exists()
        if exists:
            report.add("upcoming_sessions", "unchanged")
            continue
        TrainingSession.objects.create(
            course=course,
            trainer=row["trainer"],
            town=towns.get(str(row.get("town", ""))),
            venue=row.get("venue", ""),
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=int(row.get("hours", 2))),
            capacity=int(row.get("capacity", 50)),
            is_demo=True,
        )
        report.add("upcoming_sessions", "created")


def _month_starts(months: int) -> list[dt.date]:
    """The first days of the last `months` Shanghai months, the current one last."""
    today = timezone.localdate()
    year, month = today.year, today.month
    firsts = []
    for _ in range(months):
        firsts.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(firsts))


def _history(config: dict, courses, towns, report) -> None:
    if TrainingSession.objects.filter(is_demo=True, status=SessionStatus.COMPLETED).exists():
        report.add("demo_history", "unchanged")
        return
    rng = random.Random(18)  # the number: the same history on every machine
    zone = _zone()
    now = timezone.now()
    today = timezone.localdate()
    months = _month_starts(int(config.get("months", 24)))
    households = list(
        Household.objects.filter(is_fictional=True).values_list("pk", flat=True).order_by("pk")
    )
    created_at = timezone.now()
    people_rows = []
    for _person in range(int(config.get("people", 1800))):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        linked = households and rng.random() < float(config.get("low_income_share", 0.06))
        household = rng.choice(households) if linked else None
        people_rows.append((name, mask_name(name), "", "", "", "", household, True, created_at))
    _copy(
        Attendee,
        (
            "name",
            "name_masked",
            "phone_masked",
            "phone_encrypted",
            "phone_digest",
            "id_last4",
            "household_id",
            "is_demo",
            "created_at",
        ),
        people_rows,
    )
    people = list(
        Attendee.objects.filter(is_demo=True, user=None).order_by("pk").values_list("pk", flat=True)
    )
    sessions = []
    for first in months:
        for _ in range(int(config.get("sessions_per_month", 6))):
            day = first + dt.timedelta(days=rng.randrange(28))
            starts_at = dt.datetime.combine(day, dt.time(rng.choice((9, 14, 19))), tzinfo=zone)
            if starts_at + dt.timedelta(hours=3) > now:
                continue
            sessions.append(
                TrainingSession(
                    course=rng.choice(courses),
                    trainer=rng.choice(config.get("trainers") or ["王老师"]),
                    town=rng.choice(towns) if towns else None,
                    venue=rng.choice(config.get("venues") or [""]),
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=3),
                    capacity=int(config.get("capacity", 50)),
                    status=SessionStatus.COMPLETED,
                    is_demo=True,
                )
            )
    sessions = TrainingSession.objects.bulk_create(sessions)
    attendances = []
    low, high = int(config.get("attendance_min", 22)), int(config.get("attendance_max", 48))
    for session in sessions:
        size = min(rng.randint(low, high), session.capacity, len(people))
        for person in rng.sample(people, size):
            source = rng.choice((AttendanceSource.QR, AttendanceSource.QR, AttendanceSource.IMPORT))
            attendances.append(
                (
                    session.pk,
                    person,
                    str(source),
                    session.starts_at,
                    new_signing_key(),
                    session.starts_at,
                    True,
                )
            )
    _copy(
        Attendance,
        (
            "session_id",
            "attendee_id",
            "source",
            "session_starts_at",
            "certificate_token",
            "signed_in_at",
            "is_demo",
        ),
        attendances,
    )
    jobs = _jobs(config, months, today, households, rng)
    _copy(Job, JOB_COLUMNS, jobs)
    report.add("demo_attendees", "created", len(people))
    report.add("demo_sessions", "created", len(sessions))
    report.add("demo_attendances", "created", len(attendances))
    report.add("demo_jobs", "created", len(jobs))


def _copy(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY rows into the model's table: a tenth of the time of bulk_create for the history."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


JOB_COLUMNS = (
    "vendor_id",
    "station_id",
    "position",
    "worker_name_masked",
    "start_date",
    "household_id",
    "household_consent",
    "status",
    "reason",
    "reported_at",
    "is_demo",
)


def _jobs(config, months, today, households, rng) -> list[tuple]:
    active = Vendor.objects.filter(status=VendorStatus.ACTIVE)
    vendors = list(active.values_list("pk", flat=True).order_by("pk"))
    stations = list(Station.objects.values_list("pk", flat=True).order_by("pk"))
    if not vendors and not stations:
        return []
    positions = config.get("positions") or ["客服"]
    low = int(config.get("jobs_per_month_min", 80))
    high = int(config.get("jobs_per_month_max", 140))
    recent = today - dt.timedelta(days=45)
    jobs = []
    for first in months:
        for _ in range(rng.randint(low, high)):
            start = first + dt.timedelta(days=rng.randrange(28))
            if start > today:
                continue
            # Recent reports still wait for the county; a few older ones were rejected.
            if start >= recent and rng.random() < 0.3:
                status = JobStatus.REPORTED
            elif rng.random() < 0.04:
                status = JobStatus.REJECTED
            else:
                status = JobStatus.CONFIRMED
            at_vendor = bool(vendors) and (not stations or rng.random() < 0.7)
            linked = households and rng.random() < 0.08
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            jobs.append(
                (
                    rng.choice(vendors) if at_vendor else None,
                    None if at_vendor else rng.choice(stations),
                    rng.choice(positions),
                    mask_name(name),
                    start,
                    rng.choice(households) if linked else None,
                    bool(linked),
                    str(status),
                    "示例：重复上报" if status == JobStatus.REJECTED else "",
                    timezone.now(),
                    True,
                )
            )
    return jobs
