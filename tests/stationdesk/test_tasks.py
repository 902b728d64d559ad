"""The beat jobs: a reminder 48 hours after a parcel is ready (once), the return after N days."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from backend.order.models import OrderEvents
from backend.routing.models import ShipmentStatus, TrackingAction, TrackingEvent
from backend.stationdesk.models import PickupReminder
from backend.stationdesk.tasks import remind_uncollected_parcels, return_uncollected_parcels
from tests.stationdesk.conftest import code_of, sms_texts

pytestmark = pytest.mark.django_db


def ready_since(desk, hours: float):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    TrackingEvent.objects.create(
        shipment=parcel,
        station=desk.stations["VA1"],
        action=TrackingAction.READY_FOR_PICKUP,
        at=timezone.now() - dt.timedelta(hours=hours),
    )
    return parcel


def test_the_reminder_goes_once_after_48_hours(desk, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    old = ready_since(desk, 49)
    fresh = ready_since(desk, 47)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_uncollected_parcels() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_uncollected_parcels() == 0
    texts = sms_texts(caplog)
    assert len(texts) == 1 and code_of(old) in texts[0]
    assert PickupReminder.objects.filter(shipment=old).exists()
    assert not PickupReminder.objects.filter(shipment=fresh).exists()
    assert old.order.events.filter(parameters__kind="parcel_reminder").count() == 1


def test_the_reminder_hours_are_configurable(desk, settings):
    settings.PARCEL_REMINDER_HOURS = 2
    ready_since(desk, 3)
    assert remind_uncollected_parcels() == 1


def test_uncollected_parcels_return_after_the_configured_days(
    desk, settings, caplog, django_capture_on_commit_callbacks
):
    settings.PICKUP_RETURN_AFTER_DAYS = 3
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    late = ready_since(desk, 3 * 24 + 1)
    waiting = ready_since(desk, 2 * 24)
    with django_capture_on_commit_callbacks(execute=True):
        assert return_uncollected_parcels() == 1
    late.refresh_from_db()
    waiting.refresh_from_db()
    assert late.status == ShipmentStatus.RETURNED
    assert waiting.status == ShipmentStatus.READY_FOR_PICKUP
    assert late.events.filter(action=TrackingAction.RETURNED).exists()
    assert late.order.events.filter(type=OrderEvents.NOTE_ADDED).exists()
    assert late.order.events.filter(parameters__kind="parcel_returned").exists()
    assert any(late.code in text for text in sms_texts(caplog))
    assert return_uncollected_parcels() == 0


def test_a_picked_up_parcel_is_neither_reminded_nor_returned(desk):
    parcel = ready_since(desk, 24 * 30)
    parcel.status = ShipmentStatus.PICKED_UP
    parcel.save()
    assert remind_uncollected_parcels() == 0
    assert return_uncollected_parcels() == 0
