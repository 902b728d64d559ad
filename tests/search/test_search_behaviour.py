"""Search on the seeded catalogue through its public surfaces: GraphQL `products(search:)`
(Saleor shape), `searchSuggestions`, `productSearchFacets`, `productSearchExplain`, the
storefront search page and its suggestion endpoint; bad input; the refresh of a document
after a change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.catalog.models import Product
from backend.core.permissions import Permission
from backend.search.documents import refresh_documents
from backend.search.models import SearchDocument
from backend.search.selectors import search
from tests.conftest import GraphQLClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTS = """
query($search: String) {
  products(channel: "guanyun", first: 5, search: $search, sortBy: {field: RANK, direction: DESC}) {
    totalCount edges { node { slug name } }
  }
}"""
SUGGEST = """
query($q: String!) { searchSuggestions(query: $q) { query suggestions didYouMean } }"""
FACETS = """
query($s: String!) { productSearchFacets(search: $s, channel: "guanyun") {
  totalCount didYouMean povertyZoneCount
  categories { value label count } vendors { label count } originTowns { label count }
  certifications { label count } priceBands { min max count } } }"""
EXPLAIN = """
query($id: ID!, $s: String!) { productSearchExplain(id: $id, search: $s) {
  matched relevancePoints inStockPoints boostPoints brandLicensed score } }"""


def slugs(data) -> list[str]:
    return [edge["node"]["slug"] for edge in data["products"]["edges"]]


@pytest.mark.parametrize("text", ["东王集", "dongwangji", "dwj"])
def test_chinese_pinyin_and_initials_find_the_same_rice(seeded, gql, text):
    data = gql.query(PRODUCTS, {"search": text})
    assert slugs(data)[0] == "dongwangji-rice"
    assert set(slugs(data)) == {"dongwangji-rice", "dongwangji-glutinous-rice"}


@pytest.mark.parametrize(
    "text",
    ["x" * 10_000, "\x01\x02\x1f", "!!!???。。。", "'; DROP TABLE x; --", "&|!():*<->\\"],
)
def test_bad_input_gets_an_empty_answer_not_an_error(seeded, gql, text):
    data = gql.query(PRODUCTS, {"search": text})
    assert data["products"]["totalCount"] == 0
    suggestions = gql.query(SUGGEST, {"q": text})["searchSuggestions"]
    assert suggestions["suggestions"] == []


def test_a_nul_character_is_a_typed_error_naming_the_argument(seeded, gql):
    # Text PostgreSQL cannot hold is refused by the GraphQL layer before any resolver runs.
    for query, variables, name in (
        (PRODUCTS, {"search": "米\x00"}, "search"),
        (SUGGEST, {"q": "\x00\x01"}, "q"),
    ):
        response = gql.post(query, variables)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["exception"] == {"code": "INVALID", "field": name}


def test_suggestions_by_prefix_pinyin_prefix_and_initials(seeded, gql):
    assert "东王集大米" in gql.query(SUGGEST, {"q": "东王"})["searchSuggestions"]["suggestions"]
    assert "东王集大米" in gql.query(SUGGEST, {"q": "dongw"})["searchSuggestions"]["suggestions"]
    assert "南岗粉丝" in gql.query(SUGGEST, {"q": "ngf"})["searchSuggestions"]["suggestions"]


def test_did_you_mean_for_a_typo(seeded, gql):
    result = gql.query(SUGGEST, {"q": "东王急"})["searchSuggestions"]
    assert result["didYouMean"] == "东王集"
    assert gql.query(SUGGEST, {"q": "东王集"})["searchSuggestions"]["didYouMean"] is None


def test_suggestions_page_size_is_a_typed_error(seeded, gql):
    response = gql.post('query { searchSuggestions(query: "da", first: 500) { suggestions } }')
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "INVALID"


def test_facets_count_the_matches(seeded, gql):
    facets = gql.query(FACETS, {"s": "燕尾港"})["productSearchFacets"]
    assert facets["totalCount"] == 3
    assert facets["originTowns"] == [{"label": "燕尾港镇", "count": 3}]
    assert facets["vendors"] == [{"label": "燕尾港海产合作社", "count": 3}]
    assert [c["label"] for c in facets["categories"]] == ["水产海鲜"]
    assert sum(band["count"] for band in facets["priceBands"]) == 3
    assert {"label": "SC", "count": 1} in facets["certifications"]
    zone = gql.query(FACETS, {"s": "地理标志"})["productSearchFacets"]
    assert zone["totalCount"] >= 4


def test_explain_is_for_staff_and_shows_the_parts_of_the_score(seeded, client, gql):
    product = Product.objects.get(slug="dongwangji-rice")
    from graphql_relay import to_global_id

    variables = {"id": to_global_id("Product", product.pk), "s": "大米"}
    denied = gql.post(EXPLAIN, variables).json()
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    from backend.account.jwt import create_access_token

    staff = GraphQLClient(client, create_access_token(user))
    explained = staff.query(EXPLAIN, variables)["productSearchExplain"]
    assert explained["matched"] is True
    assert explained["brandLicensed"] is True
    assert explained["inStockPoints"] == 10
    assert explained["score"] == pytest.approx(
        explained["relevancePoints"] + explained["inStockPoints"] + explained["boostPoints"]
    )


def test_ranking_puts_in_stock_before_out_of_stock_at_equal_relevance(seeded):
    from backend.inventory.models import Stock

    Stock.objects.filter(product_variant__product__slug="jinghuayuan-reserve-baijiu").update(
        quantity=0, quantity_allocated=0
    )
    ids = Product.objects.filter(slug__startswith="jinghuayuan").values_list("pk", flat=True)
    refresh_documents(ids)
    ranked = list(
        search(Product.objects.all(), "白酒")
        .products.order_by("-search_rank")
        .values_list("slug", flat=True)
    )
    assert ranked == ["jinghuayuan-baijiu", "jinghuayuan-reserve-baijiu"]


@pytest.fixture
def eager_celery():
    """The debounced refresh task runs in the test's process (the broker has no worker)."""
    from backend.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


