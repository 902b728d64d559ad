"""Business rules behind the catalog mutations: what follows a change (prices, search text,
files), what a change is refused for, and that a refused change writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.catalog.models import (
    AttributeValue,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
)
from backend.core.models import AuditLogEntry
from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    ProductTypeFactory,
    ProductVariantFactory,
    list_product,
)
from tests.graphql.conftest import gid

pytestmark = pytest.mark.django_db

PRICES = """
mutation($id: ID!, $input: [ProductVariantChannelListingAddInput!]!) {
  productVariantChannelListingUpdate(id: $id, input: $input) { errors { field code } } }"""
LISTING = """
mutation($id: ID!, $input: ProductChannelListingUpdateInput!) {
  productChannelListingUpdate(id: $id, input: $input) { errors { field code } } }"""


def _errors(data: dict, name: str) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in data[name]["errors"]]


def _lowest_price(product, channel) -> Decimal | None:
    return ProductChannelListing.objects.get(
        product=product, channel=channel
    ).discounted_price_amount


def test_product_lowest_price_follows_each_variant_price(staff_api_client, channel):
    product = ProductFactory()
    cheap, _dear = list_product(product, channel, prices=(Decimal("9.90"), Decimal("19.90")))
    assert _lowest_price(product, channel) == Decimal("9.90")
    data = staff_api_client.query(
        PRICES, {"id": gid(cheap), "input": [{"channelId": gid(channel), "price": "25.00"}]}
    )
    assert data["productVariantChannelListingUpdate"]["errors"] == []
    assert cheap.channel_listings.get().discounted_price_amount == Decimal("25.00")
    assert _lowest_price(product, channel) == Decimal("19.90")
    entry = AuditLogEntry.objects.get(action="variant.price_changed")
    assert entry.before["price"] == "9.90" and entry.after["price"] == "25.00"


def test_deleting_the_cheapest_variant_raises_the_product_price_and_reindexes(
    staff_api_client, channel
):
    product = ProductFactory()
    cheap, _dear = list_product(product, channel, prices=(Decimal("9.90"), Decimal("19.90")))
    data = staff_api_client.query(
        "mutation($id: ID!) { productVariantDelete(id: $id) { productVariant { sku } "
        "errors { code } } }",
        {"id": gid(cheap)},
    )
    assert data["productVariantDelete"] == {
        "productVariant": {"sku": cheap.sku},
        "errors": [],
    }
    assert _lowest_price(product, channel) == Decimal("19.90")
    product.refresh_from_db()
    assert cheap.sku.lower() not in product.search_document


def test_publishing_a_product_without_category_is_refused(staff_api_client, channel, row_counts):
    product = ProductVariantFactory(product__category=None).product
    before = row_counts()
    data = staff_api_client.query(
        LISTING,
        {
            "id": gid(product),
            "input": {"updateChannels": [{"channelId": gid(channel), "isPublished": True}]},
        },
    )
    assert _errors(data, "productChannelListingUpdate") == [
        ("isPublished", "PRODUCT_WITHOUT_CATEGORY")
    ]
    assert row_counts() == before


def test_a_published_product_cannot_lose_its_category(staff_api_client, channel):
    product = ProductFactory()
    list_product(product, channel)
    data = staff_api_client.query(
        "mutation($id: ID!) { productUpdate(id: $id, input: {category: null}) "
        "{ errors { field code } } }",
        {"id": gid(product)},
    )
    assert _errors(data, "productUpdate") == [("category", "PRODUCT_WITHOUT_CATEGORY")]
    product.refresh_from_db()
    assert product.category_id is not None


def test_channel_listing_changes_are_audited_and_removable(staff_api_client, channel):
    product = ProductVariantFactory().product
    data = staff_api_client.query(
        LISTING,
        {
            "id": gid(product),
            "input": {"updateChannels": [{"channelId": gid(channel), "isPublished": True}]},
        },
    )
    assert data["productChannelListingUpdate"]["errors"] == []
    listing = ProductChannelListing.objects.get(product=product)
    assert listing.is_published and listing.published_at is not None
    entry = AuditLogEntry.objects.get(action="product.channel_listing_updated")
    assert entry.before == {"is_published": False, "published_at": None}
    data = staff_api_client.query(
        LISTING, {"id": gid(product), "input": {"removeChannels": [gid(channel)]}}
    )
    assert data["productChannelListingUpdate"]["errors"] == []
    assert not ProductChannelListing.objects.filter(product=product).exists()


def test_same_chinese_name_gets_a_unique_unicode_slug(staff_api_client):
    product_type = ProductTypeFactory()
    query = """mutation($t: ID!) { productCreate(input: {productType: $t, name: "灌云 豆丹"})
                 { product { slug } errors { code } } }"""
    slugs = [
        staff_api_client.query(query, {"t": gid(product_type)})["productCreate"]["product"]["slug"]
        for _ in range(2)
    ]
    assert slugs == ["灌云-豆丹", "灌云-豆丹-2"]


def test_category_update_and_a_garbage_parent_id(staff_api_client):
    parent = CategoryFactory(name="水产")
    child = CategoryFactory(name="豆丹", parent=parent)
    query = """mutation($id: ID!, $input: CategoryInput!) { categoryUpdate(id: $id, input: $input)
                 { category { name slug } errors { field code } } }"""
    data = staff_api_client.query(query, {"id": gid(child), "input": {"name": "豆丹（鲜）"}})
    assert data["categoryUpdate"] == {
        "category": {"name": "豆丹（鲜）", "slug": child.slug},
        "errors": [],
    }
    bad = staff_api_client.query(
        """mutation($parent: ID) { categoryCreate(parent: $parent, input: {name: "x"})
             { errors { field code } } }""",
        {"parent": "garbage"},
    )
    assert _errors(bad, "categoryCreate") == [("parent", "GRAPHQL_ERROR")]


def test_deleting_a_category_keeps_its_products_and_reindexes_them(staff_api_client):
    parent = CategoryFactory(name="水产品")
    child = CategoryFactory(name="海鲜", parent=parent)
    product = ProductFactory(name="紫菜", category=child)
    data = staff_api_client.query(
        "mutation($id: ID!) { categoryDelete(id: $id) { errors { code } } }", {"id": gid(parent)}
    )
    assert data["categoryDelete"]["errors"] == []
    assert not Category.objects.filter(pk__in=[parent.pk, child.pk]).exists()
    product.refresh_from_db()
    assert product.category_id is None
    assert "海鲜" not in product.search_document and "紫菜" in product.search_document


@pytest.fixture
def origin_product():
    product_type = ProductTypeFactory()
    origin = AttributeFactory(name="产地", slug="origin")
    product_type.product_attributes.add(origin)
    value = AttributeValueFactory(attribute=origin, name="伊山镇", slug="yishan")
    product = ProductFactory(product_type=product_type, name="伊山西红柿")
    product.attributevalues.create(value=value)
    return product, origin, value


def test_renaming_an_attribute_value_updates_search_text(staff_api_client, origin_product):
    product, _origin, value = origin_product
    data = staff_api_client.query(
        """mutation($id: ID!) { attributeValueUpdate(id: $id, input: {name: "伊山镇（县城）"})
             { attributeValue { name } errors { code } } }""",
        {"id": gid(value)},
    )
    assert data["attributeValueUpdate"] == {
        "attributeValue": {"name": "伊山镇（县城）"},
        "errors": [],
    }
    product.refresh_from_db()
    assert "伊山镇（县城）" in product.search_document


def test_deleting_an_attribute_value_or_attribute_reindexes(staff_api_client, origin_product):
    product, origin, value = origin_product
    data = staff_api_client.query(
        "mutation($id: ID!) { attributeValueDelete(id: $id) { errors { code } } }",
        {"id": gid(value)},
    )
    assert data["attributeValueDelete"]["errors"] == []
    product.refresh_from_db()
    assert "伊山镇" not in product.search_document
    data = staff_api_client.query(
        "mutation($id: ID!) { attributeDelete(id: $id) { attribute { name } errors { code } } }",
        {"id": gid(origin)},
    )
    assert data["attributeDelete"] == {"attribute": {"name": "产地"}, "errors": []}
    assert not AttributeValue.objects.exists()


def test_attribute_update_changes_fields_but_not_the_type_of_used_values(
    staff_api_client, origin_product
):
    _product, origin, _value = origin_product
    query = """mutation($id: ID!, $input: AttributeUpdateInput!) {
                 attributeUpdate(id: $id, input: $input) {
                   attribute { name visibleInStorefront } errors { field code } } }"""
    data = staff_api_client.query(
        query, {"id": gid(origin), "input": {"name": "原产地", "visibleInStorefront": False}}
    )
    assert data["attributeUpdate"] == {
        "attribute": {"name": "原产地", "visibleInStorefront": False},
        "errors": [],
    }
    data = staff_api_client.query(query, {"id": gid(origin), "input": {"inputType": "NUMERIC"}})
    assert _errors(data, "attributeUpdate") == [("inputType", "INVALID")]


@pytest.mark.parametrize(
    ("input_type", "item"),
    [
        ("dropdown", {"plainText": "伊山镇"}),
        ("numeric", {"values": ["5"]}),
        ("boolean", {"numeric": "1"}),
        ("date", {"boolean": True}),
        ("plain_text", {"date": "2026-10-01"}),
    ],
)
def test_a_value_in_the_wrong_field_for_its_input_type_is_refused(
    staff_api_client, row_counts, input_type, item
):
    product_type = ProductTypeFactory()
    attribute = AttributeFactory(input_type=input_type)
    product_type.product_attributes.add(attribute)
    before = row_counts()
    data = staff_api_client.query(
        """mutation($input: ProductCreateInput!) { productCreate(input: $input)
             { product { id } errors { field code } } }""",
        {
            "input": {
                "productType": gid(product_type),
                "name": "x",
                "attributes": [{"id": gid(attribute), **item}],
            }
        },
    )
    assert _errors(data, "productCreate") == [("attributes", "INVALID")]
    assert row_counts() == before


def test_product_type_update_and_duplicate_attributes(staff_api_client):
    product_type = ProductTypeFactory(name="特产")
    attribute = AttributeFactory()
    query = """mutation($id: ID!, $input: ProductTypeInput!) {
                 productTypeUpdate(id: $id, input: $input) {
                   productType { name hasVariants isShippingRequired } errors { field code } } }"""
    data = staff_api_client.query(
        query,
        {
            "id": gid(product_type),
            "input": {"name": "文旅票券", "hasVariants": False, "isShippingRequired": False},
        },
    )
    assert data["productTypeUpdate"] == {
        "productType": {"name": "文旅票券", "hasVariants": False, "isShippingRequired": False},
        "errors": [],
    }
    data = staff_api_client.query(
        query,
        {"id": gid(product_type), "input": {"productAttributes": [gid(attribute)] * 2}},
    )
    assert _errors(data, "productTypeUpdate") == [("productAttributes", "DUPLICATED_INPUT_ITEM")]


def test_variant_update_and_a_taken_sku(staff_api_client):
    variant, other = ProductVariantFactory(), ProductVariantFactory()
    query = """mutation($id: ID!, $input: ProductVariantInput!) {
                 productVariantUpdate(id: $id, input: $input) {
                   productVariant { sku name trackInventory } errors { field code } } }"""
    data = staff_api_client.query(
        query, {"id": gid(variant), "input": {"sku": "DD-1", "trackInventory": False}}
    )
    assert data["productVariantUpdate"] == {
        "productVariant": {"sku": "DD-1", "name": variant.name, "trackInventory": False},
        "errors": [],
    }
    data = staff_api_client.query(query, {"id": gid(variant), "input": {"sku": other.sku}})
    assert _errors(data, "productVariantUpdate") == [("sku", "UNIQUE")]
    assert ProductVariant.objects.get(pk=variant.pk).sku == "DD-1"


def test_media_update_delete_and_reorder_with_an_image_of_another_product(staff_api_client):
    product = ProductFactory()
    first = ProductMedia.objects.create(product=product, image="a.png", sort_order=0)
    stranger = ProductMedia.objects.create(product=ProductFactory(), image="b.png")
    data = staff_api_client.query(
        """mutation($id: ID!) { productMediaUpdate(id: $id, input: {alt: "豆丹特写"})
             { media { alt } errors { code } } }""",
        {"id": gid(first)},
    )
    assert data["productMediaUpdate"] == {"media": {"alt": "豆丹特写"}, "errors": []}
    data = staff_api_client.query(
        """mutation($p: ID!, $m: [ID!]!) { productMediaReorder(productId: $p, mediaIds: $m)
             { errors { field code } } }""",
        {"p": gid(product), "m": [gid(first), gid(stranger)]},
    )
    assert _errors(data, "productMediaReorder") == [("mediaIds", "NOT_PRODUCTS_IMAGE")]
    data = staff_api_client.query(
        "mutation($id: ID!) { productMediaDelete(id: $id) { media { alt } errors { code } } }",
        {"id": gid(first)},
    )
    assert data["productMediaDelete"] == {"media": {"alt": "豆丹特写"}, "errors": []}
    assert list(ProductMedia.objects.all()) == [stranger]


def test_a_product_without_variants_cannot_join_a_collection(staff_api_client, row_counts):
    collection = Collection.objects.create(name="年货", slug="nianhuo")
    bare = ProductFactory(name="空壳商品")
    before = row_counts()
    data = staff_api_client.query(
        """mutation($id: ID!, $p: [ID!]!) { collectionAddProducts(collectionId: $id, products: $p)
             { errors { __typename field code message } } }""",
        {"id": gid(collection), "p": [gid(bare)]},
    )
    [error] = data["collectionAddProducts"]["errors"]
    assert error["__typename"] == "CollectionError"
    assert (error["field"], error["code"]) == ("products", "CANNOT_MANAGE_PRODUCT_WITHOUT_VARIANT")
    assert "空壳商品" in error["message"]
    assert row_counts() == before


def test_collection_update_unpublish_and_delete(staff_api_client, channel):
    collection = Collection.objects.create(name="年货", slug="nianhuo")
    collection.channel_listings.create(channel=channel, is_published=True)
    data = staff_api_client.query(
        """mutation($id: ID!) { collectionUpdate(id: $id, input: {name: "春节年货",
             seo: {title: "年货节"}}) { collection { name slug seoTitle } errors { code } } }""",
        {"id": gid(collection)},
    )
    assert data["collectionUpdate"] == {
        "collection": {"name": "春节年货", "slug": "nianhuo", "seoTitle": "年货节"},
        "errors": [],
    }
    data = staff_api_client.query(
        """mutation($id: ID!, $c: ID!) { collectionChannelListingUpdate(id: $id,
             input: {removeChannels: [$c]}) { errors { code } } }""",
        {"id": gid(collection), "c": gid(channel)},
    )
    assert data["collectionChannelListingUpdate"]["errors"] == []
    assert not collection.channel_listings.exists()
    data = staff_api_client.query(
        "mutation($id: ID!) { collectionDelete(id: $id) { errors { code } } }",
        {"id": gid(collection)},
    )
    assert data["collectionDelete"]["errors"] == []
    assert not Collection.objects.exists()


def test_deleting_a_product_takes_its_variants_and_listings(staff_api_client, channel):
    product = ProductFactory()
    list_product(product, channel)
    data = staff_api_client.query(
        "mutation($id: ID!) { productDelete(id: $id) { product { id name } errors { code } } }",
        {"id": gid(product)},
    )
    assert data["productDelete"] == {
        "product": {"id": gid(product), "name": product.name},
        "errors": [],
    }
    assert not Product.objects.exists() and not ProductVariant.objects.exists()
    assert not ProductChannelListing.objects.exists()
