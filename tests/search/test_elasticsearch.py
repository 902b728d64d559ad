"""Elasticsearch backend. The mapping, the query and the aggregations it sends are checked
always (no server needed); the integration tests index the seeded catalogue into a real
cluster and run the same queries as PostgreSQL, and are skipped unless ELASTICSEARCH_URL is
set (no cluster is reachable on the development machine)."""

from __future__ import annotations

import os

import pytest

from backend.search.backends.elasticsearch import (
    FIELD_BOOSTS,
    build_aggregations,
    build_query,
    document_body,
    index_settings,
)
from backend.search.query import ParsedQuery


def test_mapping_is_strict_with_weighted_token_fields_and_facet_keywords():
    mapping = index_settings()["mappings"]
    assert mapping["dynamic"] == "strict"
    for field in FIELD_BOOSTS:
        assert mapping["properties"][field]["analyzer"] == "whitespace"
    for keyword in ("category_id", "vendor_id", "origin_town", "certifications"):
        assert mapping["properties"][keyword]["type"] == "keyword"
    assert "fields" not in mapping["properties"]["name"]


def test_mapping_uses_a_chinese_analyzer_where_the_cluster_has_one():
    name = index_settings(chinese_analyzer="smartcn")["mappings"]["properties"]["name"]
    assert name["fields"]["cn"]["analyzer"] == "smartcn"


def test_query_requires_every_word_and_allows_pinyin_prefixes():
    parsed = ParsedQuery(
        text="大米 dwj",
        clauses=[[("大米", False), ("稻米", False)], [("dwj", False), ("dwj", True)]],
    )
    query = build_query(parsed)["script_score"]
    must = query["query"]["bool"]["must"]
    assert len(must) == 2
    first = must[0]["bool"]
    assert first["minimum_should_match"] == 1
    assert {"term": {"name_tokens": {"value": "稻米", "boost": 10.0}}} in first["should"]
    assert {"prefix": {"desc_tokens": {"value": "dwj", "boost": 1.0}}} in must[1]["bool"]["should"]
    assert "in_stock" in query["script"]["source"]


def test_aggregations_cover_every_facet():
    aggs = build_aggregations()
    assert set(aggs) == {
        "category",
        "vendor",
        "origin_town",
        "certification",
        "price_band",
        "poverty_zone",
    }
    assert aggs["price_band"]["range"]["ranges"][0] == {"to": 20}
    assert aggs["price_band"]["range"]["ranges"][-1] == {"from": 200}


def test_document_body_joins_tokens_per_weight():
    body = document_body(
        {"name": "东王集大米", "a": ["东王集", "dongwangji"], "b": ["大米"], "c": [], "d": []}
    )
    assert body["name_tokens"] == "东王集 dongwangji"
    assert body["meta_tokens"] == "大米"
    assert body["in_stock"] is False


requires_cluster = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set"
)


@requires_cluster
@pytest.mark.django_db
def test_contract_on_a_real_cluster(seeded, settings):
    """The relevance set through Elasticsearch meets the same baseline as PostgreSQL."""
    from backend.search.backends import base
    from backend.search.backends.elasticsearch import rebuild_index
    from tests.search.relevance import CASES, precision_at
    from tests.search.test_relevance import BASELINE_PRECISION_AT_5, ranked_slugs

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.SEARCH_BACKEND = "backend.search.backends.elasticsearch.ElasticsearchBackend"
    base.get_search_backend.cache_clear()
    try:
        rebuild_index()
        scores = [precision_at(ranked_slugs(q), relevant) for _k, q, relevant in CASES]
        assert sum(scores) / len(scores) >= BASELINE_PRECISION_AT_5
    finally:
        base.get_search_backend.cache_clear()
