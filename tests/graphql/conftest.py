"""Fixtures of the GraphQL API tests: clients that post to /graphql/ like a real API client
(JSON body, optional `Authorization: Bearer` access token), staff with permissions granted the
way the county grants them (permission groups), and the rows most tests start from."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as DjangoPermission
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from tests.conftest import GraphQLClient
from tests.factories import ChannelFactory, ProductFactory, UserFactory


def gid(instance) -> str:
    """The Relay global ID of a row, as the API spells it."""
    return to_global_id(type(instance).__name__, instance.pk)


def staff_with(*permissions: Permission, group_name: str = "测试员工组"):
    """A staff member holding `permissions` through a permission group."""
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.set(
        [DjangoPermission.objects.get(codename=permission.codename) for permission in permissions]
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def api_client(client):
    """An anonymous API client; `api_client.token = ...` signs it in."""
    return GraphQLClient(client)


@pytest.fixture
def staff_user(db):
    return staff_with(
        Permission.MANAGE_PRODUCTS,
        Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,
        Permission.MANAGE_CHANNELS,
    )


@pytest.fixture
def staff_api_client(client, staff_user):
    """A staff member who manages products, product types, attributes and channels."""
    return GraphQLClient(client, create_access_token(staff_user))


@pytest.fixture
def channel(db):
    return ChannelFactory()


@pytest.fixture
def product(db):
    return ProductFactory()


@pytest.fixture
def row_counts():
    """Row counts of every table the mutations write, to prove a refused mutation wrote
    nothing."""

    def counts() -> dict[str, int]:
        return {
            model._meta.label: model.objects.count()
            for label in ("catalog", "inventory", "channel", "core", "account", "auth")
            for model in apps.get_app_config(label).get_models()
        }

    return counts
