"""FEFO: stock allocation writes which batch each order line took, first expiry first out."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from backend.inventory.allocation import allocate
from backend.order.services import cancel_order
from backend.trace import services
from backend.trace.models import Batch, BatchAllocation, BatchStatus, TraceEvent
from tests.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def taken(order) -> list[tuple[str, int]]:
    return sorted(
        BatchAllocation.objects.filter(order_line__order=order).values_list(
            "batch__lot_number", "quantity"
        )
    )


def test_allocation_writes_the_earliest_expiring_batch_on_the_order_line(trace_world):
    late = trace_world.batch("LATE", quantity=10, packed_days_ago=5, shelf=300)
    early = trace_world.batch("EARLY", quantity=2, packed_days_ago=20, shelf=100)
    order = trace_world.order(3)
    assert taken(order) == [("EARLY", 2), ("LATE", 1)]
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.quantity_allocated, late.quantity_allocated) == (2, 1)
    sale = TraceEvent.objects.filter(batch=early, biz_step="retail_selling").get()
    assert sale.quantity == 2 and sale.source == "allocation"


def test_expired_blocked_and_other_vendors_batches_are_never_chosen(trace_world):
    trace_world.batch("EXPIRED", quantity=5, packed_days_ago=40, shelf=30)
    blocked = trace_world.batch("BLOCKED", quantity=5, packed_days_ago=30, shelf=60)
    Batch.objects.filter(pk=blocked.pk).update(status=BatchStatus.BLOCKED)
    trace_world.batch("GOOD", quantity=5, packed_days_ago=10, shelf=365)
    order = trace_world.order(2)
    assert taken(order) == [("GOOD", 2)]


def test_units_no_batch_covers_are_sold_without_a_batch(trace_world):
    trace_world.batch("SMALL", quantity=1)
    order = trace_world.order(3)
    assert taken(order) == [("SMALL", 1)]
    assert order.lines.get().allocations.get().quantity_allocated == 3


def test_cancelling_gives_the_batch_quantity_back(trace_world):
    batch = trace_world.batch("ONE", quantity=4)
    order = trace_world.order(3, paid=False)
    cancel_order(order, user=trace_world.market.reviewer)
    batch.refresh_from_db()
    assert batch.quantity_allocated == 0
    assert not BatchAllocation.objects.filter(order_line__order=order).exists()
    # The trail says so after the reservation, and the chain still verifies.
    last_two = list(batch.events.order_by("-sequence")[:2])[::-1]
    assert [(e.biz_step, e.disposition, e.quantity) for e in last_two] == [
        ("retail_selling", "reserved", 3),
        ("storing", "sellable_accessible", 3),
    ]
    from backend.trace.chain import verify_batch

    assert verify_batch(batch) == []


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_never_take_more_of_a_batch_than_it_holds(trace_world):
    """Two orders allocate at once from a batch of 3 (stock 20): the batch is never
    over-allocated and its chain does not fork (the batch row lock orders the appends)."""
    batch = trace_world.batch("RACE", quantity=3)
    lines = []
    for _i in range(2):
        order = OrderFactory(channel=trace_world.market.shop.channel)
        lines.append(OrderLineFactory(order=order, variant=trace_world.variant, quantity=2))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(line):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                allocate([line], trace_world.market.shop.channel.pk)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(line,)) for line in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    batch.refresh_from_db()
    assert batch.quantity_allocated == 3
    assert sum(BatchAllocation.objects.filter(batch=batch).values_list("quantity", flat=True)) == 3
    from backend.trace.chain import verify_batch

    assert verify_batch(batch) == []


def test_a_vendor_cannot_record_a_batch_of_another_vendors_variant(trace_world):
    other = trace_world.market.product(user=trace_world.market.other_owner, name="双程酱油")
    with pytest.raises(Exception) as raised:
        services.create_batch(
            actor=trace_world.owner,
            variant=other.variants.get(),
            lot_number="X",
            quantity=1,
            packed_on="2026-01-01",
        )
    assert raised.value.error_dict["variant"][0].code == "NOT_FOUND"
