"""Recall notices end to end through a REAL Celery worker and a REAL Redis broker (database 12,
reserved for this test): the recall commits to PostgreSQL (transaction=True, so on_commit
fires), Celery sends the task to Redis, a worker thread consumes it and the real task texts and
mails each shopper once and refunds their paid units."""

from __future__ import annotations

import os
import time

import pytest
import redis
from django.core import mail
from django.db import connections

from backend.celery import app as celery_app
from backend.payment.services import mark_order_paid
from backend.trace import recalls
from backend.trace.models import RecallNotice
from tests.factories import UserFactory

TEST_BROKER_DB = 12


def _broker_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{TEST_BROKER_DB}"


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(_broker_url(), socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_reachable(), reason="Redis is unreachable: a real Celery worker needs a broker"
)


@pytest.fixture
def celery_worker():
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")
    }
    celery_app.conf.update(broker_url=_broker_url(), task_always_eager=False, result_backend=None)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None

    def close_worker_connections(**_kwargs):
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(close_worker_connections)
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


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
    assert len([t for t in sms("13900007777") if "召回通知" in t]) == 1
