"""Requests that are wrong as HTTP or as GraphQL are a 4xx answer with JSON errors and a stable
code; an unexpected failure of a resolver is logged with its traceback and answered with the
generic code INTERNAL_ERROR, never with the traceback."""

from __future__ import annotations

import json
import logging

import graphene
import pytest
from django.test import RequestFactory
from graphql_relay import to_global_id

from backend.graphql.views import GraphQLView
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _post(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/graphql/", data=data, content_type="application/json")


def _codes(response) -> list[str]:
    assert response["Content-Type"].startswith("application/json"), response.content
    errors = response.json()["errors"]
    assert errors and all(error["message"] for error in errors)
    assert not any("Traceback" in error["message"] for error in errors)
    return [error["extensions"]["exception"]["code"] for error in errors]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps([{"query": "{ shop { name } }"}, {"query": "{ shop { name } }"}]),
        json.dumps({"query": 7}),
        json.dumps({"query": "{ __typename }", "variables": [1]}),
        json.dumps({"query": "{ __typename }", "operationName": ["a"]}),
        json.dumps({}),
        "[" * 100_000 + "]" * 100_000,
        '{"query": "{ __typename }", "variables": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}",
    ],
    ids=[
        "broken-json",
        "empty-batch",
        "batch",
        "query-not-string",
        "variables-not-object",
        "operation-name-not-string",
        "no-query",
        "deeply-nested-json",
        "deeply-nested-variables",
    ],
)
def test_a_malformed_request_is_a_400_with_a_json_error(client, body):
    response = _post(client, body)
    assert response.status_code == 400, response.content
    assert _codes(response)


def test_a_body_over_the_upload_limit_is_a_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _post(client, {"query": "{ __typename }", "variables": {"a": "x" * 20_000}})
    assert response.status_code == 400
    assert _codes(response) == ["INVALID"]


def test_a_get_without_a_query_is_a_400(client):
    response = client.get("/graphql/", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert _codes(response) == ["INVALID"]


def test_a_query_over_the_token_limit_is_refused_before_it_runs(client, settings):
    settings.GRAPHQL_MAX_TOKENS = 500
    query = "{ " + " ".join(f"a{index}: __typename" for index in range(200)) + " }"
    response = _post(client, {"query": query})
    assert response.status_code == 400
    assert _codes(response) == ["GRAPHQL_ERROR"]
    assert "tokens" in response.json()["errors"][0]["message"]


def test_a_literal_nested_beyond_the_parser_is_a_query_error(client):
    nested = "[" * 3_000 + "]" * 3_000
    query = "{ products(first: 1, filter: {ids: " + nested + "}) { totalCount } }"
    response = _post(client, {"query": query})
    assert response.status_code == 400
    assert _codes(response) == ["GRAPHQL_ERROR"]
    assert "nested too deeply" in response.json()["errors"][0]["message"]


def test_a_query_too_deep_is_refused(client):
    query = "{ products(first: 1) { edges { node { category { parent { parent { parent { "
    query += "parent { parent { parent { parent { parent { name } } } } } } } } } } } } }"
    response = _post(client, {"query": query})
    assert response.status_code == 400
    assert _codes(response) == ["QUERY_TOO_DEEP"]


def test_a_variable_a_scalar_cannot_read_is_a_graphql_error_not_an_internal_one(client):
    query = "query($p: PositiveDecimal) { __typename } "
    response = _post(client, {"query": query, "variables": {"p": "twelve"}})
    assert response.status_code == 400
    assert _codes(response) == ["GRAPHQL_ERROR"]


@pytest.mark.parametrize("type_name", ["Category", "Nonexistent", "Query", "Money"])
def test_node_of_an_existing_category_resolves_and_other_names_are_invalid(client, type_name):
    category = CategoryFactory()
    response = _post(
        client,
        {
            "query": "query($id: ID!) { node(id: $id) { id ... on Category { name } } }",
            "variables": {"id": to_global_id(type_name, category.pk)},
        },
    )
    body = response.json()
    if type_name == "Category":
        expected = {"id": to_global_id("Category", category.pk), "name": category.name}
        assert body == {"data": {"node": expected}}
    else:
        assert body["data"] == {"node": None}
        assert _codes(response) == ["INVALID"]
        assert body["errors"][0]["extensions"]["exception"]["field"] == "id"


def test_node_of_a_missing_category_is_null_without_error(client):
    response = _post(
        client,
        {
            "query": "query($id: ID!) { node(id: $id) { id } }",
            "variables": {"id": to_global_id("Category", 2**40)},
        },
    )
    assert response.json() == {"data": {"node": None}}


class _Query(graphene.ObjectType):
    broken = graphene.String()

    def resolve_broken(root, info):
        raise RuntimeError("secret detail of a bug")


def test_an_unexpected_failure_is_logged_and_answered_with_a_generic_code(caplog):
    view = GraphQLView.as_view(schema=graphene.Schema(query=_Query))
    request = RequestFactory().post(
        "/graphql/", data=json.dumps({"query": "{ broken }"}), content_type="application/json"
    )
    with caplog.at_level(logging.ERROR, logger="backend.graphql.views"):
        response = view(request)
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["data"] == {"broken": None}
    [error] = body["errors"]
    assert error["extensions"]["exception"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in error["message"]
    [record] = [r for r in caplog.records if r.exc_info]
    assert "secret detail of a bug" in str(record.exc_info[1])
