"""Staff mutations of the catalog: happy paths, typed errors, nothing written on error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from backend.catalog.models import (
    Attribute,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.core.models import AuditLogEntry
from backend.inventory.models import Stock
from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    ProductTypeFactory,
    ProductVariantFactory,
    list_product,
)

pytestmark = pytest.mark.django_db


def gid(instance) -> str:
    return to_global_id(type(instance).__name__, instance.pk)


def test_category_create_under_parent_with_generated_chinese_slug(staff_api_client):
    parent = CategoryFactory(name="粮油米面")
    data = staff_api_client.query(
        """mutation($parent: ID) { categoryCreate(parent: $parent,
             input: {name: "大米", seo: {title: "灌云大米"}}) {
             category { name slug parent { name } seoTitle } errors { field code } } }""",
        {"parent": gid(parent)},
    )["categoryCreate"]
    assert data["errors"] == []
    assert data["category"] == {
        "name": "大米",
        "slug": "大米",
        "parent": {"name": "粮油米面"},
        "seoTitle": "灌云大米",
    }


def test_category_without_a_name_is_refused_and_writes_nothing(staff_api_client, row_counts):
    before = row_counts()
    data = staff_api_client.query(
        'mutation { categoryCreate(input: {name: ""}) { category { id } errors { field code } } }'
    )["categoryCreate"]
    assert data == {"category": None, "errors": [{"field": "name", "code": "REQUIRED"}]}
    assert row_counts() == before


def test_category_delete_and_unknown_id(staff_api_client):
    category = CategoryFactory()
    data = staff_api_client.query(
        "mutation($id: ID!) { categoryDelete(id: $id) { category { id } errors { code } } }",
        {"id": gid(category)},
    )["categoryDelete"]
    assert data["errors"] == [] and data["category"]["id"] == gid(category)
    assert not Category.objects.filter(pk=category.pk).exists()
    again = staff_api_client.query(
        "mutation($id: ID!) { categoryDelete(id: $id) { errors { field code } } }",
        {"id": gid(category)},
    )["categoryDelete"]
    assert again["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


PRODUCT_CREATE = """
mutation($input: ProductCreateInput!) { productCreate(input: $input) {
  product { name slug productType { name } attributes { attribute { slug } values { name } } }
  errors { field code message } } }"""


@pytest.fixture
def grain_type():
    product_type = ProductTypeFactory(name="粮油")
    origin = AttributeFactory(slug="origin", name="产地")
    AttributeValueFactory(attribute=origin, name="东王集镇", slug="dongwangji")
    weight = AttributeFactory(slug="net-weight", name="净含量", input_type="numeric", unit="kg")
    product_type.product_attributes.add(origin, weight)
    return product_type


def test_product_create_with_dropdown_and_numeric_attributes(staff_api_client, grain_type):
    origin = Attribute.objects.get(slug="origin")
    weight = Attribute.objects.get(slug="net-weight")
    data = staff_api_client.query(
        PRODUCT_CREATE,
        {
            "input": {
                "productType": gid(grain_type),
                "name": "东王集大米",
                "description": {"blocks": [{"type": "paragraph", "data": {"text": "稻香"}}]},
                "attributes": [
                    {"id": gid(origin), "values": ["东王集镇"]},
                    {"id": gid(weight), "numeric": "5"},
                ],
            }
        },
    )["productCreate"]
    assert data["errors"] == []
    assert data["product"]["slug"] == "东王集大米"
    assert data["product"]["attributes"] == [
        {"attribute": {"slug": "origin"}, "values": [{"name": "东王集镇"}]},
        {"attribute": {"slug": "net-weight"}, "values": [{"name": "5"}]},
    ]
    product = Product.objects.get(slug="东王集大米")
    assert product.description_plaintext == "稻香"
    assert "大米" in product.search_document


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ([{"id": "origin", "values": ["火星"]}], "INVALID"),
        ([{"id": "net-weight", "numeric": "很多"}], "INVALID"),
        ([{"id": "stranger", "values": ["x"]}], "ATTRIBUTE_NOT_ASSIGNED"),
        (
            [{"id": "origin", "values": ["东王集镇"]}, {"id": "origin", "values": ["东王集镇"]}],
            "DUPLICATED_INPUT_ITEM",
        ),
    ],
)
def test_product_create_with_bad_attribute_values_writes_nothing(
    staff_api_client, grain_type, row_counts, attributes, code
):
    AttributeFactory(slug="stranger")
    ids = {a.slug: gid(a) for a in Attribute.objects.all()}
    before = row_counts()
    data = staff_api_client.query(
        PRODUCT_CREATE,
        {
            "input": {
                "productType": gid(grain_type),
                "name": "坏商品",
                "attributes": [{**item, "id": ids[item["id"]]} for item in attributes],
            }
        },
    )["productCreate"]
    assert data["product"] is None
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("attributes", code)]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("product_type", "code"),
    [
        ("garbage", "GRAPHQL_ERROR"),
        ("Q2F0ZWdvcnk6MQ==", "GRAPHQL_ERROR"),
        ("UHJvZHVjdFR5cGU6OTk5OTk=", "NOT_FOUND"),
    ],
)
def test_product_create_with_bad_product_type_id(staff_api_client, row_counts, product_type, code):
    before = row_counts()
    data = staff_api_client.query(
        PRODUCT_CREATE, {"input": {"productType": product_type, "name": "x"}}
    )["productCreate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("productType", code)]
    assert row_counts() == before


def test_duplicate_slug_is_a_unique_error(staff_api_client, grain_type):
    ProductFactory(slug="taken")
    data = staff_api_client.query(
        PRODUCT_CREATE, {"input": {"productType": gid(grain_type), "name": "x", "slug": "taken"}}
    )["productCreate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("slug", "UNIQUE")]


def test_product_update_and_delete(staff_api_client):
    product = ProductFactory(name="旧名")
    data = staff_api_client.query(
        """mutation($id: ID!) { productUpdate(id: $id, input: {name: "新名", weight: 2.5})
             { product { name weight { unit value } } errors { code } } }""",
        {"id": gid(product)},
    )["productUpdate"]
    assert data == {
        "product": {"name": "新名", "weight": {"unit": "KG", "value": 2.5}},
        "errors": [],
    }
    data = staff_api_client.query(
        "mutation($id: ID!) { productDelete(id: $id) { errors { code } } }", {"id": gid(product)}
    )
    assert data["productDelete"]["errors"] == []
    assert not Product.objects.filter(pk=product.pk).exists()


VARIANT_CREATE = """
mutation($input: ProductVariantCreateInput!) { productVariantCreate(input: $input) {
  productVariant { sku stocks { quantity warehouse { slug } } } errors { field code } } }"""


def test_variant_create_with_stock_and_duplicate_sku(staff_api_client, warehouse, row_counts):
    product = ProductFactory()
    variables = {
        "input": {
            "product": gid(product),
            "sku": "RICE-5KG",
            "name": "5kg",
            "stocks": [{"warehouse": gid(warehouse), "quantity": 30}],
        }
    }
    data = staff_api_client.query(VARIANT_CREATE, variables)["productVariantCreate"]
    assert data["errors"] == []
    assert data["productVariant"]["stocks"] == [
        {"quantity": 30, "warehouse": {"slug": warehouse.slug}}
    ]
    before = row_counts()
    again = staff_api_client.query(VARIANT_CREATE, variables)["productVariantCreate"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("sku", "UNIQUE")]
    assert row_counts() == before


def test_negative_stock_in_variant_create_writes_no_variant(
    staff_api_client, warehouse, row_counts
):
    before = row_counts()
    data = staff_api_client.query(
        VARIANT_CREATE,
        {
            "input": {
                "product": gid(ProductFactory()),
                "sku": "NEG-1",
                "stocks": [{"warehouse": gid(warehouse), "quantity": -3}],
            }
        },
    )["productVariantCreate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("quantity", "INVALID")]
    after = row_counts()
    assert after["catalog.ProductVariant"] == before["catalog.ProductVariant"] + 0
    assert after["catalog.Product"] == before["catalog.Product"] + 1  # the fixture's product


LISTING = """
mutation($id: ID!, $input: ProductChannelListingUpdateInput!) {
  productChannelListingUpdate(id: $id, input: $input) { errors { field code } } }"""
PRICES = """
mutation($id: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
  productVariantChannelListingUpdate(id: $id, input: $input) {
    variant { pricing { price { gross { amount } } } channelListings { price { amount } } }
    errors { field code } } }"""


def test_publish_product_and_price_variant(staff_api_client, api_client, channel):
    variant = ProductVariantFactory()
    product = variant.product
    data = staff_api_client.query(
        LISTING,
        {
            "id": gid(product),
            "input": {
                "updateChannels": [
                    {"channelId": gid(channel), "isPublished": True, "isAvailableForPurchase": True}
                ]
            },
        },
    )
    assert data["productChannelListingUpdate"]["errors"] == []
    data = staff_api_client.query(
        PRICES, {"id": gid(variant), "input": [{"channelId": gid(channel), "price": 12.8}]}
    )["productVariantChannelListingUpdate"]
    assert data["errors"] == []
    listing = ProductVariantChannelListing.objects.get(variant=variant)
    assert listing.price_amount == Decimal("12.80")
    assert ProductChannelListing.objects.get(product=product).discounted_price_amount == Decimal(
        "12.80"
    )
    assert AuditLogEntry.objects.filter(action="variant.price_changed").count() == 1
    shopper_view = api_client.query(
        'query($slug: String) { product(slug: $slug, channel: "guanyun") { name } }',
        {"slug": product.slug},
    )
    assert shopper_view["product"] == {"name": product.name}


@pytest.mark.parametrize(
    ("price", "code"),
    [(-1, "INVALID_PRICE"), ("12.345", "INVALID_PRICE"), ("abc", "INVALID_PRICE")],
)
def test_bad_prices_are_refused_and_write_nothing(
    staff_api_client, channel, row_counts, price, code
):
    variant = ProductVariantFactory()
    list_product(variant.product, channel)
    before = row_counts()
    response = staff_api_client.post(
        PRICES, {"id": gid(variant), "input": [{"channelId": gid(channel), "price": price}]}
    )
    body = response.json()
    if "errors" in body:  # a value the scalar cannot parse is refused by GraphQL itself
        assert response.status_code in (200, 400)
        assert body["errors"][0]["extensions"]["exception"]["code"] == "GRAPHQL_ERROR"
    else:
        errors = body["data"]["productVariantChannelListingUpdate"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("price", code)]
    assert row_counts() == before


def test_price_in_a_channel_the_product_is_not_in(staff_api_client, channel):
    variant = ProductVariantFactory()
    data = staff_api_client.query(
        PRICES, {"id": gid(variant), "input": [{"channelId": gid(channel), "price": "9.90"}]}
    )["productVariantChannelListingUpdate"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [
        ("channelId", "PRODUCT_NOT_ASSIGNED_TO_CHANNEL")
    ]


def test_unknown_channel_in_listing_update(staff_api_client):
    product = ProductFactory()
    data = staff_api_client.query(
        LISTING,
        {
            "id": gid(product),
            "input": {"updateChannels": [{"channelId": to_global_id("Channel", 999999)}]},
        },
    )
    assert data["productChannelListingUpdate"]["errors"] == [
        {"field": "channelId", "code": "NOT_FOUND"}
    ]


def test_collection_lifecycle(staff_api_client, channel):
    rice, flour = ProductVariantFactory().product, ProductVariantFactory().product
    data = staff_api_client.query(
        """mutation($products: [ID!]) { collectionCreate(input: {name: "年货", products: $products})
             { collection { id slug } errors { code } } }""",
        {"products": [gid(rice)]},
    )["collectionCreate"]
    assert data["errors"] == []
    collection_id = data["collection"]["id"]
    staff_api_client.query(
        """mutation($id: ID!, $p: [ID!]!) { collectionAddProducts(collectionId: $id, products: $p)
             { errors { code } } }""",
        {"id": collection_id, "p": [gid(flour)]},
    )
    collection = Collection.objects.get()
    assert set(collection.products.all()) == {rice, flour}
    staff_api_client.query(
        """mutation($id: ID!, $p: [ID!]!) { collectionRemoveProducts(collectionId: $id,
             products: $p) { errors { code } } }""",
        {"id": collection_id, "p": [gid(rice)]},
    )
    assert list(collection.products.all()) == [flour]
    data = staff_api_client.query(
        """mutation($id: ID!, $c: ID!) { collectionChannelListingUpdate(id: $id,
             input: {addChannels: [{channelId: $c, isPublished: true}]}) { errors { code } } }""",
        {"id": collection_id, "c": gid(channel)},
    )
    assert data["collectionChannelListingUpdate"]["errors"] == []
    assert collection.channel_listings.get().is_published


def test_product_type_and_attribute_mutations(staff_api_client):
    data = staff_api_client.query(
        """mutation { attributeCreate(input: {name: "产地", inputType: DROPDOWN,
             values: [{name: "伊山镇"}, {name: "杨集镇"}]}) {
             attribute { id slug choices { name } } errors { code } } }"""
    )["attributeCreate"]
    assert data["errors"] == []
    assert [c["name"] for c in data["attribute"]["choices"]] == ["伊山镇", "杨集镇"]
    attribute_id = data["attribute"]["id"]
    data = staff_api_client.query(
        """mutation($a: [ID!]) { productTypeCreate(input: {name: "酒水", kind: PROCESSED_FOOD,
             taxRate: "0.13", weight: 1.2, productAttributes: $a}) {
             productType { kind taxRate weight { value } productAttributes { slug } }
             errors { code } } }""",
        {"a": [attribute_id]},
    )["productTypeCreate"]
    assert data == {
        "productType": {
            "kind": "PROCESSED_FOOD",
            "taxRate": 0.13,
            "weight": {"value": 1.2},
            "productAttributes": [{"slug": "产地"}],
        },
        "errors": [],
    }
    bad = staff_api_client.query(
        'mutation { productTypeCreate(input: {name: "x", taxRate: "1.5"}) '
        "{ errors { field code } } }"
    )["productTypeCreate"]
    assert bad["errors"] == [{"field": "taxRate", "code": "INVALID"}]
    value = staff_api_client.query(
        """mutation($a: ID!) { attributeValueCreate(attribute: $a,
             input: {name: "伊山", slug: "伊山镇"}) { errors { field code } } }""",
        {"a": attribute_id},
    )["attributeValueCreate"]
    assert value["errors"] == [{"field": "slug", "code": "UNIQUE"}]


def test_product_in_use_by_a_protected_reference_cannot_be_deleted(staff_api_client):
    product_type = ProductTypeFactory()
    ProductFactory(product_type=product_type)
    data = staff_api_client.query(
        "mutation($id: ID!) { productTypeDelete(id: $id) { errors { field code } } }",
        {"id": gid(product_type)},
    )["productTypeDelete"]
    assert data["errors"] == [{"field": None, "code": "CANNOT_DELETE"}]


def test_media_reorder_requires_every_image(staff_api_client):
    from backend.catalog.models import ProductMedia

    product = ProductFactory()
    first = ProductMedia.objects.create(product=product, image="a.png", sort_order=0)
    second = ProductMedia.objects.create(product=product, image="b.png", sort_order=1)
    query = """mutation($p: ID!, $m: [ID!]!) { productMediaReorder(productId: $p, mediaIds: $m)
                 { errors { field code } } }"""
    data = staff_api_client.query(query, {"p": gid(product), "m": [gid(second), gid(first)]})
    assert data["productMediaReorder"]["errors"] == []
    assert list(product.media.order_by("sort_order")) == [second, first]
    data = staff_api_client.query(query, {"p": gid(product), "m": [gid(first)]})
    assert data["productMediaReorder"]["errors"] == [{"field": "mediaIds", "code": "INVALID"}]


def test_stock_changes_are_audited_and_never_below_allocation(staff_api_client, warehouse):
    variant = ProductVariantFactory()
    Stock.objects.create(
        warehouse=warehouse, product_variant=variant, quantity=10, quantity_allocated=4
    )
    query = """mutation($v: ID!, $s: [StockInput!]!) { productVariantStocksUpdate(variantId: $v,
                 stocks: $s) { productVariant { stocks { quantity } } errors { field code } } }"""
    data = staff_api_client.query(
        query, {"v": gid(variant), "s": [{"warehouse": gid(warehouse), "quantity": 3}]}
    )["productVariantStocksUpdate"]
    assert data["errors"] == [{"field": "quantity", "code": "BELOW_ALLOCATED"}]
    assert Stock.objects.get().quantity == 10
    data = staff_api_client.query(
        query, {"v": gid(variant), "s": [{"warehouse": gid(warehouse), "quantity": 25}]}
    )["productVariantStocksUpdate"]
    assert data["errors"] == []
    entry = AuditLogEntry.objects.get(action="stock.quantity_set")
    assert entry.before == {"quantity": 10, "quantity_allocated": 4}
    assert entry.after == {"quantity": 25, "quantity_allocated": 4}
    assert entry.actor is not None


def test_stock_create_in_a_warehouse_that_has_stock_and_delete(staff_api_client, warehouse):
    variant = ProductVariantFactory()
    Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=1)
    create = """mutation($v: ID!, $s: [StockInput!]!) { productVariantStocksCreate(variantId: $v,
                  stocks: $s) { errors { field code } } }"""
    data = staff_api_client.query(
        create, {"v": gid(variant), "s": [{"warehouse": gid(warehouse), "quantity": 5}]}
    )
    assert data["productVariantStocksCreate"]["errors"] == [
        {"field": "warehouse", "code": "ALREADY_EXISTS"}
    ]
    delete = """mutation($v: ID!, $w: [ID!]!) { productVariantStocksDelete(variantId: $v,
                  warehouseIds: $w) { errors { code } } }"""
    data = staff_api_client.query(delete, {"v": gid(variant), "w": [gid(warehouse)]})
    assert data["productVariantStocksDelete"]["errors"] == []
    assert not Stock.objects.exists()
    assert ProductVariant.objects.filter(pk=variant.pk).exists()
