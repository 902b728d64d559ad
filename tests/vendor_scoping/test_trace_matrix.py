"""The scoping matrix's traceability rows (issue #14): batch data is scoped to its vendor.

Every trace GraphQL operation and inspector page, tried by each kind of actor against vendor
B's batch and, as a positive control, against vendor A's own (the world of
tests/vendor_scoping/conftest.py).

Actors (columns):
  X_OWNER    owner of A, target B's batch             → refused; B's rows unchanged
  X_STAFF    staff of A, target B's batch             → refused; the same
  OWN        owner of A, target A's batch             → positive control: it works
  SHOPPER    a user of no vendor, target A            → refused
  ANON       anonymous, target A                      → refused (pages: login)
  REVIEWER   county reviewer (MANAGE_VENDORS)         → reads batches and quality records;
                                                        records nothing
  INSPECTOR  staff with MANAGE_TRACEABILITY           → every batch; spot checks and recalls

Outcomes: OK; NO (a typed error NOT_FOUND / NOT_VENDOR_STAFF / PERMISSION_DENIED, an empty
list or a null object — never a 500); pages: OK, 403, LOGIN. The completeness test at the
bottom fails when a trace field is added without a row.
"""

from __future__ import annotations

import functools

import pytest
from django.test import Client
from django.urls import reverse
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.trace import services
from backend.trace.models import Batch, OriginBase, Recall, SpotCheck, TraceEvent
from tests.graphql.conftest import staff_with

pytestmark = pytest.mark.django_db

OK, NO, NA = "OK", "REFUSED", "-"
LOGIN, VLOGIN, E403, E404 = "LOGIN", "VENDOR_LOGIN", "403", "404"
COLUMNS = ("X_OWNER", "X_STAFF", "OWN", "SHOPPER", "ANON", "REVIEWER", "INSPECTOR")


def row(*values: str) -> dict[str, str]:
    return dict(zip(COLUMNS, values, strict=True))


#   operation                         X_OWNER X_STAFF OWN  SHOPPER ANON REVIEWER INSPECTOR
GRAPHQL_MATRIX: dict[str, dict[str, str]] = {
    "traceBatches":            row(NA,  NA,  OK,  NO,  NO,  OK,  OK),
    "traceBatch":              row(NO,  NO,  OK,  NO,  NO,  OK,  OK),
    "traceBatch/code":         row(NO,  NO,  OK,  NO,  NO,  OK,  OK),
    "node/TraceBatch":         row(NO,  NO,  OK,  NO,  NO,  OK,  OK),
    "traceOriginBases":        row(NA,  NA,  OK,  NO,  NO,  NO,  OK),
    "node/TraceOriginBase":    row(NO,  NO,  OK,  NO,  NO,  OK,  OK),
    "traceOriginBaseCreate":   row(NA,  NA,  OK,  NO,  NO,  NO,  NO),
    "traceBatchCreate":        row(NO,  NO,  OK,  NO,  NO,  NO,  NO),
    "traceEventRecord":        row(NO,  NO,  OK,  NO,  NO,  NO,  OK),
    "traceInspectionAdd":      row(NO,  NO,  OK,  NO,  NO,  NO,  OK),
    "spotCheckRecord":         row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
    "recallOpen":              row(NO,  NO,  NO,  NO,  NO,  NO,  OK),
    "recallClose":             row(NA,  NA,  NO,  NO,  NO,  NO,  OK),
    "recalls":                 row(NA,  NA,  NO,  NO,  NO,  NO,  OK),
    "qualityRecord":           row(NO,  NO,  OK,  NO,  NO,  OK,  OK),
    "recallAcknowledge":       row(NA,  NA,  NA,  NA,  OK,  NA,  NA),
}  # fmt: skip

PAGE_MATRIX: dict[str, dict[str, str]] = {
    "inspect:index":           row(NA,  NA,  E403, E403, LOGIN, E403, OK),
    "inspect:batch":           row(E403, E403, E403, E403, LOGIN, E403, OK),
    "inspect:batch-epcis":     row(E403, E403, E403, E403, LOGIN, E403, OK),
    "inspect:report":          row(NA,  NA,  E403, E403, LOGIN, OK, OK),
    "inspect:vendor":          row(E403, E403, E403, E403, LOGIN, OK, OK),
    "trace:mine":              row(NA,  NA,  OK,  E403, VLOGIN, E403, E403),
    "trace:mine-batch":        row(E404, E404, OK, E403, VLOGIN, E403, E403),
    "trace:mine-label":        row(E404, E404, OK, E403, VLOGIN, E403, E403),
    "trace:mine-batch-new":    row(NA,  NA,  OK,  E403, VLOGIN, E403, E403),
    "trace:mine-base-new":     row(NA,  NA,  OK,  E403, VLOGIN, E403, E403),
}  # fmt: skip


