"""The inspector's pages (/inspect/): a spot check recorded on the batch page, the chain status,
the EPCIS download, a vendor's record and the report with its XLSX export."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from backend.listings.models import ListingState
from backend.trace import recalls
from backend.trace.models import SpotCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector_client(trace_world):
    client = Client()
    client.force_login(trace_world.inspector)
    return client


def test_a_failed_spot_check_from_the_batch_page(trace_world, inspector_client):
    batch = trace_world.batch("INSP-1")
    url = reverse("inspect:batch", args=[batch.code])
    page = inspector_client.get(url)
    assert "哈希链完整" in page.content.decode()
    refused = inspector_client.post(
        url, {"action": "spot_check", "sample": "5kg", "lab": "检测所", "result": "fail"}
    )
    assert refused.status_code == 200 and "不合格时请写明" in refused.content.decode()
    assert not SpotCheck.objects.exists()
    done = inspector_client.post(
        url,
        {
            "action": "spot_check",
            "sample": "5kg",
            "lab": "检测所",
            "result": "fail",
            "values": "镉=0.35 mg/kg",
            "note": "镉超标",
        },
    )
    assert done.status_code == 302
    check = SpotCheck.objects.get()
    assert check.values == [{"item": "镉", "value": "0.35 mg/kg", "limit": ""}]
    trace_world.product.listing.refresh_from_db()
    assert trace_world.product.listing.state == ListingState.SUSPENDED


def test_the_batch_page_shows_a_broken_chain_and_exports_epcis(trace_world, inspector_client):
    batch = trace_world.batch("INSP-2")
    download = inspector_client.get(reverse("inspect:batch-epcis", args=[batch.code]))
    body = json.loads(download.content)
    assert body["type"] == "EPCISDocument" and len(body["epcisBody"]["eventList"]) == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE trace_traceevent SET note = 'x' WHERE batch_id = %s AND sequence = 1",
            [batch.pk],
        )
    html = inspector_client.get(reverse("inspect:batch", args=[batch.code])).content.decode()
    assert "哈希链异常" in html and f"{batch.code}#1: edited" in html


def test_the_report_counts_entities_checks_and_recalls_and_exports_xlsx(
    trace_world, inspector_client
):
    batch = trace_world.batch("INSP-3")
    recalls.record_spot_check(
        actor=trace_world.inspector, batch=batch, sample="s", lab="l", result="pass"
    )
    recalls.open_recall(actor=trace_world.inspector, batch=batch, reason="演练")
    html = inspector_client.get(reverse("inspect:report")).content.decode()
    assert "使用追溯的农业主体：1 家" in html
    xlsx = inspector_client.get(reverse("inspect:report") + "?format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    overview = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert overview["使用追溯的农业主体"] == 1 and overview["抽查次数"] == 1
    assert book.worksheets[2].max_row == 2  # header and the one recall
    reviewer = Client()
    reviewer.force_login(trace_world.market.reviewer)
    assert reviewer.get(reverse("inspect:report")).status_code == 200
    record = reviewer.get(reverse("inspect:vendor", args=[trace_world.market.vendor.pk]))
    assert "抽查合格 1 次" in record.content.decode()
