"""Eight deliveries of the same payment at the same moment (two providers' retries, a shopper's
return querying the gateway) charge once: real PostgreSQL connections in threads, the
stand-ins on the loopback."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from backend.payment.models import ProcessedWebhookEvent, TransactionEventType, TransactionItem
from backend.payment.services import process_transaction
from tests.payment.native.conftest import open_cashier, post_alipay, post_wechatpay, start

pytestmark = pytest.mark.django_db(transaction=True)


def in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def test_parallel_alipay_notifications_and_queries_charge_once(sandbox, checkout):
    step = start(checkout, "alipay")
    number = step.transaction.token.hex
    open_cashier(step.data["redirect_url"])
    first = sandbox.alipay.pay(number)
    second = sandbox.alipay.notification(sandbox.alipay.trades[number])
    calls = [lambda n=n: post_alipay(n).content for n in (first, second) * 3]
    calls += [lambda: process_transaction(step.transaction).transaction.charged_value] * 2
    in_parallel(calls)
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60")
    assert item.events.filter(type=TransactionEventType.CHARGE_SUCCESS).count() == 1
    assert ProcessedWebhookEvent.objects.filter(gateway="alipay").count() == 2


def test_parallel_wechatpay_notifications_charge_once(sandbox, checkout):
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(step.transaction.token.hex)
    answers = in_parallel([lambda: post_wechatpay(headers, body).status_code] * 8)
    assert answers == [204] * 8
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60")
    assert item.events.filter(type=TransactionEventType.CHARGE_SUCCESS).count() == 1
