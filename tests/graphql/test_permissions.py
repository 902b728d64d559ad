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
from tests.graphql.conftest import staff_with

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
# The rest of the families, each on a row that does not exist: past the permission check the
# answer is a typed NOT_FOUND, which is how the "allowed" test tells it was let through.
_MISSING = {
    name: to_global_id(name, 999999)
    for name in (
        "Product",
        "ProductVariant",
        "Category",
        "Collection",
        "Attribute",
        "AttributeValue",
        "ProductType",
        "ProductMedia",
        "Channel",
        "Warehouse",
    )
}
MUTATIONS += [
    (f'{name}(id: "{_MISSING[type_name]}")', permission)
    for name, type_name, permission in (
        ("categoryDelete", "Category", Permission.MANAGE_PRODUCTS),
        ("productDelete", "Product", Permission.MANAGE_PRODUCTS),
        ("productVariantDelete", "ProductVariant", Permission.MANAGE_PRODUCTS),
        ("productMediaDelete", "ProductMedia", Permission.MANAGE_PRODUCTS),
        ("collectionDelete", "Collection", Permission.MANAGE_PRODUCTS),
        ("warehouseDelete", "Warehouse", Permission.MANAGE_PRODUCTS),
        ("productTypeDelete", "ProductType", Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
        ("attributeDelete", "Attribute", Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
        ("attributeValueDelete", "AttributeValue", Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES),
        ("channelDelete", "Channel", Permission.MANAGE_CHANNELS),
    )
] + [
    (
        f'productVariantCreate(input: {{product: "{_MISSING["Product"]}", sku: "x"}})',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productVariantChannelListingUpdate(id: "{_MISSING["ProductVariant"]}", '
        f'input: [{{channelId: "{_MISSING["Channel"]}", price: "1"}}])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productChannelListingUpdate(id: "{_MISSING["Product"]}", input: {{}})',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productMediaUpdate(id: "{_MISSING["ProductMedia"]}", input: {{alt: "x"}})',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productMediaReorder(productId: "{_MISSING["Product"]}", mediaIds: [])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'collectionAddProducts(collectionId: "{_MISSING["Collection"]}", products: [])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'collectionRemoveProducts(collectionId: "{_MISSING["Collection"]}", products: [])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'collectionChannelListingUpdate(id: "{_MISSING["Collection"]}", input: {{}})',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productVariantStocksCreate(variantId: "{_MISSING["ProductVariant"]}", stocks: [])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'productVariantStocksDelete(variantId: "{_MISSING["ProductVariant"]}", warehouseIds: [])',
        Permission.MANAGE_PRODUCTS,
    ),
    (
        f'attributeValueCreate(attribute: "{_MISSING["Attribute"]}", input: {{name: "x"}})',
        Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES,
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


def test_a_customer_holding_a_permission_by_mistake_is_still_refused(client):
    customer = UserFactory(is_staff=False)
    customer.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    response = GraphQLClient(client, create_access_token(customer)).post(
        _mutation('categoryCreate(input: {name: "x"})')
    )
    assert _code(response) == "PERMISSION_DENIED"
    assert not Category.objects.exists()


@pytest.mark.parametrize(("call", "permission"), MUTATIONS)
def test_staff_with_the_permission_through_a_group_is_let_through(client, call, permission):
    staff = GraphQLClient(client, create_access_token(staff_with(permission)))
    body = staff.post(_mutation(call)).json()
    assert "errors" not in body, body["errors"]
    assert isinstance(next(iter(body["data"].values()))["errors"], list)


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
