"""The export of a batch's events as EPCIS 2.0 JSON-LD validates against GS1's EPCIS 2.0 JSON
schema, shipped in tests/trace/epcis/ (source and licence in SOURCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from backend.trace import epcis, recalls, services

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "epcis" / "EPCIS-JSON-Schema.json").read_text())


def errors_of(document) -> list[str]:
    validator = Draft7Validator(SCHEMA, format_checker=FormatChecker())
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def document(trace_world):
    batch = trace_world.batch(
        "EPCIS-1",
        inputs=[
            {"kind": "fertiliser", "name": "有机肥", "amount": "200kg/亩"},
            {
                "kind": "pesticide",
                "name": "井冈霉素",
                "applied_on": "2026-07-01",
                "safe_until": "2026-07-15",
            },
        ],
        harvested_on="2026-10-01",
        planted_on="2026-05-20",
        processing_steps=[{"step": "碾米", "on": "2026-10-05"}],
    )
    services.add_inspection(
        actor=trace_world.owner,
        batch=batch,
        lab="连云港市农产品质量检测中心",
        tested_on="2026-10-20",
        result="pass",
        values=[{"item": "镉", "value": "0.02 mg/kg", "limit": "≤0.2 mg/kg"}],
    )
    first = batch.events.order_by("sequence").first()
    services.record_event(
        actor=trace_world.owner,
        batch=batch,
        biz_step="planting",
        read_point_kind="base",
        corrects=first,
        note="播种日期更正",
        event_time="2026-05-21T09:30:00+08:00",
    )
    recalls.record_spot_check(
        actor=trace_world.inspector, batch=batch, sample="5kg", lab="县检测站", result="pass"
    )
    batch.refresh_from_db()
    return batch, epcis.batch_document(batch)


def test_the_export_validates_against_the_epcis_2_schema(document):
    batch, body = document
    assert errors_of(body) == []
    events = body["epcisBody"]["eventList"]
    assert len(events) == batch.events_count
    steps = [e["bizStep"] for e in events]
    assert "packing" in steps and "inspecting" in steps and "sampling" in steps
    assert any(s.endswith("/bizstep/harvesting") for s in steps)  # not a CBV step: a URI
    assert all(e["eventTimeZoneOffset"] == "+08:00" for e in events)
    assert all(e["quantityList"][0]["epcClass"] == epcis.lot_uri(batch) for e in events)
    assert events[0]["cm:previousHash"] == "0" * 64
    assert events[1]["cm:previousHash"] == events[0]["cm:hash"]
    correction = next(e for e in events if "cm:corrects" in e)
    assert correction["cm:corrects"] == events[0]["eventID"]


def test_the_schema_really_checks_the_export(document):
    """Negative control: the same document without an event's time, or with a bad business
    step, is refused by the schema, so the test above can fail."""
    _batch, body = document
    del body["epcisBody"]["eventList"][0]["eventTime"]
    assert errors_of(body)
    body = epcis.batch_document(_batch)
    body["epcisBody"]["eventList"][0]["action"] = "LOOK"
    assert errors_of(body)
    body = epcis.batch_document(_batch)
    body["epcisBody"]["eventList"][0]["bizStep"] = "urn:epcglobal:cbv:bizstep:harvesting"
    assert errors_of(body)
