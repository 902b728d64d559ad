"""Fixtures of the order tests: stocked variants in a channel, paid orders built with the
factories (not through checkout), an order manager, a shopper and their API clients."""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.celery import app as celery_app
from backend.core.permissions import Permission
from tests.conftest import GraphQLClient
from tests.factories import (
    ProductVariantFactory,
    StockFactory,
    UserFactory,
    WarehouseFactory,
    order_with_lines,
)
from tests.graphql.conftest import staff_with


def gid(type_name: str, pk) -> str:
    return to_global_id(type_name, str(pk))


@pytest.fixture
def stocked_variants(channel):
    """Two variants with 10 units each in a warehouse of the channel."""
    warehouse = WarehouseFactory(channels=[channel])
    variants = [ProductVariantFactory(), ProductVariantFactory()]
    for variant in variants:
        StockFactory(warehouse=warehouse, product_variant=variant, quantity=10)
    return variants


@pytest.fixture
def shopper(db):
    return UserFactory(phone="13912345678", email="shopper@example.com")


@pytest.fixture
def paid_order(channel, stocked_variants, shopper):
    """A paid order of the shopper: 3 × the first variant, 2 × the second (allocated)."""
    first, second = stocked_variants
    return order_with_lines(channel=channel, lines=[(first, 3), (second, 2)], user=shopper)


@pytest.fixture
def manager(db):
    return staff_with(Permission.MANAGE_ORDERS, group_name="订单管理员（测试）")


@pytest.fixture
def manager_gql(client, manager):
    return GraphQLClient(client, create_access_token(manager))


@pytest.fixture
def shopper_gql(client, shopper):
    return GraphQLClient(client, create_access_token(shopper))


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (the newcomer default, when no broker is configured)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
