"""The seed gives the dashboard 24 months of demonstration training and jobs (marked 示例数据),
links some attendees to the poverty seed's fictional households, and a rerun changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from backend.training import figures
from backend.training.models import Attendance, Job, TrainingSession
from backend.training.seed import GROUP_NAME

pytestmark = pytest.mark.django_db


def test_seed_fills_two_years_of_demo_history_and_a_rerun_changes_nothing(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    stdout = io.StringIO()
    call_command("seed_catalog", stdout=stdout)
    assert re.search(r"培训与就业（\d+\.\d+s）", stdout.getvalue())
    zone = ZoneInfo("Asia/Shanghai")
    today = timezone.localdate()
    end = dt.datetime(today.year, today.month, 1, tzinfo=zone) + dt.timedelta(days=32)
    end = end.replace(day=1)
    start = end.replace(year=end.year - 2)
    monthly = figures.monthly_person_times(start, end)
    assert len(monthly) == 24
    assert sum(1 for n in monthly.values() if n > 0) >= 22
    assert 4000 <= figures.person_times(start, end) <= 6500
    assert figures.people_trained(start, end) <= 1800
    assert figures.low_income_people_trained(start, end) > 0
    assert figures.jobs_created(start, end) > 1500
    assert figures.low_income_household_ids_trained_or_employed(start, end)
    assert not Attendance.objects.filter(is_demo=False).exists()
    assert not Job.objects.filter(is_demo=False).exists()
    assert TrainingSession.objects.filter(starts_at__gt=timezone.now()).count() == 3
    assert Group.objects.get(name=GROUP_NAME).permissions.filter(codename="manage_training")
    before = (Attendance.objects.count(), Job.objects.count(), TrainingSession.objects.count())
    call_command("seed_catalog", stdout=io.StringIO())
    after = (Attendance.objects.count(), Job.objects.count(), TrainingSession.objects.count())
    assert after == before
