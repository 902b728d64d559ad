"""The hash chain of a batch's trace events (tamper evidence).

Each event's `hash` is the SHA-256 of its content and of `previous_hash`, the hash of the event
before it in its batch (the first event links to GENESIS). The batch keeps the head of the
chain (`events_count`, `head_hash`), so deleting the newest event is caught as well as editing,
deleting or reordering any earlier one. `manage.py verify_trace` walks every chain.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from backend.trace.models import Batch, TraceEvent

GENESIS = "0" * 64


def content(event: TraceEvent, *, batch_code: str, corrects_event_id: str | None) -> dict:
    """What the hash covers: everything an event says, and where it sits in its chain."""
    return {
        "event_id": str(event.event_id),
        "batch": batch_code,
        "sequence": event.sequence,
        "event_time": event.event_time.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "time_zone": event.time_zone,
        "biz_step": event.biz_step,
        "disposition": event.disposition,
        "read_point": [event.read_point_kind, event.read_point_id, event.read_point_name],
        "quantity": event.quantity,
        "note": event.note,
        "source": event.source,
        "recorded_by": event.recorded_by_id,
        "recorder": event.recorder_label,
        "corrects": corrects_event_id,
        "shipment": event.shipment_code,
        "previous_hash": event.previous_hash,
    }


def compute_hash(event: TraceEvent, *, batch_code: str, corrects_event_id: str | None) -> str:
    payload = json.dumps(
        content(event, batch_code=batch_code, corrects_event_id=corrects_event_id),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Problem:
    batch_code: str
    sequence: int | None
    kind: str  # "edited", "broken_link", "missing", "head"
    detail: str

    def __str__(self) -> str:
        where = f"#{self.sequence}" if self.sequence is not None else ""
        return f"{self.batch_code}{where}: {self.kind} — {self.detail}"


def verify_batch(batch: Batch, events: Iterable[TraceEvent] | None = None) -> list[Problem]:
    """The problems of one batch's chain (an empty list when it is intact)."""
    rows = list(
        events
        if events is not None
        else TraceEvent.objects.filter(batch=batch).select_related("corrects").order_by("sequence")
    )
    problems: list[Problem] = []
    previous = GENESIS
    expected_sequence = 1
    for event in rows:
        if event.sequence != expected_sequence:
            problems.append(
                Problem(
                    batch.code,
                    event.sequence,
                    "missing",
                    f"expected event #{expected_sequence}, found #{event.sequence}",
                )
            )
            expected_sequence = event.sequence
        if event.previous_hash != previous:
            problems.append(
                Problem(
                    batch.code,
                    event.sequence,
                    "broken_link",
                    "previous_hash does not match the event before it",
                )
            )
        corrects = str(event.corrects.event_id) if event.corrects is not None else None
        if compute_hash(event, batch_code=batch.code, corrects_event_id=corrects) != event.hash:
            problems.append(
                Problem(batch.code, event.sequence, "edited", "content does not match its hash")
            )
        previous = event.hash
        expected_sequence += 1
    if batch.events_count != len(rows) or (batch.head_hash or GENESIS) != previous:
        problems.append(
            Problem(
                batch.code,
                None,
                "head",
                f"batch records {batch.events_count} events ending in "
                f"{(batch.head_hash or GENESIS)[:12]}, found {len(rows)} ending in {previous[:12]}",
            )
        )
    return problems


def verify_all(batch_size: int = 500) -> Iterator[Problem]:
    """Every problem of every batch, one batch's events in memory at a time."""
    for batch in Batch.objects.order_by("pk").iterator(chunk_size=batch_size):
        yield from verify_batch(batch)
