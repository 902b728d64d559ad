"""An order notification end to end through a REAL Celery worker and a REAL Redis broker:
the cancellation commits to PostgreSQL (transaction=True, so on_commit fires), Celery sends the
task to Redis (database 10, reserved for this test), a worker thread consumes it and the real
notification code texts, mails and records the event."""

from __future__ import annotations

import os
import time

import pytest
import redis
from django.core import mail
from django.db import connections

from backend.celery import app as celery_app
from backend.order import services
from backend.order.models import OrderEvent, OrderEvents
from tests.factories import (
    ChannelFactory,
    ProductVariantFactory,
    StockFactory,
    UserFactory,
    WarehouseFactory,
    order_with_lines,
)

TEST_BROKER_DB = 10


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
def test_cancellation_notice_is_sent_by_a_real_worker(celery_worker):
    channel = ChannelFactory()
    variant = ProductVariantFactory()
    StockFactory(
        warehouse=WarehouseFactory(channels=[channel]), product_variant=variant, quantity=5
    )
    order = order_with_lines(channel=channel, lines=[(variant, 2)])

    services.cancel_order(order, user=UserFactory(is_staff=True))

    deadline = time.monotonic() + 30
    event = None
    while time.monotonic() < deadline and event is None:
        event = OrderEvent.objects.filter(order=order, type=OrderEvents.NOTIFICATION_SENT).first()
        time.sleep(0.2)
    assert event is not None, "the worker did not send the notification within 30 s"
    assert event.parameters == {"kind": "canceled", "channels": ["sms", "email"]}
    assert [message.to for message in mail.outbox] == [[order.user_email]]
    assert mail.outbox[0].subject == f"【县域电商】订单 {order.number} 已取消"
