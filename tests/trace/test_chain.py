"""Tamper evidence: each event stores the hash of the one before it in its batch, and
`manage.py verify_trace` reports any edited, deleted or reordered event (changed here behind the
application's back, with raw SQL)."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backend.trace import services
from backend.trace.chain import GENESIS, verify_batch
from backend.trace.models import TraceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(trace_world):
    batch = trace_world.batch("CHAIN-1")  # planting, harvesting, packing
    services.record_event(
        actor=trace_world.owner,
        batch=batch,
        biz_step="storing",
        read_point_kind="warehouse",
        read_point_name="东王集冷库",
        quantity=10,
    )
    batch.refresh_from_db()
    return batch


def verify(code: str | None = None) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_trace", *(["--batch", code] if code else []), stdout=out)
    except CommandError as error:
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_intact_chain_links_every_event_to_the_one_before(batch):
    events = list(TraceEvent.objects.filter(batch=batch).order_by("sequence"))
    assert [e.biz_step for e in events] == ["planting", "harvesting", "packing", "storing"]
    assert events[0].previous_hash == GENESIS
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(events))
    assert batch.head_hash == events[-1].hash and batch.events_count == 4
    ok, output = verify()
    assert ok and "intact" in output


def test_the_verifier_catches_an_edited_event(batch):
    sql(
        "UPDATE trace_traceevent SET read_point_name = %s WHERE batch_id = %s AND sequence = 2",
        "别处",
        batch.pk,
    )
    ok, output = verify(batch.code)
    assert not ok
    assert f"{batch.code}#2: edited" in output
    assert [p.kind for p in verify_batch(batch)] == ["edited"]


def test_the_verifier_catches_a_deleted_event(batch):
    sql("DELETE FROM trace_traceevent WHERE batch_id = %s AND sequence = 2", batch.pk)
    ok, output = verify()
    assert not ok
    kinds = [p.kind for p in verify_batch(batch)]
    assert "missing" in kinds and "broken_link" in kinds and "head" in kinds
    assert f"{batch.code}#3: missing" in output


def test_the_verifier_catches_a_deleted_newest_event(batch):
    sql("DELETE FROM trace_traceevent WHERE batch_id = %s AND sequence = 4", batch.pk)
    assert [p.kind for p in verify_batch(batch)] == ["head"]
    assert not verify(batch.code)[0]


def test_the_verifier_catches_reordered_events(batch):
    """Swapping the places of two events (their sequence numbers) breaks their links."""
    sql("UPDATE trace_traceevent SET sequence = 99 WHERE batch_id = %s AND sequence = 2", batch.pk)
    sql("UPDATE trace_traceevent SET sequence = 2 WHERE batch_id = %s AND sequence = 3", batch.pk)
    sql("UPDATE trace_traceevent SET sequence = 3 WHERE batch_id = %s AND sequence = 99", batch.pk)
    kinds = {p.kind for p in verify_batch(batch)}
    assert {"broken_link", "edited"} <= kinds
    assert not verify()[0]


def test_the_verifier_catches_a_rehashed_edit(batch):
    """Rewriting an event's hash to match its edited content still breaks the next link."""
    from backend.trace.chain import compute_hash

    event = TraceEvent.objects.get(batch=batch, sequence=2)
    event.note = "改过"
    forged = compute_hash(event, batch_code=batch.code, corrects_event_id=None)
    sql("UPDATE trace_traceevent SET note = %s, hash = %s WHERE id = %s", "改过", forged, event.pk)
    problems = verify_batch(batch)
    assert [(p.sequence, p.kind) for p in problems] == [(3, "broken_link")]


def test_a_correction_is_a_new_event_and_the_corrected_one_is_unchanged(trace_world, batch):
    wrong = TraceEvent.objects.get(batch=batch, sequence=4)
    before = (wrong.read_point_name, wrong.hash)
    correction = services.record_event(
        actor=trace_world.owner,
        batch=batch,
        biz_step="storing",
        read_point_kind="warehouse",
        read_point_name="伊山镇冷库",
        corrects=wrong,
        note="仓库填错",
    )
    wrong.refresh_from_db()
    assert (wrong.read_point_name, wrong.hash) == before
    assert correction.corrects_id == wrong.pk and correction.sequence == 5
    assert verify(batch.code)[0]


def test_a_correction_needs_a_reason_and_an_event_of_the_same_batch(trace_world, batch):
    other = trace_world.batch("CHAIN-2")
    foreign = TraceEvent.objects.filter(batch=other).first()
    count = TraceEvent.objects.count()
    with pytest.raises(Exception) as missing_reason:
        services.record_event(
            actor=trace_world.owner,
            batch=batch,
            biz_step="storing",
            read_point_kind="warehouse",
            read_point_name="x",
            corrects=TraceEvent.objects.filter(batch=batch).first(),
        )
    assert missing_reason.value.error_dict["note"][0].code == "REQUIRED"
    with pytest.raises(Exception) as foreign_event:
        services.record_event(
            actor=trace_world.owner,
            batch=batch,
            biz_step="storing",
            read_point_kind="warehouse",
            read_point_name="x",
            corrects=foreign,
            note="改",
        )
    assert foreign_event.value.error_dict["corrects"][0].code == "NOT_FOUND"
    assert TraceEvent.objects.count() == count
