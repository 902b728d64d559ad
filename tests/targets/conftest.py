"""Fixtures of the dashboard tests: the poverty zone's fixture (real certification and ledger
hook), county office staff, and helpers to place orders at a given instant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from tests.browser.conftest import browser, screenshots, seeded
from tests.factories import OrderFactory, UserFactory
from tests.poverty.conftest import Zone, zone
from tests.routing.conftest import eager_celery, net
from tests.training.conftest import local

__all__ = [
    "Zone",
    "browser",
    "eager_celery",
    "local",
    "net",
    "screenshots",
    "seeded",
    "zone",
]


def county_staff():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename="view_dashboard", content_type__app_label="targets")
    )
    return user


@pytest.fixture
def office(db):
    return county_staff()


def order_at(channel, when: dt.datetime, total: str, **fields):
    """An order placed at `when` with its totals (created_at is set after the insert, since
    the field defaults to now)."""
    order = OrderFactory(channel=channel, **fields)
    amount = Decimal(total)
    order.subtotal_gross_amount = order.total_gross_amount = amount
    order.subtotal_net_amount = order.total_net_amount = amount
    order.save()
    type(order).objects.filter(pk=order.pk).update(created_at=when)
    order.refresh_from_db()
    return order
