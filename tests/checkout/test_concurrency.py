"""Concurrent completions never allocate more stock than exists, and a doubled completion of
one checkout yields one order. Real PostgreSQL, real threads with their own connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from backend.inventory.models import Allocation, Stock
from backend.order.models import Order, OrderLine
from tests.checkout.conftest import COMPLETE
from tests.checkout.test_checkout import pay_dummy, ready_checkout
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_parallel(calls):
    """Start every call at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def complete_call(checkout_id):
    def call():
        return GraphQLClient(Client()).query(COMPLETE, {"id": checkout_id})["checkoutComplete"]

    return call


@pytest.mark.parametrize(("shoppers", "stock"), [(8, 3), (12, 5)])
def test_parallel_completions_allocate_exactly_the_stock(
    gql, channel, county, rice, settings, shoppers, stock
):
    settings.CHECKOUT_RESERVATION_MINUTES = 0  # every cart may fill; completion decides
    Stock.objects.filter(product_variant=rice).update(quantity=stock)
    checkouts = []
    for _ in range(shoppers):
        checkout = ready_checkout(gql, channel, rice, quantity=1)
        assert pay_dummy(gql, checkout["id"])["errors"] == []
        checkouts.append(checkout["id"])

    results = run_in_parallel([complete_call(c) for c in checkouts])

    placed = [r for r in results if r and r["order"]]
    refused = [r for r in results if r and r["errors"]]
    assert len(placed) == stock
    assert len(refused) == shoppers - stock
    assert {r["errors"][0]["code"] for r in refused} == {"INSUFFICIENT_STOCK"}
    assert Order.objects.count() == stock
    row = Stock.objects.get(product_variant=rice)
    assert (row.quantity, row.quantity_allocated) == (stock, stock)
    assert sum(a.quantity_allocated for a in Allocation.objects.all()) == stock
    assert OrderLine.objects.count() == stock


def test_double_completion_of_one_checkout_yields_one_order(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice, quantity=2)
    assert pay_dummy(gql, checkout["id"])["errors"] == []

    results = run_in_parallel([complete_call(checkout["id"]) for _ in range(4)])

    assert all(r["errors"] == [] for r in results)
    assert len({r["order"]["id"] for r in results}) == 1
    assert Order.objects.count() == 1
    assert Stock.objects.get(product_variant=rice).quantity_allocated == 2
