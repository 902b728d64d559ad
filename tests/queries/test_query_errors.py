"""Bad queries get typed errors with stable codes, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _code(response) -> str:
    assert response.status_code in (200, 400), response.content
    return response.json()["errors"][0]["extensions"]["exception"]["code"]


def test_page_size_over_the_limit_is_refused_with_a_clear_error(gql, rice, settings):
    settings.GRAPHQL_MAX_PAGE_SIZE = 100
    response = gql.post('query { products(first: 101, channel: "guanyun") { totalCount } }')
    body = response.json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PAGE_SIZE_EXCEEDED"
    assert "limit of 100" in body["errors"][0]["message"]


def test_connection_without_first_or_last_is_refused(gql, rice):
    response = gql.post('query { products(channel: "guanyun") { totalCount } }')
    assert _code(response) == "PAGINATION_REQUIRED"


def test_negative_first_and_garbage_cursor_are_invalid(gql, rice):
    assert _code(gql.post('query { products(first: -1, channel: "guanyun") { totalCount } }')) == (
        "INVALID"
    )
    response = gql.post(
        'query { products(first: 1, after: "nonsense", channel: "guanyun") { totalCount } }'
    )
    assert _code(response) == "INVALID"


def test_unknown_channel_is_not_found(gql, rice):
    response = gql.post('query { products(first: 1, channel: "nowhere") { totalCount } }')
    assert _code(response) == "NOT_FOUND"


@pytest.mark.parametrize("bad_id", ["garbage", "Q2F0ZWdvcnk6MQ==", "UHJvZHVjdDphYmM="])
def test_invalid_global_ids_are_typed_errors(gql, rice, bad_id):
    # garbage; a Category id given for a product; "Product:abc"
    response = gql.post(
        'query($id: ID) { product(id: $id, channel: "guanyun") { name } }', {"id": bad_id}
    )
    assert _code(response) == "INVALID"


def test_too_deep_query_is_refused_before_it_runs(gql, rice):
    deep = "parent { " * 12 + "name" + " }" * 12
    query = f'query {{ category(slug: "grain") {{ {deep} }} }}'
    response = gql.post(query)
    assert response.status_code == 400
    assert _code(response) == "QUERY_TOO_DEEP"


def test_too_costly_nested_pages_are_refused(gql, rice):
    query = """query { categories(first: 100) { edges { node {
        children(first: 100) { edges { node {
          products(first: 100, channel: "guanyun") { edges { node { variants { sku } } } }
        } } } } } } }"""
    response = gql.post(query)
    assert _code(response) == "QUERY_TOO_COMPLEX"


def test_syntax_error_is_a_graphql_error(gql):
    response = gql.post("query { products(first: ")
    assert response.status_code == 400
    assert _code(response) == "GRAPHQL_ERROR"


def test_malformed_json_body_is_a_400_with_json_errors(client, db):
    response = client.post("/graphql/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_invalid_bearer_token_is_a_401(client, db):
    response = client.post(
        "/graphql/",
        data='{"query": "{ channels { slug } }"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "JWT_INVALID_TOKEN"


def test_session_cookie_without_csrf_token_is_served_as_anonymous(db, warehouse):
    """A logged-in browser session must not authorise a cross-site POST by itself."""
    from django.contrib.auth.models import Permission as DjangoPermission
    from django.test import Client

    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.user_permissions.add(DjangoPermission.objects.get(codename="manage_products"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        "/graphql/",
        data='{"query": "{ warehouses(first: 1) { totalCount } }"}',
        content_type="application/json",
    )
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    csrf_token = browser.get("/graphql/", HTTP_ACCEPT="application/json").cookies["csrftoken"]
    response = browser.post(
        "/graphql/",
        data='{"query": "{ warehouses(first: 1) { totalCount } }"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token.value,
    )
    assert response.json()["data"]["warehouses"]["totalCount"] == 1
