"""Trace events from the station scans: a parcel's custody changes become events of the batches
its order lines took (backend/trace/fefo.py), so the journey through the county's stations is
part of every batch's trace. Called by the station desk right after it writes its own
TrackingEvent, inside the same transaction."""

from __future__ import annotations

from backend.routing.models import TrackingAction, TrackingEvent
from backend.trace.models import BatchAllocation, BizStep, EventSource, ReadPointKind

# The scans that move goods, as CBV business steps (EPCIS 2.0 / CBV 2.0).
STEP_OF_ACTION = {
    TrackingAction.RECEIVED: (BizStep.RECEIVING, "in_transit"),
    TrackingAction.DISPATCHED: (BizStep.SHIPPING, "in_transit"),
    TrackingAction.OUT_FOR_DELIVERY: (BizStep.SHIPPING, "in_transit"),
    TrackingAction.DELIVERED: (BizStep.RETAIL_SELLING, "retail_sold"),
    TrackingAction.PICKED_UP: (BizStep.RETAIL_SELLING, "retail_sold"),
}


def parcel_scanned(event: TrackingEvent) -> int:
    """Append the scan to each batch in the parcel; returns how many events were written."""
    from backend.trace.services import append_event

    step = STEP_OF_ACTION.get(event.action)  # type: ignore[call-overload]
    if step is None or event.station_id is None:
        return 0
    rows = (
        BatchAllocation.objects.filter(order_line__shipment_lines__shipment_id=event.shipment_id)
        .select_related("batch")
        .order_by("batch_id")
        .distinct()
    )
    per_batch: dict[int, tuple[object, int]] = {}
    for row in rows:
        batch, quantity = per_batch.get(row.batch_id, (row.batch, 0))
        per_batch[row.batch_id] = (batch, quantity + row.quantity)
    station = event.station
    for batch, quantity in per_batch.values():
        append_event(
            batch=batch,  # type: ignore[arg-type]
            biz_step=step[0],
            disposition=step[1],
            event_time=event.at,
            read_point_kind=ReadPointKind.STATION,
            read_point_id=station.code,  # type: ignore[union-attr]
            read_point_name=station.name,  # type: ignore[union-attr]
            source=EventSource.STATION_SCAN,
            actor=event.actor,
            recorder_label=station.name,  # type: ignore[union-attr]
            quantity=quantity,
            shipment_code=event.shipment.code,
        )
    return len(per_batch)
