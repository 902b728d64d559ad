"""The seed shows traceability on first run: ten entities with bases and batches, a batch with
events and an inspection for each of the six named specialties, a pack whose QR page shows the
full journey; a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from backend.trace.chain import verify_batch
from backend.trace.models import Batch, OriginBase, TraceEvent
from backend.trace.reports import build

pytestmark = pytest.mark.django_db

SPECIALTIES = ("东王集大米", "小伊浅水藕", "南岗粉丝", "沂河淌面粉", "双程酱油", "镜花缘白酒")


def test_the_seed_shows_a_full_journey_and_is_idempotent():
    call_command("seed_catalog", stdout=io.StringIO())
    assert build().entities >= 10
    for name in SPECIALTIES:
        batch = Batch.objects.filter(variant__product__name=name).get()
        assert batch.inspections.exists(), name
        assert batch.base is not None, name
        steps = set(batch.events.values_list("biz_step", flat=True))
        assert {"packing", "inspecting", "storing", "shipping", "receiving"} <= steps, name
        assert verify_batch(batch) == [], name
    rice = Batch.objects.get(variant__product__name="东王集大米")
    html = Client().get(reverse("trace:page", args=[rice.code])).content.decode()
    for text in ("东王集万亩优质稻基地", "井冈霉素", "镉", "东王集镇物流中转服务站", "到站"):
        assert text in html, text
    counts = (Batch.objects.count(), TraceEvent.objects.count(), OriginBase.objects.count())
    out = io.StringIO()
    call_command("seed_catalog", stdout=out)
    assert (Batch.objects.count(), TraceEvent.objects.count(), OriginBase.objects.count()) == counts
    assert "质量追溯" in out.getvalue()