def test_a_saved_product_is_refreshed_by_the_task_after_commit(
    seeded, eager_celery, django_capture_on_commit_callbacks
):
    product = Product.objects.get(slug="yilu-green-tea")
    product.name = "伊芦山云雾茶"
    with django_capture_on_commit_callbacks(execute=True):
        product.save()
    assert "'yunwu'" in SearchDocument.objects.get(pk=product.pk).vector
    found = search(Product.objects.all(), "yunwu").products
    assert list(found.values_list("slug", flat=True)) == ["yilu-green-tea"]


def test_a_stock_change_reaches_the_document(
    seeded, eager_celery, django_capture_on_commit_callbacks
):
    from backend.inventory.models import Stock

    product = Product.objects.get(slug="yanweigang-shrimp")
    assert SearchDocument.objects.get(pk=product.pk).in_stock
    with django_capture_on_commit_callbacks(execute=True):
        for stock in Stock.objects.filter(product_variant__product=product):
            stock.quantity = stock.quantity_allocated
            stock.save()
    assert not SearchDocument.objects.get(pk=product.pk).in_stock


def test_storefront_search_page_corrects_a_typo_and_suggests(seeded, client):
    html = client.get("/search/", {"q": "东王急"}).content.decode()
    assert "已为你显示“东王集”的搜索结果。" in html
    assert "东王集大米" in html
    assert "search_suggest.js" in html


def test_storefront_suggest_endpoint_json_and_page(seeded, client):
    data = client.get("/search/suggest/", {"q": "dami"}, HTTP_ACCEPT="application/json").json()
    assert "大米" in data["suggestions"] or "东王集大米" in data["suggestions"]
    html = client.get("/search/suggest/", {"q": "dami"}).content.decode()
    assert "/search/?q=" in html
    assert client.get("/search/suggest/", {"q": "\x00" * 500}).status_code == 200
