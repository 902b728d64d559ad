"""Who may change the catalog: anonymous and non-staff users are refused every mutation;
staff need the permission, granted directly or through a permission group."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as DjangoPermission
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.catalog.models import Category
from backend.core.permissions import Permission
from tests.conftest import GraphQLClient
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

# One representative call of every mutation family and the permission it needs.
MUTATIONS = [
    ('categoryCreate(input: {name: "x"})', Permission.MANAGE_PRODUCTS),
    (
        'productCreate(input: {productType: "UHJvZHVjdFR5cGU6MQ==", name: "x"})',
        Permission.MANAGE_PRODUCTS,
    ),
    ('productTypeCreate(input: {name: "x"})', Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
    ('attributeCreate(input: {name: "x"})', Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
    ('collectionCreate(input: {name: "x"})', Permission.MANAGE_PRODUCTS),
    ('warehouseCreate(input: {name: "x"})', Permission.MANAGE_PRODUCTS),
    (
        'channelCreate(input: {name: "x", currencyCode: "CNY", defaultCountry: "CN"})',
        Permission.MANAGE_CHANNELS,
    ),
    (
        'productVariantStocksUpdate(variantId: "UHJvZHVjdFZhcmlhbnQ6MQ==", stocks: [])',
        Permission.MANAGE_PRODUCTS,
    ),
]


def _mutation(call: str) -> str:
    return f"mutation {{ {call} {{ errors {{ code }} }} }}"


def _code(response) -> str:
    return response.json()["errors"][0]["extensions"]["exception"]["code"]


@pytest.mark.parametrize(("call", "permission"), MUTATIONS)
def test_anonymous_is_refused(api_client, call, permission):
    response = api_client.post(_mutation(call))
    assert _code(response) == "PERMISSION_DENIED"
    assert permission.name in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(("call", "permission"), MUTATIONS)
def test_signed_in_shopper_is_refused(client, call, permission):
    shopper = GraphQLClient(client, create_access_token(UserFactory()))
    assert _code(shopper.post(_mutation(call))) == "PERMISSION_DENIED"


@pytest.mark.parametrize(("call", "permission"), MUTATIONS)
def test_staff_without_the_permission_is_refused(client, call, permission):
    others = [p for p in Permission if p != permission]
    user = UserFactory(is_staff=True)
    for other in others:
        user.user_permissions.add(DjangoPermission.objects.get(codename=other.codename))
    staff = GraphQLClient(client, create_access_token(user))
    assert _code(staff.post(_mutation(call))) == "PERMISSION_DENIED"


def test_permission_through_a_group_is_enough(client):
    group = Group.objects.create(name="蔬果上架组")
    group.permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    staff = GraphQLClient(client, create_access_token(user))
    data = staff.query('mutation { categoryCreate(input: {name: "蔬果"}) { errors { code } } }')
    assert data["categoryCreate"]["errors"] == []
    assert Category.objects.filter(name="蔬果").exists()


def test_refused_mutation_writes_nothing(api_client):
    product = ProductFactory(name="原名")
    api_client.post(
        'mutation($id: ID!) { productUpdate(id: $id, input: {name: "改名"}) { errors { code } } }',
        {"id": to_global_id("Product", product.pk)},
    )
    product.refresh_from_db()
    assert product.name == "原名"


def test_mutations_over_get_are_refused(client, db):
    response = client.get(
        "/graphql/",
        {"query": 'mutation { categoryCreate(input: {name: "x"}) { errors { code } } }'},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 405
    assert response.json()["errors"][0]["message"]


def test_default_permission_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"商品管理员", "渠道管理员", "员工管理员"} <= names
    products = Group.objects.get(name="商品管理员")
    codenames = set(products.permissions.values_list("codename", flat=True))
    assert {"manage_products", "manage_product_types_and_attributes"} <= codenames
