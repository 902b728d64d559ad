"""Order notifications: a text message to the checkout's phone and an e-mail, in the order's
language, sent after the change commits and recorded on the order's history."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from backend.order import services
from backend.order.models import OrderEvents
from backend.order.notifications import queue_notification
from backend.payment.services import mark_order_paid
from tests.factories import order_with_lines

pytestmark = pytest.mark.django_db

SENT: list[dict] = []


class RecordingSmsBackend:
    """A stand-in SMS gateway that remembers what it was asked to send and in which language."""

    def send(self, *, phone: str, message: str) -> None:
        SENT.append({"phone": phone, "message": message, "language": translation.get_language()})


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.orders.test_order_notifications.RecordingSmsBackend"
    SENT.clear()
    yield SENT
    SENT.clear()


def _notifications(order) -> list[dict]:
    return [
        event.parameters
        for event in order.events.filter(type=OrderEvents.NOTIFICATION_SENT).order_by("pk")
    ]


def test_cancellation_is_texted_and_mailed_after_commit(
    eager_celery, sms, paid_order, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(paid_order, user=manager)
        assert sms == []  # nothing leaves before the transaction commits

    assert sms == [
        {
            "phone": paid_order.user_phone,
            "message": f"【县域电商】您的订单 {paid_order.number}（¥64.00）已取消。",
            "language": "zh-hans",
        }
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [paid_order.user_email]
    assert message.subject == f"【县域电商】订单 {paid_order.number} 已取消"
    assert str(paid_order.number) in message.body
    assert _notifications(paid_order) == [{"kind": "canceled", "channels": ["sms", "email"]}]


def test_notification_is_sent_in_the_orders_language(
    eager_celery, sms, channel, stocked_variants, django_capture_on_commit_callbacks
):
    order = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], language_code="en")
    with django_capture_on_commit_callbacks(execute=True):
        queue_notification(order, "placed")
    assert [item["language"] for item in sms] == ["en"]
    assert str(order.number) in sms[0]["message"]
    assert "12.80" in sms[0]["message"]


def test_fulfilment_notifies_unless_told_not_to(
    eager_celery, sms, paid_order, manager, django_capture_on_commit_callbacks
):
    first, second = paid_order.lines.order_by("sort_order")
    with django_capture_on_commit_callbacks(execute=True):
        services.fulfill_order(paid_order, [(first, 3)], user=manager, notify_customer=False)
    assert sms == []
    with django_capture_on_commit_callbacks(execute=True):
        services.fulfill_order(paid_order, [(second, 2)], user=manager)
    assert sms[0]["message"] == f"【县域电商】您的订单 {paid_order.number} 已发货，请留意收货。"
    assert _notifications(paid_order) == [{"kind": "fulfilled", "channels": ["sms", "email"]}]


def test_payment_notifies_once_when_the_order_becomes_paid(
    eager_celery, sms, channel, stocked_variants, manager, django_capture_on_commit_callbacks
):
    order = order_with_lines(
        channel=channel, lines=[(stocked_variants[0], 2)], paid=False, user_email=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        mark_order_paid(order, user=manager, psp_reference="R-1")
    assert [item["message"] for item in sms] == [
        f"【县域电商】您的订单 {order.number} 已支付 ¥25.60，我们会尽快为您发货。"
    ]
    assert mail.outbox == []  # no e-mail address given
    assert _notifications(order) == [{"kind": "paid", "channels": ["sms"]}]


def test_rolled_back_change_notifies_nobody(
    eager_celery, sms, paid_order, manager, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.cancel_order(paid_order, user=manager)
        raise RuntimeError("the request failed after cancelling")
    assert callbacks == []
    assert sms == []
    assert mail.outbox == []


def test_order_without_contact_records_no_notification(
    eager_celery, sms, channel, stocked_variants, django_capture_on_commit_callbacks
):
    order = order_with_lines(
        channel=channel, lines=[(stocked_variants[0], 1)], user_phone="", user_email=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        queue_notification(order, "placed")
    assert sms == [] and mail.outbox == []
    assert _notifications(order) == []


def test_unknown_kind_is_a_programming_error(paid_order):
    with pytest.raises(ValueError):
        queue_notification(paid_order, "shipped-by-drone")


def test_default_sms_backend_writes_the_message_to_the_log(
    eager_celery, paid_order, caplog, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.INFO, logger="backend.account.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue_notification(paid_order, "refunded")
    assert (
        f"SMS to {paid_order.user_phone}: 【县域电商】您的订单 {paid_order.number} 已退款"
        in caplog.text
    )
