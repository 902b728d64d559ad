"""Concurrent stock changes are serialised by the row lock: every audit entry's "before" is
the previous entry's "after", so no change is lost or recorded against a stale quantity.
Runs real threads against a real PostgreSQL (transactional test database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from backend.core.models import AuditLogEntry
from backend.inventory.models import Stock
from backend.inventory.services import set_stocks
from tests.factories import ProductVariantFactory, UserFactory, WarehouseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_stock_updates_leave_a_consistent_audit_chain():
    variant = ProductVariantFactory()
    warehouse = WarehouseFactory()
    actor = UserFactory(is_staff=True)
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=0)
    quantities = list(range(1, 13))
    barrier = threading.Barrier(len(quantities))
    failures: list[BaseException] = []

    def worker(quantity: int) -> None:
        try:
            barrier.wait()
            set_stocks(
                variant=variant,
                stocks=[{"warehouse": warehouse, "quantity": quantity}],
                actor=actor,
            )
        except BaseException as error:  # collected and re-raised in the test thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(q,)) for q in quantities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    entries = list(
        AuditLogEntry.objects.filter(action="stock.quantity_set").order_by("created_at", "pk")
    )
    assert len(entries) == len(quantities)
    previous = 0
    for entry in entries:
        assert entry.before["quantity"] == previous
        previous = entry.after["quantity"]
    assert Stock.objects.get().quantity == previous
