"""Recall notices end to end through a REAL Celery worker and a REAL Redis broker (database 12,
reserved for this test): the recall commits to PostgreSQL (transaction=True, so on_commit
fires), Celery sends the task to Redis, a worker thread consumes it and the real task texts and
mails each shopper once and refunds their paid units."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from backend.payment.services import mark_order_paid
from backend.trace import recalls
from backend.trace.models import RecallNotice
from tests.celery_worker import redis_reachable, running_worker
from tests.factories import UserFactory

TEST_BROKER_DB = 12

pytestmark = pytest.mark.skipif(
    not redis_reachable(TEST_BROKER_DB),
    reason="Redis is unreachable: a real Celery worker needs a broker",
)


@pytest.fixture
def celery_worker():
    with running_worker(TEST_BROKER_DB):
        yield


@pytest.mark.django_db(transaction=True)
def test_recall_notices_are_sent_and_refunded_by_a_real_worker(trace_world, celery_worker, sms):
    batch = trace_world.batch("WORKER-1", quantity=5)
    shopper = UserFactory(phone="+8613900007777", email="w@example.com")
    order = trace_world.order(
        2, paid=False, user=shopper, user_phone="13900007777", user_email="w@example.com"
    )
    mark_order_paid(order, user=trace_world.market.reviewer)
    recall = recalls.open_recall(actor=trace_world.inspector, batch=batch, reason="镉超标")
    deadline = time.time() + 60
    notice = RecallNotice.objects.get(recall=recall)
    while time.time() < deadline and (notice.notified_at is None or notice.refunded_amount is None):
        time.sleep(0.3)
        notice.refresh_from_db()
    assert notice.notified_at is not None and notice.refunded_amount is not None
    assert [m.to for m in mail.outbox if "召回" in m.subject] == [["w@example.com"]]
    [text] = [t for t in sms("13900007777") if "召回通知" in t]
    # The whole address of the acknowledgement page, so the shopper can tap it.
    assert f"http://127.0.0.1:8000/trace/recall/{notice.token}/" in text
