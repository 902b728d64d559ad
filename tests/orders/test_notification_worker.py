"""An order notification end to end through a REAL Celery worker and a REAL Redis broker:
the cancellation commits to PostgreSQL (transaction=True, so on_commit fires), Celery sends the
task to Redis (database 10, reserved for this test), a worker thread consumes it and the real
notification code texts, mails and records the event."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from backend.order import services
from backend.order.models import OrderEvent, OrderEvents
from tests.celery_worker import redis_reachable, running_worker
from tests.factories import (
    ChannelFactory,
    ProductVariantFactory,
    StockFactory,
    UserFactory,
    WarehouseFactory,
    order_with_lines,
)

TEST_BROKER_DB = 10

pytestmark = pytest.mark.skipif(
    not redis_reachable(TEST_BROKER_DB),
    reason="Redis is unreachable: a real Celery worker needs a broker",
)


@pytest.fixture
def celery_worker():
    with running_worker(TEST_BROKER_DB):
        yield


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
