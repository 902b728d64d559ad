"""The trace GraphQL module: typed errors that write nothing, and list queries whose SQL count
does not grow with the page (data loaders)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.trace.models import Batch
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db

LIST = """
query { traceBatches(first: 20) { totalCount edges { node {
  code lotNumber status expiresOn variant { sku } base { name }
  inspections { lab result } events { sequence bizStep readPointName hash }
} } } }
"""


def test_the_batch_list_costs_the_same_sql_for_2_or_6_batches(client, trace_world):
    api = GraphQLClient(client, create_access_token(trace_world.owner))
    for lot in ("L1", "L2"):
        trace_world.batch(lot)
    with CaptureQueriesContext(connection) as two:
        data = api.query(LIST)
    assert data["traceBatches"]["totalCount"] == 2
    for lot in ("L3", "L4", "L5", "L6"):
        trace_world.batch(lot)
    with CaptureQueriesContext(connection) as six:
        data = api.query(LIST)
    assert data["traceBatches"]["totalCount"] == 6
    node = data["traceBatches"]["edges"][0]["node"]
    assert node["status"] == "ACTIVE" and node["base"]["name"] == "东王集万亩稻田"
    assert [e["bizStep"] for e in node["events"]][:2] == ["PLANTING", "HARVESTING"]
    assert len(six) == len(two)


def test_bad_input_gets_typed_errors_and_writes_nothing(client, trace_world):
    api = GraphQLClient(client, create_access_token(trace_world.owner))
    variant = to_global_id("ProductVariant", trace_world.variant.pk)
    mutation = """
    mutation($variant: ID!, $lot: String!, $q: Int!, $packed: Date!, $harvested: Date) {
      traceBatchCreate(variant: $variant, lotNumber: $lot, quantity: $q, packedOn: $packed,
                       harvestedOn: $harvested) {
        batch { code } errors { field code message }
      }
    }"""
    cases = [
        ({"q": 0}, "quantity", "INVALID_QUANTITY"),
        ({"packed": "2999-01-01"}, "packedOn", "INVALID_DATE"),
        ({"harvested": "2026-12-01", "packed": "2026-11-01"}, "packedOn", "INVALID_DATE"),
        ({"lot": "  "}, "lotNumber", "REQUIRED"),
        ({"variant": to_global_id("ProductVariant", 999999)}, "variant", "NOT_FOUND"),
    ]
    for change, field, code in cases:
        variables = {"variant": variant, "lot": "LOT-X", "q": 5, "packed": "2026-11-01", **change}
        body = api.query(mutation, variables)["traceBatchCreate"]
        assert body["batch"] is None, change
        assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)], change
    assert not Batch.objects.exists()


def test_a_correction_through_the_api_names_the_event_it_corrects(client, trace_world):
    api = GraphQLClient(client, create_access_token(trace_world.owner))
    batch = trace_world.batch("API-1")
    first = batch.events.order_by("sequence").first()
    data = api.query(
        """mutation($b: ID!, $c: UUID) { traceEventRecord(batch: $b, bizStep: PLANTING,
             readPointKind: BASE, corrects: $c, note: "日期更正") {
             event { sequence corrects } errors { field code } } }""",
        {"b": to_global_id("TraceBatch", batch.pk), "c": str(first.event_id)},
    )["traceEventRecord"]
    assert data["errors"] == [] and data["event"]["corrects"] == str(first.event_id)
    unknown = api.query(
        """mutation($b: ID!) { traceEventRecord(batch: $b, bizStep: PLANTING, readPointKind: BASE,
             corrects: "00000000-0000-0000-0000-000000000000", note: "x") {
             event { sequence } errors { field code } } }""",
        {"b": to_global_id("TraceBatch", batch.pk)},
    )["traceEventRecord"]
    assert unknown["errors"] == [{"field": "corrects", "code": "NOT_FOUND"}]