@functools.cache
def _inspector_group():
    return "质量监管员（矩阵）"


def _actor(world, column):
    if column in ("X_OWNER", "OWN"):
        return world.a.owner
    if column == "X_STAFF":
        return world.a.staff
    if column == "SHOPPER":
        return world.shopper
    if column == "REVIEWER":
        return world.reviewer
    if column == "INSPECTOR":
        return world.a.extra["inspector"]
    return None


def _batch(side, lot: str) -> Batch:
    return services.create_batch(
        actor=side.owner,
        variant=side.approved.variants.get(),
        lot_number=lot,
        quantity=5,
        packed_on="2026-10-01",
    )


@pytest.fixture
def trace(world):
    # Made in each test (its savepoint undoes it), like the batches below.
    world.a.extra["inspector"] = staff_with(
        Permission.MANAGE_TRACEABILITY, group_name=_inspector_group()
    )
    for side in (world.a, world.b):
        side.extra["batch"] = _batch(side, f"{side.marker}-LOT")
        side.extra["base"] = services.create_base(actor=side.owner, name=f"{side.marker}基地")
    return world


def _target(world, column):
    return world.b if column.startswith("X_") else world.a


def _gql(user, query, variables=None):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(user)}"} if user else {}
    import json

    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code < 500, response.content
    return response.json()


def _gid(instance, name):
    return to_global_id(name, instance.pk)


def _run(world, op, column):
    side = _target(world, column)
    user = _actor(world, column)
    batch = side.extra["batch"]
    bid = _gid(batch, "TraceBatch")
    if op == "traceBatches":
        data = _gql(user, "{ traceBatches(first: 50) { edges { node { code lotNumber } } } }")
        lots = [e["node"]["lotNumber"] for e in data["data"]["traceBatches"]["edges"]]
        return "ALFA-LOT" in lots, "BETA-LOT" in lots
    if op in ("traceBatch", "traceBatch/code"):
        args = f'code: "{batch.code}"' if op.endswith("code") else f'id: "{bid}"'
        data = _gql(user, f"{{ traceBatch({args}) {{ code events {{ hash }} }} }}")
        return bool((data.get("data") or {}).get("traceBatch")), None
    if op.startswith("node/"):
        kind = op.split("/")[1]
        obj = batch if kind == "TraceBatch" else side.extra["base"]
        data = _gql(user, f'{{ node(id: "{_gid(obj, kind)}") {{ id }} }}')
        return bool((data.get("data") or {}).get("node")), None
    if op == "traceOriginBases":
        data = _gql(user, "{ traceOriginBases { name } }")
        names = [b["name"] for b in (data.get("data") or {}).get("traceOriginBases") or []]
        return "ALFA基地" in names, "BETA基地" in names
    if op == "recalls":
        from backend.trace import recalls

        recalls.open_recall(actor=world.a.extra["inspector"], batch=batch, reason="矩阵")
        data = _gql(user, "{ recalls(first: 5) { totalCount } }")
        return (data["data"]["recalls"] or {}).get("totalCount") is not None and (
            data["data"]["recalls"]["totalCount"] > 0
        ), None
    if op == "qualityRecord":
        vid = _gid(side.vendor, "Vendor")
        data = _gql(user, f'{{ qualityRecord(vendor: "{vid}") {{ batches }} }}')
        return bool((data.get("data") or {}).get("qualityRecord")), None
    mutations = {
        "traceOriginBaseCreate": ('traceOriginBaseCreate(name: "新基地")', "base { name }"),
        "traceBatchCreate": (
            f'traceBatchCreate(variant: "{_gid(side.approved.variants.get(), "ProductVariant")}",'
            f' lotNumber: "NEW-LOT", quantity: 3, packedOn: "2026-10-02")',
            "batch { code }",
        ),
        "traceEventRecord": (
            f'traceEventRecord(batch: "{bid}", bizStep: STORING, readPointKind: WAREHOUSE,'
            f' readPointName: "冷库")',
            "event { sequence }",
        ),
        "traceInspectionAdd": (
            f'traceInspectionAdd(batch: "{bid}", lab: "检测所", testedOn: "2026-10-03",'
            f" result: PASS)",
            "inspection { lab }",
        ),
        "spotCheckRecord": (
            f'spotCheckRecord(batch: "{bid}", sample: "1kg", lab: "检测所", result: PASS)',
            "spotCheck { sample }",
        ),
        "recallOpen": (
            f'recallOpen(batch: "{bid}", reason: "矩阵测试", refundPolicy: NONE)',
            "recall { reason }",
        ),
        "recallClose": (None, "recall { status }"),
        "recallAcknowledge": (None, "ok"),
    }
    call, result = mutations[op]
    if op == "recallClose":
        from backend.trace import recalls

        recall = recalls.open_recall(
            actor=world.a.extra["inspector"], batch=batch, reason="矩阵", refund_policy="none"
        )
        call = f'recallClose(id: "{_gid(recall, "Recall")}")'
    if op == "recallAcknowledge":
        call = 'recallAcknowledge(token: "no-such-token")'
    data = _gql(user, f"mutation {{ {call} {{ {result} errors {{ field code }} }} }}")
    if data.get("errors"):
        return False, None
    body = next(iter(data["data"].values()))
    if op == "recallAcknowledge":
        return body["errors"][0]["code"] == "NOT_FOUND", None
    return not body["errors"], None


