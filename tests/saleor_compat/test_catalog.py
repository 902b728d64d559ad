"""The Saleor storefront's catalogue operations run against the seeded county catalogue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.saleor_compat.operations import OPERATIONS

pytestmark = pytest.mark.django_db

CHANNEL = "guanyun"
LANGUAGE = "ZH_HANS"


def test_product_details_answer_typed_attributes_and_chinese_translation(saleor):
    data = saleor("ProductDetails", slug="dongwangji-rice", channel=CHANNEL, languageCode="ZH_HANS")
    product = data["product"]
    assert product["name"] == "东王集大米"
    assert product["translation"]["name"] == "东王集大米"
    assert product["translation"]["slug"] == "dongwangji-rice"
    # No English (or Polish, ...) names are kept: those translations are honestly null.
    assert product["slugEN"] is None and product["slugJA"] is None
    assert product["productVariants"]["totalCount"] == 3
    assert product["bestseller"] is None
    by_slug = {a["attribute"]["slug"]: a for a in product["assignedAttributes"]}
    assert by_slug["origin"]["choice"]["name"] == "东王集镇"
    assert by_slug["origin"]["choice"]["translation"] == "东王集镇"
    assert sorted(c["name"] for c in by_slug["certification"]["choices"]) == [
        "地理标志",
        "绿色食品",
    ]
    assert by_slug["storage"]["plainText"] == "阴凉干燥处保存，开袋后密封防潮"
    assert by_slug["storage"]["plainTextTranslation"] == "阴凉干燥处保存，开袋后密封防潮"
    start = product["pricing"]["priceRange"]["start"]["gross"]
    # The cheapest pack (¥29.90 listed), after the seed's promotions.
    assert start["currency"] == "CNY" and 0 < start["amount"] <= 29.9


def test_english_translation_is_null_when_the_catalogue_has_none(saleor):
    data = saleor("ProductDetails", slug="dongwangji-rice", channel=CHANNEL, languageCode="EN")
    assert data["product"]["translation"] is None
    assert data["product"]["category"]["translation"] is None


def test_variants_for_pdp_page_through_the_products_variants(saleor):
    first = saleor(
        "ProductVariantsForPdp",
        slug="dongwangji-rice",
        channel=CHANNEL,
        languageCode="ZH_HANS",
        first=2,
    )["product"]["productVariants"]
    assert first["totalCount"] == 3
    assert [e["node"]["sku"] for e in first["edges"]] == ["DWJ-RICE-2.5KG", "DWJ-RICE-5KG"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = saleor(
        "ProductVariantsForPdp",
        slug="dongwangji-rice",
        channel=CHANNEL,
        languageCode="ZH_HANS",
        first=2,
        after=first["pageInfo"]["endCursor"],
    )["product"]["productVariants"]
    assert [e["node"]["sku"] for e in rest["edges"]] == ["DWJ-RICE-10KG"]
    variant = first["edges"][0]["node"]
    assert variant["translation"]["name"] == "2.5kg 袋装"
    assert variant["media"] and variant["media"][0]["type"] == "IMAGE"
    assert variant["pricing"]["priceUndiscounted"]["gross"]["amount"] == 29.9


def test_variant_by_sku_for_pdp(saleor):
    variant = saleor(
        "ProductVariantForPdp", sku="DWJ-RICE-5KG", channel=CHANNEL, languageCode="ZH_HANS"
    )["productVariant"]
    assert variant["product"]["slug"] == "dongwangji-rice"
    weights = [
        a
        for a in variant["nonSelectionAttributes"] + variant["selectionAttributes"]
        if a["attribute"]["slug"] == "net-weight-kg"
    ]
    assert weights and weights[0]["values"][0]["translation"] is not None


def test_category_listing_filters_with_where_and_sorts(saleor):
    category = saleor(
        "ProductListByCategory",
        slug="grain-oil",
        channel=CHANNEL,
        languageCode="ZH_HANS",
        first=20,
        sortBy={"field": "PRICE", "direction": "DESC"},
        where={"price": {"range": {"gte": 20, "lte": 60}}},
    )["category"]
    assert category["translation"]["name"] == category["name"]
    assert category["backgroundImage"] is None
    # Sorting and price filters use the listed price; promotions apply on top of it.
    prices = [
        e["node"]["pricing"]["priceRangeUndiscounted"]["start"]["gross"]["amount"]
        for e in category["products"]["edges"]
    ]
    assert prices and prices == sorted(prices, reverse=True)
    assert all(20 <= price <= 60 for price in prices)
    assert category["products"]["totalCount"] == len(prices)


def test_where_combines_names_with_or(saleor):
    listed = saleor("ProductList", first=2, channel=CHANNEL, languageCode="ZH_HANS")
    names = [e["node"]["name"] for e in listed["products"]["edges"]]
    assert len(names) == 2
    found = saleor(
        "ProductListPaginated",
        first=10,
        channel=CHANNEL,
        languageCode="ZH_HANS",
        where={"OR": [{"name": {"eq": names[0]}}, {"name": {"oneOf": [names[1]]}}]},
    )["products"]
    assert sorted(e["node"]["name"] for e in found["edges"]) == sorted(names)
    both = saleor(
        "ProductListPaginated",
        first=10,
        channel=CHANNEL,
        languageCode="ZH_HANS",
        where={"AND": [{"name": {"eq": names[0]}}, {"name": {"eq": names[1]}}]},
    )["products"]
    assert both["totalCount"] == 0


def test_collection_listing_and_search(saleor):
    collection = saleor(
        "ProductListByCollection",
        slug="geographical-indications",
        channel=CHANNEL,
        languageCode="ZH_HANS",
        first=5,
    )["collection"]
    assert collection["translation"]["slug"] == "geographical-indications"
    assert collection["products"]["totalCount"] >= 1
    found = saleor(
        "SearchProducts",
        search="大米",
        sortBy="NAME",
        sortDirection="ASC",
        first=5,
        channel=CHANNEL,
        languageCode="ZH_HANS",
    )["products"]
    assert "东王集大米" in [e["node"]["name"] for e in found["edges"]]


def test_categories_by_slug_and_channels(saleor):
    data = saleor("CategoriesBySlug", slugs=["grain-oil", "condiments"])
    assert sorted(e["node"]["slug"] for e in data["categories"]["edges"]) == [
        "condiments",
        "grain-oil",
    ]
    channels = saleor("ChannelsList")["channels"]
    assert {"slug": CHANNEL, "currencyCode": "CNY"}.items() <= channels[0].items()


def test_an_empty_one_of_matches_nothing(saleor):
    found = saleor(
        "ProductListPaginated",
        first=10,
        channel=CHANNEL,
        languageCode=LANGUAGE,
        where={"slug": {"oneOf": []}},
    )["products"]
    assert found["totalCount"] == 0


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("ProductList", {}),
        ("ProductListByCategory", {"slug": "grain-oil"}),
        ("ProductListByCollection", {"slug": "geographical-indications"}),
    ],
)
def test_listing_statement_count_does_not_grow_with_page_size(gql, seeded, operation, variables):
    def statements(first: int) -> int:
        with CaptureQueriesContext(connection) as context:
            gql.query(
                OPERATIONS[operation],
                {"first": first, "channel": CHANNEL, "languageCode": LANGUAGE, **variables},
            )
        return len(context.captured_queries)

    assert statements(2) == statements(8)


def test_a_negative_assigned_attributes_limit_is_a_typed_error(gql, seeded):
    response = gql.post(
        'query { product(slug: "dongwangji-rice", channel: "guanyun") '
        "{ assignedAttributes(limit: -1) { attribute { slug } } } }"
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["exception"] == {"code": "INVALID", "field": "limit"}
    short = gql.query(
        'query { product(slug: "dongwangji-rice", channel: "guanyun") '
        "{ assignedAttributes(limit: 2) { attribute { slug } } } }"
    )
    assert len(short["product"]["assignedAttributes"]) == 2
