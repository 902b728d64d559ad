"""Which order line took which batch: FEFO (first expiry, first out).

Called by backend/inventory/allocation.py right after it allocated stock to order lines, inside
the same transaction and after the stock rows are locked; the batch rows of the variants are
then locked in primary-key order, so the lock order is always stocks → batches and two
checkouts never wait on each other in a cycle. Units no recorded batch covers (a vendor who does
not record batches yet) stay unassigned; the order is never refused for it. Blocked and recalled
batches, and expired ones, are never chosen.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.trace.models import (
    Batch,
    BatchAllocation,
    BatchStatus,
    BizStep,
    EventSource,
    ReadPointKind,
)


def assign_batches(allocations) -> list[BatchAllocation]:
    """Write the FEFO batch choice for the lines of fresh stock allocations."""
    per_line: dict[object, int] = defaultdict(int)
    lines: dict[object, Any] = {}
    for allocation in allocations:
        line = allocation.order_line
        per_line[line.pk] += allocation.quantity_allocated
        lines[line.pk] = line
    if not per_line:
        return []
    variant_ids = {line.variant_id for line in lines.values()}  # type: ignore[attr-defined]
    today = timezone.localdate()
    batches = list(
        Batch.objects.select_for_update()
        .filter(
            variant_id__in=variant_ids,
            status=BatchStatus.ACTIVE,
            expires_on__gte=today,
            quantity__gt=F("quantity_allocated") + F("quantity_blocked"),
        )
        .order_by("pk")
    )
    if not batches:
        return []
    by_variant: dict[int, list[Batch]] = defaultdict(list)
    for batch in sorted(batches, key=lambda b: (b.expires_on, b.packed_on or today, b.pk)):
        by_variant[batch.variant_id].append(batch)
    rows: list[BatchAllocation] = []
    taken: dict[int, int] = defaultdict(int)
    for line_pk, quantity in per_line.items():
        line = lines[line_pk]
        needed = quantity
        for batch in by_variant.get(line.variant_id, []):  # type: ignore[attr-defined]
            vendor_id = getattr(line, "vendor_id", None)
            if vendor_id and batch.vendor_id != vendor_id:
                continue
            free = batch.quantity - batch.quantity_allocated - batch.quantity_blocked
            free -= taken[batch.pk]
            take = min(needed, free)
            if take <= 0:
                continue
            rows.append(BatchAllocation(order_line=line, batch=batch, quantity=take))
            taken[batch.pk] += take
            needed -= take
            if not needed:
                break
    for batch_pk, quantity in taken.items():
        Batch.objects.filter(pk=batch_pk).update(
            quantity_allocated=F("quantity_allocated") + quantity
        )
    created = BatchAllocation.objects.bulk_create(rows)
    _record_sales(created)
    return created


def _record_order_event(row: BatchAllocation, when, *, biz_step: str, disposition: str, note=""):
    """An online order's event on the allocated batch's trail (without the shopper: the
    public page shows only the quantity)."""
    from backend.trace.services import append_event

    append_event(
        batch=row.batch,
        biz_step=biz_step,
        event_time=when,
        read_point_kind=ReadPointKind.WAREHOUSE,
        read_point_id=f"vendor-{row.batch.vendor_id}",
        read_point_name=_("线上订单"),
        source=EventSource.ALLOCATION,
        quantity=row.quantity,
        disposition=disposition,
        note=note,
    )


def _record_sales(rows: list[BatchAllocation]) -> None:
    """One retail_selling event per batch and order: the sale is part of the batch's journey."""
    now = timezone.now()
    for row in rows:
        _record_order_event(row, now, biz_step=BizStep.RETAIL_SELLING, disposition="reserved")


def release_batches(order) -> int:
    """Give back the batch quantities of a cancelled order's lines (deallocate_order), and
    say so on each batch's trail: the reservation's 售出 event stays (the chain is
    append-only), followed by the units going back to stock, so the public journey does not
    show a sale that did not happen as the last word."""
    rows = list(
        BatchAllocation.objects.filter(order_line__order=order)
        .select_related("batch")
        .order_by("batch_id", "pk")
    )
    if not rows:
        return 0
    list(
        Batch.objects.select_for_update()
        .filter(pk__in={row.batch_id for row in rows})
        .order_by("pk")
    )
    released = 0
    now = timezone.now()
    for row in rows:
        Batch.objects.filter(pk=row.batch_id).update(
            quantity_allocated=F("quantity_allocated") - row.quantity
        )
        _record_order_event(
            row,
            now,
            biz_step=BizStep.STORING,
            disposition="sellable_accessible",
            note=_("订单取消，数量退回本批次"),
        )
        released += row.quantity
    BatchAllocation.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return released
