"""Fixtures for the training and jobs tests: a course, sessions, attendees and employers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.poverty.models import Household
from backend.training.models import (
    Attendance,
    AttendanceSource,
    Attendee,
    Job,
    JobStatus,
    TrainingCourse,
    TrainingSession,
)
from tests.factories import StationFactory, UserFactory, VendorFactory, VillageFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


def training_staff():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename="manage_training", content_type__app_label="training")
    )
    return user


def make_session(course, starts_at: dt.datetime, *, hours: int = 2, **fields) -> TrainingSession:
    return TrainingSession.objects.create(
        course=course,
        trainer=fields.pop("trainer", "王老师"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        **fields,
    )


def attend(session, attendee, source=AttendanceSource.STAFF) -> Attendance:
    return Attendance.objects.create(
        session=session, attendee=attendee, source=source, session_starts_at=session.starts_at
    )


def make_job(*, vendor=None, station=None, start_date, status=JobStatus.CONFIRMED, **fields) -> Job:
    return Job.objects.create(
        vendor=vendor,
        station=station,
        position=fields.pop("position", "客服"),
        start_date=start_date,
        status=status,
        **fields,
    )


@pytest.fixture
def course(db):
    return TrainingCourse.objects.create(title="直播带货入门", topic="直播电商")


@pytest.fixture
def village(db):
    return VillageFactory()


@pytest.fixture
def household(village):
    return Household.objects.create(reference_number="T-0001", village=village, head_name="张三")


@pytest.fixture
def other_household(village):
    return Household.objects.create(reference_number="T-0002", village=village, head_name="李四")


@pytest.fixture
def attendees(household):
    return [
        Attendee.objects.create(name="赵一", name_masked="赵*", household=household),
        Attendee.objects.create(name="钱二", name_masked="钱*"),
        Attendee.objects.create(name="孙三", name_masked="孙*"),
    ]


@pytest.fixture
def vendor(db):
    return VendorFactory()


@pytest.fixture
def station(db):
    return StationFactory()
