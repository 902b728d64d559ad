"""Anonymous catalog queries are answered from the cache until the catalog changes.

Uses the project's configured cache (Redis when REDIS_URL is set, as in CI).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalog.cache import bump_catalog_version

pytestmark = pytest.mark.django_db

QUERY = 'query { products(first: 5, channel: "guanyun") { edges { node { name } } } }'


@pytest.fixture
def response_cache(settings):
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 60
    bump_catalog_version()  # keys of earlier tests are never seen again


def _names(data):
    return [edge["node"]["name"] for edge in data["products"]["edges"]]


def test_repeated_anonymous_query_is_served_without_touching_the_database(
    gql, rice, response_cache
):
    assert _names(gql.query(QUERY)) == ["东王集大米"]
    with CaptureQueriesContext(connection) as captured:
        assert _names(gql.query(QUERY)) == ["东王集大米"]
    assert [q for q in captured.captured_queries if "catalog_" in q["sql"]] == []


def test_a_catalog_change_is_visible_on_the_next_request(
    gql, rice, response_cache, django_capture_on_commit_callbacks
):
    assert _names(gql.query(QUERY)) == ["东王集大米"]
    with django_capture_on_commit_callbacks(execute=True):
        rice.name = "东王集有机大米"
        rice.save()
    assert _names(gql.query(QUERY)) == ["东王集有机大米"]


def test_signed_in_and_non_catalog_queries_are_never_cached(
    gql, staff_gql, rice, warehouse, response_cache
):
    staff_gql.query(QUERY)
    with CaptureQueriesContext(connection) as captured:
        staff_gql.query(QUERY)
    assert any("catalog_product" in q["sql"] for q in captured.captured_queries)

    warehouses = "query { warehouses(first: 1) { totalCount } }"
    staff_gql.query(warehouses)
    with CaptureQueriesContext(connection) as captured:
        staff_gql.query(warehouses)
    assert any("inventory_warehouse" in q["sql"] for q in captured.captured_queries)


def test_errors_are_not_cached(gql, rice, response_cache):
    bad = 'query { products(first: 500, channel: "guanyun") { totalCount } }'
    for _ in range(2):
        body = gql.post(bad).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PAGE_SIZE_EXCEEDED"
