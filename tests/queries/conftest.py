from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    ProductTypeFactory,
    UserFactory,
    WarehouseFactory,
    list_product,
)


class GraphQLClient:
    """Posts queries to /graphql/ through Django's test client, as an API client would."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def post(self, query: str, variables: dict | None = None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        return self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )

    def query(self, query: str, variables: dict | None = None) -> dict:
        response = self.post(query, variables)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


@pytest.fixture
def staff_gql(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture
def channel(db):
    return ChannelFactory()


@pytest.fixture
def warehouse(channel):
    return WarehouseFactory(channels=[channel])


@pytest.fixture
def rice(channel, warehouse):
    """东王集大米 with two pack sizes and an origin attribute, listed in the channel."""
    product_type = ProductTypeFactory(name="粮油", tax_rate=Decimal("0.09"))
    origin = AttributeFactory(name="产地", slug="origin")
    product_type.product_attributes.add(origin)
    town = AttributeValueFactory(attribute=origin, name="东王集镇", slug="dongwangji")
    category = CategoryFactory(name="粮油米面", slug="grain")
    product = ProductFactory(
        name="东王集大米",
        slug="dongwangji-rice",
        product_type=product_type,
        category=category,
        search_document="东王集大米 粮油米面 东王集镇 大米",
    )
    product.attribute_values.add(town)
    list_product(product, channel, prices=(Decimal("39.90"), Decimal("69.00")), warehouse=warehouse)
    return product
