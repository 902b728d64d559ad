"""The seed shows the zone on first run: weak villages with fictional households (marked),
certified products (one application waiting), paid demo orders whose ledger reconciles, so the
counters and the report have figures; a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from backend.poverty.ledger import reconciliation_problems
from backend.poverty.models import Certification, CertificationStatus, Household, ZoneSale
from backend.poverty.reports import yearly_report
from backend.poverty.seed import GROUP_NAME
from backend.poverty.selectors import zone_stats

pytestmark = pytest.mark.django_db


def test_seed_fills_the_zone_and_a_rerun_changes_nothing(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("seed_catalog", stdout=io.StringIO())
    households = Household.objects.all()
    assert households.count() == 7 and not households.filter(is_fictional=False).exists()
    assert all(h.village.is_economically_weak for h in households)
    assert "17000000001" not in repr(list(households.values_list("phone_encrypted", flat=True)))
    statuses = sorted(Certification.objects.values_list("status", flat=True))
    assert statuses.count(CertificationStatus.APPROVED) == 4
    assert statuses.count(CertificationStatus.REQUESTED) == 1
    assert reconciliation_problems() == []
    stats = zone_stats()
    assert stats.sales > 0 and stats.households > 0 and stats.villages > 0
    report = yearly_report(timezone.localdate().year)
    assert report.sales == stats.sales and report.coverage.reached_by_vendors >= 3
    assert Group.objects.get(name=GROUP_NAME).permissions.filter(codename="manage_poverty")
    page = Client().get("/poverty-zone/").content.decode()
    assert "小伊浅水藕" in page and "藕塘村：一池好藕" in page
    # One consenting fictional household has a generated placeholder photo, marked as a demo.
    (pictured,) = Household.objects.exclude(photo="")
    assert pictured.is_fictional and pictured.photo_consent and pictured.story_consent
    assert "示例图片：虚构人家，仅作演示" in page
    assert Client().get(f"/poverty-zone/photos/household/{pictured.pk}/").status_code == 200
    before = (ZoneSale.objects.count(), Certification.objects.count(), households.count())
    stdout = io.StringIO()
    call_command("seed_catalog", stdout=stdout)
    assert (ZoneSale.objects.count(), Certification.objects.count(), households.count()) == before
    assert Household.objects.get(pk=pictured.pk).photo.name == pictured.photo.name
