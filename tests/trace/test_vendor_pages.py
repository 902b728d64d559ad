"""The cooperative's batch pages (/trace/mine/): a base and a batch recorded from a phone, the
trace code and QR on the batch page, an event and its correction, an inspection report with its
PDF; bad input is answered on the form and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from backend.trace.models import Batch, InspectionReport, OriginBase, TraceEvent
from tests.listings.conftest import pdf_upload
from tests.trace.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(trace_world):
    client = Client()
    client.force_login(trace_world.owner)
    return client


def test_a_cooperative_records_a_base_and_a_batch_from_its_phone(trace_world, owner_client):
    page = owner_client.post(
        reverse("trace:mine-base-new"),
        {"name": "稻香村二号田", "town": "东王集镇", "village": "稻香村", "area_mu": "80"},
    )
    assert page.status_code == 302
    base = OriginBase.objects.get(name="稻香村二号田")
    page = owner_client.post(
        reverse("trace:mine-batch-new"),
        {
            "variant": trace_world.variant.pk,
            "base": base.pk,
            "lot_number": "DWJ-PHONE-1",
            "quantity": "50",
            "planted_on": days_ago(150).isoformat(),
            "harvested_on": days_ago(20).isoformat(),
            "packed_on": days_ago(10).isoformat(),
            "shelf_life_days": "365",
            "fertiliser_name": "有机肥",
            "fertiliser_amount": "300kg/亩",
            "pesticide_name": "井冈霉素",
            "pesticide_on": days_ago(60).isoformat(),
            "pesticide_safe_until": days_ago(46).isoformat(),
            "steps": f"{days_ago(15).isoformat()} 碾米\n色选",
        },
    )
    batch = Batch.objects.get(lot_number="DWJ-PHONE-1")
    assert page.status_code == 302 and page.url == reverse("trace:mine-batch", args=[batch.code])
    assert [i["kind"] for i in batch.inputs] == ["fertiliser", "pesticide"]
    html = owner_client.get(page.url).content.decode()
    assert batch.code in html and reverse("trace:qr", args=[batch.code]) in html
    steps = list(batch.events.order_by("sequence").values_list("biz_step", flat=True))
    assert steps == ["planting", "harvesting", "processing", "packing"]
    label = owner_client.get(reverse("trace:mine-label", args=[batch.code]))
    assert label.status_code == 200 and batch.lot_number in label.content.decode()


def test_a_pesticide_still_in_its_safe_interval_at_harvest_is_refused(trace_world, owner_client):
    page = owner_client.post(
        reverse("trace:mine-batch-new"),
        {
            "variant": trace_world.variant.pk,
            "lot_number": "TOO-EARLY",
            "quantity": "5",
            "harvested_on": days_ago(20).isoformat(),
            "packed_on": days_ago(10).isoformat(),
            "pesticide_name": "吡虫啉",
            "pesticide_on": days_ago(25).isoformat(),
            "pesticide_safe_until": days_ago(15).isoformat(),
        },
    )
    assert page.status_code == 200
    assert "安全间隔期" in page.content.decode()
    assert not Batch.objects.filter(lot_number="TOO-EARLY").exists()


def test_events_corrections_and_inspections_from_the_batch_page(trace_world, owner_client):
    batch = trace_world.batch("PAGE-1")
    url = reverse("trace:mine-batch", args=[batch.code])
    owner_client.post(
        url,
        {
            "action": "event",
            "biz_step": "storing",
            "read_point_kind": "warehouse",
            "read_point_name": "东王集粮库",
            "quantity": "10",
        },
    )
    stored = TraceEvent.objects.get(batch=batch, biz_step="storing")
    refused = owner_client.post(
        url,
        {
            "action": "event",
            "biz_step": "storing",
            "read_point_kind": "warehouse",
            "read_point_name": "伊山粮库",
            "corrects": stored.pk,
        },
    )
    assert refused.status_code == 200 and "更正时请说明原因" in refused.content.decode()
    owner_client.post(
        url,
        {
            "action": "event",
            "biz_step": "storing",
            "read_point_kind": "warehouse",
            "read_point_name": "伊山粮库",
            "corrects": stored.pk,
            "note": "仓库写错",
        },
    )
    assert TraceEvent.objects.get(batch=batch, corrects=stored).read_point_name == "伊山粮库"
    owner_client.post(
        url,
        {
            "action": "inspection",
            "lab": "县农产品检测站",
            "tested_on": days_ago(1).isoformat(),
            "result": "pass",
            "values": "农药残留=未检出",
            "document": pdf_upload(),
        },
    )
    report = InspectionReport.objects.get(batch=batch)
    assert report.document and report.values == [
        {"item": "农药残留", "value": "未检出", "limit": ""}
    ]


def test_a_suspended_product_can_be_resubmitted_from_the_workspace(trace_world, owner_client):
    from backend.trace import recalls

    batch = trace_world.batch("SUSP-1")
    recalls.record_spot_check(
        actor=trace_world.inspector,
        batch=batch,
        sample="5kg",
        lab="检测所",
        result="fail",
        note="镉超标",
    )
    page = owner_client.get(reverse("vendordesk:product", args=[trace_world.product.pk]))
    html = page.content.decode()
    assert "已暂停销售" in html
    assert reverse("vendordesk:product-submit", args=[trace_world.product.pk]) in html
