"""Every Saleor storefront operation (tests/saleor_compat/operations.py) validates against our
schema: the documents the storefront sends are accepted as they are."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from backend.graphql.api import schema
from tests.saleor_compat.operations import OPERATIONS

# Operations that do not validate yet; docs/saleor-compatibility.md says what they lack.
PENDING: set[str] = set()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="not implemented yet"))
        if name in PENDING
        else name
        for name in OPERATIONS
    ],
)
def test_storefront_operation_validates_against_our_schema(name):
    document = parse(OPERATIONS[name])
    operations = [d for d in document.definitions if getattr(d, "operation", None)]
    assert [op.name.value for op in operations] == [name]
    errors = validate(schema.graphql_schema, document)
    assert errors == [], [error.message for error in errors]
