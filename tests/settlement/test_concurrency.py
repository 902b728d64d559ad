"""Parallel drafts and issues of one vendor's statements: one statement per vendor-period, one
issue, every sale on one statement. Real PostgreSQL, real threads with their own connections."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backend.core.models import AuditLogEntry
from backend.settlement import services
from backend.settlement.models import StatementLine, StatementStatus, VendorStatement
from tests.settlement.conftest import at, deliver, make_order, refund

pytestmark = pytest.mark.django_db(transaction=True)

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def run_in_parallel(calls):
    """Start every call at the same moment, each in its own thread and DB connection; a
    ValidationError is returned in place of a result."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except ValidationError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def sales(channel, vendor):
    for day in (3, 17, 30):
        order, (line,) = make_order(channel, [{"vendor": vendor, "price": "10.00"}])
        deliver([line], at(2026, 3, day))
        refund(order, "1.00", at(2026, 3, day, 18))


def draft_call(vendor, period, actor):
    return lambda: services.draft_statement(
        vendor=vendor, period_start=period[0], period_end=period[1], actor=actor
    )


def test_parallel_drafts_of_one_vendor_period_make_one_statement(vendor, manager, sales):
    results = run_in_parallel([draft_call(vendor, MARCH, manager) for _ in range(4)])

    assert all(isinstance(r, VendorStatement) for r in results)
    assert len({r.pk for r in results}) == 1
    statement = VendorStatement.objects.get()
    assert statement.line_count == 6 == statement.lines.count()
    assert str(statement.net_amount) == "25.65"  # 30 − 3 − (1.50 − 0.15)


def test_parallel_drafts_of_two_periods_put_each_sale_on_one_statement(vendor, manager, sales):
    run_in_parallel([draft_call(vendor, MARCH, manager), draft_call(vendor, APRIL, manager)] * 2)

    assert VendorStatement.objects.count() == 2
    counts = Counter(StatementLine.objects.filter(kind="sale").values_list("shipment_line_id"))
    assert len(counts) == 3
    assert set(counts.values()) == {1}
    assert StatementLine.objects.filter(kind="refund").count() == 3


def test_parallel_issues_issue_once(vendor, manager, sales):
    statement = draft_call(vendor, MARCH, manager)()

    results = run_in_parallel(
        [lambda: services.issue_statement(statement=statement, actor=manager)] * 4
        + [draft_call(vendor, MARCH, manager)] * 2
    )

    issued = [r for r in results[:4] if isinstance(r, VendorStatement)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(issued) == 1
    assert {error.error_list[0].code for error in refused} == {"NOT_DRAFT"}
    statement.refresh_from_db()
    assert statement.status == StatementStatus.ISSUED
    assert statement.lines.count() == 6
    assert AuditLogEntry.objects.filter(action="settlement.statement_issued").count() == 1
