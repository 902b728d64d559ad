"""Export of a batch's trace as an EPCIS 2.0 JSON-LD document (GS1 EPCIS 2.0, section 9).

Each event is an ObjectEvent about the batch as a class-level identifier (quantityList with an
epcClass: the lot), with its eventTime and eventTimeZoneOffset, a CBV business step (steps the
CBV does not have — planting, harvesting, processing — as this project's own URIs), a
disposition, the read point as a URI, and the hash chain as extension fields in this project's
namespace (`cm:`). A correction carries the EPCIS errorDeclaration-free form: `cm:corrects`
names the corrected event's ID (the corrected event itself is never changed).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from backend.trace.models import CBV_BIZ_STEPS, Batch, TraceEvent

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
NAMESPACE = "https://countymarket.example/trace/voc/"


def lot_uri(batch: Batch) -> str:
    return f"{NAMESPACE}lot/{batch.code}"


def _biz_step(step: str) -> str:
    return step if step in CBV_BIZ_STEPS else f"{NAMESPACE}bizstep/{step}"


def _utc(moment) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def event_json(event: TraceEvent, batch: Batch) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{event.event_id}",
        "eventTime": _utc(event.event_time),
        "recordTime": _utc(event.recorded_at),
        "eventTimeZoneOffset": event.time_zone,
        "action": "OBSERVE",
        "bizStep": _biz_step(event.biz_step),
        "readPoint": {
            "id": f"{NAMESPACE}{event.read_point_kind}/{event.read_point_id or f'name-{event.pk}'}"
        },
        "quantityList": [
            {"epcClass": lot_uri(batch), **({"quantity": event.quantity} if event.quantity else {})}
        ],
        "cm:sequence": event.sequence,
        "cm:previousHash": event.previous_hash,
        "cm:hash": event.hash,
        "cm:source": event.source,
    }
    if event.quantity:
        body["quantityList"][0]["uom"] = "H87"  # UN/CEFACT: piece
    if event.disposition:
        body["disposition"] = event.disposition
    if event.read_point_name:
        body["cm:readPointName"] = event.read_point_name
    if event.note:
        body["cm:note"] = event.note
    if event.corrects_id:
        body["cm:corrects"] = f"urn:uuid:{event.corrects.event_id}"  # type: ignore[union-attr]
    return body


def batch_document(batch: Batch) -> dict[str, Any]:
    """The batch's events, oldest first, as one EPCISDocument."""
    events = batch.events.select_related("corrects").order_by("sequence")
    return {
        "@context": [EPCIS_CONTEXT, {"cm": NAMESPACE}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _utc(timezone.now()),
        "epcisBody": {"eventList": [event_json(event, batch) for event in events]},
    }
