"""Who calls the discount API (a brand manager, a shopper, a vendor's staff, nobody), and a
channel with listed rice to discount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.utils import timezone
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.vendors.models import VendorRole, VendorStaff
from tests.browser.conftest import browser, screenshots, seeded  # noqa: F401  (Chromium)
from tests.conftest import GraphQLClient
from tests.factories import (
    ProductFactory,
    UserFactory,
    VendorFactory,
    list_product,
)
from tests.seed.conftest import seed_copy  # noqa: F401  (the seed test's editable copy)
from tests.storefront_checkout.conftest import county, sms  # noqa: F401  (the web shop)


def gid(type_name: str, pk) -> str:
    return to_global_id(type_name, str(pk))


@pytest.fixture
def brand_manager(db):
    """A brand manager: staff with MANAGE_DISCOUNTS (and nothing else)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_DISCOUNTS.codename)
    )
    return user


@pytest.fixture
def manager_gql(client, brand_manager):
    return GraphQLClient(client, create_access_token(brand_manager))


@pytest.fixture
def shopper_gql(client, db):
    return GraphQLClient(client, create_access_token(UserFactory()))


@pytest.fixture
def vendor_staff_gql(client, db):
    user = UserFactory(is_staff=True)
    VendorStaff.objects.create(vendor=VendorFactory(), user=user, role=VendorRole.OWNER)
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture
def rice(channel, warehouse):
    """A product listed at ¥59.90 and ¥99.00 (two variants) with stock."""
    product = ProductFactory(name="东王集大米")
    variants = list_product(
        product, channel, prices=(Decimal("59.90"), Decimal("99.00")), warehouse=warehouse
    )
    return product, variants


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def window(now):
    return (now - timedelta(hours=1), now + timedelta(days=7))