def _b_rows(world):
    b = world.b
    return (
        list(Batch.objects.filter(vendor=b.vendor).values_list("pk", "events_count", "status")),
        TraceEvent.objects.filter(batch__vendor=b.vendor).count(),
        OriginBase.objects.filter(vendor=b.vendor).count(),
        SpotCheck.objects.filter(vendor=b.vendor).count(),
        Recall.objects.filter(batch__vendor=b.vendor).count(),
    )


CASES = [
    (op, column, expected)
    for op, columns in GRAPHQL_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(("op", "column", "expected"), CASES)
def test_graphql_trace_matrix(trace, op, column, expected):
    before = _b_rows(trace)
    worked, saw_b = _run(trace, op, column)
    if op == "recallAcknowledge":
        assert worked  # answered with a typed NOT_FOUND for a forged token
        return
    assert worked == (expected == OK), (op, column)
    if saw_b is not None and column not in ("REVIEWER", "INSPECTOR"):
        assert not saw_b, f"{op}: B's data shown to {column}"
    if column.startswith("X_") or expected != OK:
        assert _b_rows(trace) == before, "B's rows changed"


PAGE_CASES = [
    (name, column, expected)
    for name, columns in PAGE_MATRIX.items()
    for column, expected in columns.items()
    if expected != NA
]


@pytest.mark.parametrize(("name", "column", "expected"), PAGE_CASES)
def test_inspector_page_matrix(trace, name, column, expected):
    side = _target(trace, column)
    batch = side.extra["batch"]
    kwargs = {
        "inspect:batch": {"code": batch.code},
        "inspect:batch-epcis": {"code": batch.code},
        "inspect:vendor": {"pk": side.vendor.pk},
        "trace:mine-batch": {"code": batch.code},
        "trace:mine-label": {"code": batch.code},
    }.get(name, {})
    client = Client()
    user = _actor(trace, column)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    if expected == LOGIN:
        assert response.status_code == 302 and "login" in response.url
    elif expected == VLOGIN:
        assert response.status_code == 302 and response.url.startswith("/vendor/login/")
    elif expected == E404:
        assert response.status_code == 404
    elif expected == E403:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        if column == "OWN":
            assert trace.b.marker not in response.content.decode(), "B's data on A's page"


def test_every_trace_page_has_a_row():
    from backend.trace import inspect_urls, urls

    names = {f"inspect:{p.name}" for p in inspect_urls.urlpatterns if p.name} | {
        f"trace:{p.name}" for p in urls.urlpatterns if p.name and p.name.startswith("mine")
    }
    names -= {"inspect:flag-resolve", "inspect:recall"}  # POST actions / recall rows above
    assert names == set(PAGE_MATRIX)


def test_every_trace_field_has_a_row():
    from backend.graphql.api import schema
    from backend.graphql.trace.mutations import TraceMutations
    from backend.graphql.trace.schema import TraceQueries

    fields = set(TraceQueries._meta.fields) | set(TraceMutations._meta.fields)
    graphql_schema = schema.graphql_schema
    names = {
        name
        for root in (graphql_schema.query_type, graphql_schema.mutation_type)
        for name in root.fields
        if any(name == to for to in _camel(fields))
    }
    covered = {key.split("/")[0] for key in GRAPHQL_MATRIX if not key.startswith("node/")}
    assert names == covered


def _camel(names):
    from graphene.utils.str_converters import to_camel_case

    return {to_camel_case(name) for name in names}
