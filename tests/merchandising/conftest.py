"""Fixtures of the merchandising tests: the storefront's small shop (brand, channel, products
with origin and certification values) and a brand manager who manages merchandising."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.utils import timezone

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from tests.conftest import GraphQLClient
from tests.factories import UserFactory
from tests.storefront.conftest import Shop, rice, shop  # noqa: F401  (fixtures)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> datetime:
    """An instant given as Asia/Shanghai wall-clock time."""
    return datetime(*args, tzinfo=SHANGHAI)


class Clock:
    """Sets the instant `django.utils.timezone.now()` returns (no time-travel package is
    installed; every module here reads the time through `timezone.now()`)."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, instant: datetime) -> None:
        self._monkeypatch.setattr(timezone, "now", lambda: instant)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def make_manager(**fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_MERCHANDISING.codename)
    )
    return user


@pytest.fixture
def manager(db):
    return make_manager()


@pytest.fixture
def manager_gql(client, manager):
    return GraphQLClient(client, create_access_token(manager))


@pytest.fixture
def product_staff_gql(client, db):
    """Staff without the merchandising permission."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    return GraphQLClient(client, create_access_token(user))


__all__ = ["Clock", "Shop", "make_manager", "shanghai"]
