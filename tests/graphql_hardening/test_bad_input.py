"""Bad input is a typed error of the GraphQL layer, never a server error: text with a NUL
character (which PostgreSQL cannot store or compare) anywhere in the arguments, and global IDs
that are not base64, name another type or hold no number."""

from __future__ import annotations

import base64
import json

import pytest

from backend.account.jwt import create_access_token
from backend.catalog.models import Category
from backend.core.permissions import Permission
from tests.factories import ChannelFactory, ProductFactory, UserFactory
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


def _post(client, body: dict):
    return client.post("/graphql/", data=json.dumps(body), content_type="application/json")


def _errors(response) -> list[dict]:
    assert response.status_code in (200, 400), response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors
    for error in errors:
        assert error["message"] and "Traceback" not in error["message"]
        assert error["extensions"]["exception"]["code"] not in ("INTERNAL_ERROR", None)
    return errors


READS_WITH_TEXT = [
    ("query($v: String!) { town(code: $v) { name } }", "v"),
    ("query($v: String!) { collection(slug: $v) { name } }", "v"),
    ("query($v: String!) { products(first: 2, channel: $v) { edges { node { id } } } }", "v"),
    ("query($v: ID!) { productVariant(id: $v) { id } }", "v"),
    ("query($v: ID!) { node(id: $v) { id } }", "v"),
    ("query($v: String!) { product(slug: $v) { id } }", "v"),
]


@pytest.mark.parametrize(("query", "name"), READS_WITH_TEXT)
def test_a_nul_character_in_a_variable_is_an_invalid_input_error(client, query, name):
    ChannelFactory(slug="default-channel")
    response = _post(client, {"query": query, "variables": {name: NUL}})
    [error] = _errors(response)
    assert error["extensions"]["exception"]["code"] == "INVALID"
    assert error["extensions"]["exception"]["field"] == name


def test_a_nul_character_in_an_inline_argument_names_the_argument(client):
    response = _post(client, {"query": 'query { town(code: "a\\u0000b") { name } }'})
    [error] = _errors(response)
    assert error["extensions"]["exception"]["code"] == "INVALID"
    assert error["extensions"]["exception"]["field"] == "code"
    assert response.status_code == 400 and "data" not in response.json()


def test_a_nul_character_inside_an_input_object_list_is_found(client):
    ChannelFactory(slug="default-channel")
    query = """query($f: ProductFilterInput) {
        products(first: 2, channel: "default-channel", filter: $f) { edges { node { id } } } }"""
    response = _post(client, {"query": query, "variables": {"f": {"ids": ["UHJvZHVjdDox", NUL]}}})
    [error] = _errors(response)
    assert error["extensions"]["exception"]["code"] == "INVALID"


@pytest.mark.parametrize(
    "value",
    [
        "not base64!",
        "%%%",
        base64.b64encode(b"Product").decode(),  # no colon
        base64.b64encode(b"Product:abc").decode(),  # not a number
        base64.b64encode(b"Product:99999999999999999999999").decode(),  # beyond bigint
        base64.b64encode(b"\xff\xfe:1").decode(),  # not UTF-8
        base64.b64encode(b"Order:1").decode(),  # another type
        "",
    ],
)
@pytest.mark.parametrize(
    "query",
    [
        "query($v: ID!) { node(id: $v) { id } }",
        "query($v: ID!) { product(id: $v) { id } }",
        "query($v: ID!) { productVariant(id: $v) { id } }",
        "query($v: ID!) { category(id: $v) { id } }",
    ],
)
def test_a_malformed_global_id_is_null_or_a_typed_error(client, query, value):
    ProductFactory()
    response = _post(client, {"query": query, "variables": {"v": value}})
    assert response.status_code in (200, 400), response.content
    body = response.json()
    for error in body.get("errors") or []:
        assert error["extensions"]["exception"]["code"] != "INTERNAL_ERROR", error
        assert "Traceback" not in error["message"]


def test_unstorable_text_in_a_mutation_is_its_typed_error_naming_the_field(client):
    token = create_access_token(staff_with(Permission.MANAGE_PRODUCTS))
    query = """mutation($n: String!) { categoryCreate(input: {name: "ok", slug: $n})
        { category { id } errors { field code message } } }"""
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": {"n": "x\ud800"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    payload = response.json()["data"]["categoryCreate"]
    assert payload["category"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("slug", "INVALID")]
    assert not Category.objects.exists()


def test_a_refused_mutation_answers_the_empty_value_of_its_required_fields(client):
    """`accountDelete { ok: Boolean! }` refused for its input answers ok=false beside the
    error (found by the fuzz: it was a null, which graphql turns into a server error)."""
    user = UserFactory()
    response = client.post(
        "/graphql/",
        data=json.dumps(
            {"query": 'mutation { accountDelete(code: "\\u0000") { ok errors { field code } } }'}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}",
    )
    assert response.json() == {
        "data": {"accountDelete": {"ok": False, "errors": [{"field": "code", "code": "INVALID"}]}}
    }
    user.refresh_from_db()
    assert user.is_active
