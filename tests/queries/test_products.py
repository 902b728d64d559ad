"""The shopper-facing catalog queries: products, product, variants, categories, collections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from backend.catalog.models import Collection, CollectionChannelListing, ProductChannelListing
from tests.factories import CategoryFactory, ChannelFactory, ProductFactory, list_product

pytestmark = pytest.mark.django_db

PRODUCTS = """
query Products($channel: String, $first: Int, $search: String, $filter: ProductFilterInput,
               $sortBy: ProductOrder, $after: String) {
  products(channel: $channel, first: $first, search: $search, filter: $filter, sortBy: $sortBy,
           after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      name slug isAvailable isAvailableForPurchase
      category { name }
      pricing { onSale priceRange { start { gross { amount currency } net { amount } }
                                   stop { gross { amount } } } }
      variants { sku quantityAvailable pricing { price { gross { amount } } } }
      attributes { attribute { slug } values { name } }
    } }
  }
}
"""


def test_products_lists_published_product_with_tax_inclusive_price_range(gql, rice):
    data = gql.query(PRODUCTS, {"channel": "guanyun", "first": 10})
    [edge] = data["products"]["edges"]
    node = edge["node"]
    assert node["name"] == "东王集大米"
    assert node["category"]["name"] == "粮油米面"
    price_range = node["pricing"]["priceRange"]
    assert price_range["start"]["gross"] == {"amount": 39.9, "currency": "CNY"}
    # 9% VAT is included: net = 39.90 / 1.09 = 36.61 (rounded half-up to the fen).
    assert price_range["start"]["net"]["amount"] == 36.61
    assert price_range["stop"]["gross"]["amount"] == 69.0
    assert node["isAvailable"] is True
    assert {v["quantityAvailable"] for v in node["variants"]} == {10}
    assert node["attributes"] == [
        {"attribute": {"slug": "origin"}, "values": [{"name": "东王集镇"}]}
    ]


def test_unpublished_and_hidden_products_are_not_listed_for_shoppers(gql, rice, channel):
    hidden = ProductFactory(name="隐藏商品")
    list_product(hidden, channel)
    ProductChannelListing.objects.filter(product=hidden).update(visible_in_listings=False)
    draft = ProductFactory(name="草稿商品")
    list_product(draft, channel)
    ProductChannelListing.objects.filter(product=draft).update(is_published=False)

    names = [
        e["node"]["name"]
        for e in gql.query(PRODUCTS, {"channel": "guanyun", "first": 10})["products"]["edges"]
    ]
    assert names == ["东王集大米"]
    # A product hidden from listings can still be opened by its slug; a draft cannot.
    query = 'query($slug: String) { product(slug: $slug, channel: "guanyun") { name } }'
    assert gql.query(query, {"slug": hidden.slug})["product"] == {"name": "隐藏商品"}
    assert gql.query(query, {"slug": draft.slug})["product"] is None


def test_staff_with_manage_products_see_unpublished_products(staff_gql, rice, channel):
    draft = ProductFactory(name="草稿商品")
    list_product(draft, channel)
    ProductChannelListing.objects.filter(product=draft).update(is_published=False)
    data = staff_gql.query(PRODUCTS, {"channel": "guanyun", "first": 10})
    assert data["products"]["totalCount"] == 2


def test_chinese_search_finds_rice_by_a_word_inside_its_name(gql, rice, channel):
    other = ProductFactory(name="双程酱油", search_document="双程酱油 调味品")
    list_product(other, channel)
    data = gql.query(PRODUCTS, {"channel": "guanyun", "first": 10, "search": "大米"})
    assert [e["node"]["name"] for e in data["products"]["edges"]] == ["东王集大米"]
    data = gql.query(PRODUCTS, {"channel": "guanyun", "first": 10, "search": "火锅"})
    assert data["products"]["totalCount"] == 0


def test_filters_by_category_tree_price_and_attribute(gql, rice, channel):
    parent = rice.category
    child = CategoryFactory(name="面粉", parent=parent)
    flour = ProductFactory(name="沂河淌面粉", category=child)
    list_product(flour, channel, prices=(Decimal("25.00"),))
    cheap = {"price": {"lte": 30}}

    def names(filter_):
        data = gql.query(PRODUCTS, {"channel": "guanyun", "first": 10, "filter": filter_})
        return sorted(e["node"]["name"] for e in data["products"]["edges"])

    assert names({"categories": [to_global_id("Category", parent.pk)]}) == [
        "东王集大米",
        "沂河淌面粉",
    ]
    assert names(cheap) == ["沂河淌面粉"]
    assert names({"price": {"gte": 39.9}}) == ["东王集大米"]
    assert names({"attributes": [{"slug": "origin", "values": ["dongwangji"]}]}) == ["东王集大米"]
    assert names({"stockAvailability": "OUT_OF_STOCK"}) == ["沂河淌面粉"]


def test_sorting_by_price_and_name(gql, rice, channel):
    flour = ProductFactory(name="A面粉")
    list_product(flour, channel, prices=(Decimal("99.00"),))

    def order(field, direction):
        data = gql.query(
            PRODUCTS,
            {"channel": "guanyun", "first": 10, "sortBy": {"field": field, "direction": direction}},
        )
        return [e["node"]["name"] for e in data["products"]["edges"]]

    assert order("PRICE", "ASC") == ["东王集大米", "A面粉"]
    assert order("PRICE", "DESC") == ["A面粉", "东王集大米"]
    assert order("NAME", "ASC") == ["A面粉", "东王集大米"]


def test_pagination_walks_every_product_once(gql, channel):
    for index in range(5):
        list_product(ProductFactory(name=f"商品{index}"), channel)
    seen, after = [], None
    while True:
        data = gql.query(PRODUCTS, {"channel": "guanyun", "first": 2, "after": after})
        seen += [e["node"]["name"] for e in data["products"]["edges"]]
        if not data["products"]["pageInfo"]["hasNextPage"]:
            break
        after = data["products"]["pageInfo"]["endCursor"]
    assert sorted(seen) == [f"商品{i}" for i in range(5)]


def test_product_by_id_with_variants_and_variant_lookup_by_sku(gql, rice):
    query = """query($id: ID) { product(id: $id, channel: "guanyun") {
        name variants { sku } } }"""
    data = gql.query(query, {"id": to_global_id("Product", rice.pk)})
    skus = [v["sku"] for v in data["product"]["variants"]]
    assert len(skus) == 2
    variant = gql.query(
        'query($sku: String) { productVariant(sku: $sku, channel: "guanyun") '
        "{ sku product { name } pricing { price { gross { amount } } } } }",
        {"sku": skus[0]},
    )["productVariant"]
    assert variant["product"]["name"] == "东王集大米"
    assert variant["pricing"]["price"]["gross"]["amount"] in {39.9, 69.0}
    variants = gql.query('query { productVariants(first: 10, channel: "guanyun") { totalCount } }')
    assert variants["productVariants"]["totalCount"] == 2


def test_categories_tree_and_category_by_slug(gql, rice):
    CategoryFactory(name="大米", slug="rice", parent=rice.category)
    data = gql.query(
        """query { categories(first: 10, level: 0) { totalCount edges { node {
            name children(first: 10) { edges { node { name parent { slug } } } } } } } }"""
    )
    [top] = data["categories"]["edges"]
    assert top["node"]["name"] == "粮油米面"
    assert top["node"]["children"]["edges"][0]["node"] == {
        "name": "大米",
        "parent": {"slug": "grain"},
    }
    category = gql.query(
        'query { category(slug: "grain") { name products(first: 5, channel: "guanyun") '
        "{ totalCount } } }"
    )["category"]
    assert category == {"name": "粮油米面", "products": {"totalCount": 1}}


def test_collections_show_only_published_ones_to_shoppers(gql, rice, channel):
    featured = Collection.objects.create(name="年货精选", slug="new-year")
    featured.products.add(rice)
    CollectionChannelListing.objects.create(collection=featured, channel=channel, is_published=True)
    Collection.objects.create(name="未发布专题", slug="draft")
    data = gql.query(
        """query { collections(first: 10, channel: "guanyun") { edges { node {
            name products(first: 5) { edges { node { name } } } } } } }"""
    )
    assert data["collections"]["edges"] == [
        {"node": {"name": "年货精选", "products": {"edges": [{"node": {"name": "东王集大米"}}]}}}
    ]
    product = gql.query(
        'query { product(slug: "dongwangji-rice", channel: "guanyun") { collections { slug } } }'
    )["product"]
    assert product["collections"] == [{"slug": "new-year"}]


def test_channels_and_channel_by_slug(gql, channel):
    ChannelFactory(slug="closed", name="停用渠道", is_active=False)
    data = gql.query("query { channels { slug currencyCode defaultCountry { code } } }")
    assert data["channels"] == [
        {"slug": "guanyun", "currencyCode": "CNY", "defaultCountry": {"code": "CN"}}
    ]
    assert gql.query('query { channel(slug: "guanyun") { name } }')["channel"]["name"] == "灌云县馆"


def test_relay_node_resolves_a_product(gql, rice):
    data = gql.query(
        "query($id: ID!) { node(id: $id) { __typename ... on Product { name } } }",
        {"id": to_global_id("Product", rice.pk)},
    )
    assert data["node"] == {"__typename": "Product", "name": "东王集大米"}


def test_warehouses_are_staff_only(gql, staff_gql, warehouse):
    query = "query { warehouses(first: 5) { totalCount edges { node { name address { city } } } } }"
    response = gql.post(query)
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    assert staff_gql.query(query)["warehouses"]["totalCount"] == 1
