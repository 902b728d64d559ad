"""Parcels due to return: waiting at the pickup station for PICKUP_RETURN_AFTER_DAYS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from backend.routing.models import ShipmentStatus, TrackingAction, TrackingEvent
from backend.routing.selectors import uncollected_parcels
from backend.routing.services import plan_order
from tests.routing.conftest import paid_order, stock

pytestmark = pytest.mark.django_db


def ready_since(net, days_ago: float):
    order = paid_order(net, [(net["rice"], 1)], village="a1", method="pickup:VA1")
    [shipment] = plan_order(order=order).shipments
    shipment.status = ShipmentStatus.READY_FOR_PICKUP
    shipment.save()
    TrackingEvent.objects.create(
        shipment=shipment,
        station=net["stations"]["VA1"],
        action=TrackingAction.READY_FOR_PICKUP,
        at=timezone.now() - dt.timedelta(days=days_ago),
    )
    return shipment


def test_parcels_uncollected_for_the_configured_days_are_due_to_return(net, settings):
    settings.PICKUP_RETURN_AFTER_DAYS = 7
    stock(net["dc"], net["rice"], 10)
    old = ready_since(net, 7.5)
    ready_since(net, 6)
    assert list(uncollected_parcels(timezone.now())) == [old]
    settings.PICKUP_RETURN_AFTER_DAYS = 5
    assert len(uncollected_parcels(timezone.now())) == 2
