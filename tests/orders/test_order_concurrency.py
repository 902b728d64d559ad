"""Two staff members acting on the same order at the same moment: the order row lock makes
the second one see the first one's result, so nothing ships twice and an order is cancelled
once. Real threads against a real PostgreSQL (transactional test database)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backend.core.models import AuditLogEntry
from backend.inventory.models import Stock
from backend.order import services
from backend.order.models import Fulfillment, Order, OrderEvents, OrderStatus
from tests.factories import (
    ChannelFactory,
    ProductVariantFactory,
    StockFactory,
    UserFactory,
    WarehouseFactory,
    order_with_lines,
)

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 6


def _race(action) -> tuple[list[object], list[str]]:
    """Run `action(i)` in PARALLEL threads released at once; (results, error codes)."""
    barrier = threading.Barrier(PARALLEL)
    results: list[object] = []
    codes: list[str] = []
    unexpected: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results.append(action(index))
        except ValidationError as error:
            codes.append(error.error_list[0].code or "")
        except BaseException as error:  # re-raised in the test thread
            unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    return results, codes


@pytest.fixture
def order():
    channel = ChannelFactory()
    warehouse = WarehouseFactory(channels=[channel])
    variant = ProductVariantFactory()
    StockFactory(warehouse=warehouse, product_variant=variant, quantity=10)
    return order_with_lines(channel=channel, lines=[(variant, 4)])


def test_parallel_fulfilments_of_the_same_line_ship_it_once(order):
    staff = [UserFactory(is_staff=True) for _ in range(PARALLEL)]
    line = order.lines.get()

    results, codes = _race(
        lambda i: services.fulfill_order(Order(pk=order.pk), [(line, 4)], user=staff[i])
    )

    assert len(results) == 1
    assert codes == ["FULFILL_ORDER_LINE"] * (PARALLEL - 1)
    assert Fulfillment.objects.count() == 1
    line.refresh_from_db()
    assert line.quantity_fulfilled == 4
    stock = Stock.objects.get()
    assert (stock.quantity, stock.quantity_allocated) == (6, 0)
    assert Order.objects.get().status == OrderStatus.FULFILLED


def test_parallel_partial_fulfilments_never_exceed_the_line(order):
    staff = UserFactory(is_staff=True)
    line = order.lines.get()

    results, codes = _race(
        lambda i: services.fulfill_order(Order(pk=order.pk), [(line, 1)], user=staff)
    )

    # Four units: four fulfilments of one succeed, the rest find nothing left to ship.
    assert len(results) == 4
    assert sorted(codes) == ["FULFILL_ORDER_LINE"] * (PARALLEL - 4)
    assert sorted(Fulfillment.objects.values_list("fulfillment_order", flat=True)) == [1, 2, 3, 4]
    assert Stock.objects.get().quantity == 6


def test_parallel_cancellations_cancel_once(order):
    staff = UserFactory(is_staff=True)

    results, codes = _race(lambda i: services.cancel_order(Order(pk=order.pk), user=staff))

    assert len(results) == 1
    assert codes == ["CANNOT_CANCEL_ORDER"] * (PARALLEL - 1)
    assert order.events.filter(type=OrderEvents.CANCELED).count() == 1
    assert AuditLogEntry.objects.filter(action="order.canceled").count() == 1
    stock = Stock.objects.get()
    assert (stock.quantity, stock.quantity_allocated) == (10, 0)


def test_cancel_racing_fulfil_lets_exactly_one_win(order):
    staff = UserFactory(is_staff=True)
    line = order.lines.get()

    def act(index: int):
        if index % 2:
            return services.cancel_order(Order(pk=order.pk), user=staff)
        return services.fulfill_order(Order(pk=order.pk), [(line, 4)], user=staff)

    results, _codes = _race(act)

    assert len(results) == 1
    final = Order.objects.get()
    stock = Stock.objects.get()
    if final.status == OrderStatus.CANCELED:
        assert (stock.quantity, stock.quantity_allocated) == (10, 0)
        assert not Fulfillment.objects.exists()
    else:
        assert final.status == OrderStatus.FULFILLED
        assert (stock.quantity, stock.quantity_allocated) == (6, 0)
