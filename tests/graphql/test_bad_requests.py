"""Requests no client should send get a 4xx answer with JSON errors, never a 500: broken
JSON, variables that are not an object, mutations over GET, broken multipart requests, and a
string where a file upload belongs."""

from __future__ import annotations

import json

import pytest

from backend.catalog.models import Category, ProductMedia
from tests.graphql.conftest import gid

pytestmark = pytest.mark.django_db

CREATE = 'mutation { categoryCreate(input: {name: "x"}) { errors { code } } }'


def _post(client, body: str, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/graphql/", data=body, content_type="application/json", **headers)


def _json_errors(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors and all(error["message"] for error in errors)
    return errors


def test_malformed_json_body_is_a_400(client, staff_api_client):
    response = _post(client, '{"query": "mutation {', staff_api_client.token)
    assert response.status_code == 400
    _json_errors(response)


@pytest.mark.parametrize("variables", [[1, 2], "text", 7])
def test_variables_that_are_not_an_object_are_a_400(client, staff_api_client, variables):
    body = json.dumps({"query": CREATE, "variables": variables})
    response = _post(client, body, staff_api_client.token)
    assert response.status_code == 400
    _json_errors(response)


def test_a_query_that_is_not_a_string_is_a_400(client, staff_api_client):
    response = _post(client, json.dumps({"query": ["mutation"]}), staff_api_client.token)
    assert response.status_code == 400
    _json_errors(response)


def test_text_the_database_cannot_store_is_a_typed_error_and_writes_nothing(
    client, staff_api_client
):
    """A NUL character passes graphene and Django's model validation but PostgreSQL refuses it:
    the mutation answers a typed error (never a 500) and writes nothing. Forms refuse NUL
    themselves, and the services of several apps refuse it with their own codes."""
    body = {
        "query": "mutation($n: String!) { categoryCreate(input: {name: $n}) "
        "{ errors { field code message } } }",
        "variables": {"n": "大米\x00"},
    }
    response = _post(client, json.dumps(body), staff_api_client.token)
    assert response.status_code == 200
    (error,) = response.json()["data"]["categoryCreate"]["errors"]
    assert error["code"] == "INVALID" and error["message"]
    assert not Category.objects.exists()


def test_a_mutation_over_get_is_a_405_and_writes_nothing(client, staff_api_client):
    response = client.get(
        "/graphql/",
        {"query": CREATE},
        HTTP_ACCEPT="application/json",
        HTTP_AUTHORIZATION=f"Bearer {staff_api_client.token}",
    )
    assert response.status_code == 405
    _json_errors(response)
    assert not Category.objects.exists()


def test_multipart_request_with_broken_operations_is_a_400(client, staff_api_client):
    response = client.post(
        "/graphql/",
        {"operations": "{not json", "map": "{}"},
        HTTP_AUTHORIZATION=f"Bearer {staff_api_client.token}",
    )
    assert response.status_code == 400
    _json_errors(response)


def test_a_string_in_place_of_an_upload_is_an_input_error(staff_api_client, product):
    response = staff_api_client.post(
        """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input)
             { errors { code } } }""",
        {"input": {"product": gid(product), "image": "/etc/passwd"}},
    )
    assert response.status_code in (200, 400)
    [error] = _json_errors(response)
    assert error["extensions"]["exception"]["code"] == "GRAPHQL_ERROR"
    assert not ProductMedia.objects.exists()


def test_a_mutation_without_an_image_is_a_typed_error(staff_api_client, product):
    data = staff_api_client.query(
        """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input)
             { media { id } errors { field code } } }""",
        {"input": {"product": gid(product)}},
    )
    assert data["productMediaCreate"] == {
        "media": None,
        "errors": [{"field": "image", "code": "REQUIRED"}],
    }
