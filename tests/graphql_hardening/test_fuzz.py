"""Schema-wide fuzzing: queries and mutations generated from OUR schema (printed by graphene)
by hypothesis-graphql, posted to /graphql/ through Django's test client against a small seeded
data set. Every Query field is tried alone, anonymously and as a staff member with every
permission, and every Mutation field as that staff member; then documents mixing several
fields, queries by both and mutations anonymously. No answer may be a 500, an error with the
code INTERNAL_ERROR, or a traceback.

Strings and IDs are drawn from the seeded rows' real values mixed with hostile ones: NUL
characters, IDs that are not base64, name another type or hold no number, numbers beyond 64
bits. (An unpaired surrogate cannot be written in a GraphQL string literal at all; the variable
path is tested in test_bad_input.py.) Each example runs in a savepoint that is rolled back, so
mutations do not change the data the next example sees. The run is derandomised (the same
examples each CI run, no flaky failures); FUZZ_PER_FIELD=<n>, FUZZ_EXAMPLES=<n> and
FUZZ_RANDOM=1 explore further by hand; FUZZ_STATS=1 prints the answers seen (status, error
codes) with pytest -s.
"""

from __future__ import annotations

import base64
import json
import os
import string
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.db import transaction
from graphql import build_schema
from graphql_relay import to_global_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from backend.account.jwt import create_access_token
from backend.graphql.api import schema
from tests.factories import (
    AddressFactory,
    CategoryFactory,
    ChannelFactory,
    CheckoutFactory,
    ProductFactory,
    TownFactory,
    UserFactory,
    VillageFactory,
    WarehouseFactory,
    list_product,
    order_with_lines,
)

pytestmark = pytest.mark.django_db

SCHEMA = str(schema)
PARSED = build_schema(SCHEMA)
QUERY_FIELDS = sorted(PARSED.query_type.fields)
MUTATION_FIELDS = sorted(PARSED.mutation_type.fields)
# Examples per root field (every field is tried alone), and of documents mixing fields.
PER_FIELD = int(os.environ.get("FUZZ_PER_FIELD", "2"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
STATS = os.environ.get("FUZZ_STATS") == "1"  # print what the answers were (pytest -s)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()


HOSTILE_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=string.printable + "\x00中", max_size=12),
    st.sampled_from(["", "\x00", "a\x00b", "%", "' OR 1=1 --", "9" * 40, "-1"]),
)
HOSTILE_IDS = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(["not base64!", "====", _b64("Product"), _b64("Product:abc")]),
    st.sampled_from([_b64("Order:1"), _b64("Product:99999999999999999999"), _b64(":1")]),
    st.tuples(st.sampled_from(["Product", "Order", "Checkout", "User"]), HOSTILE_TEXT).map(
        lambda pair: _b64(f"{pair[0]}:{pair[1]}")
    ),
)


def _scalars(ids: list[str], texts: list[str]) -> dict:
    """Value strategies per scalar: the seeded values most of the time, hostile ones often."""
    as_string = nodes.String
    return {
        "ID": st.one_of(st.sampled_from(ids), HOSTILE_IDS).map(as_string),
        "String": st.one_of(st.sampled_from(texts), HOSTILE_TEXT).map(as_string),
        "UUID": st.one_of(st.uuids().map(str), HOSTILE_TEXT).map(as_string),
        "Date": st.one_of(st.dates().map(str), HOSTILE_TEXT).map(as_string),
        "DateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat()), HOSTILE_TEXT).map(
            as_string
        ),
        "Time": st.one_of(st.times().map(str), HOSTILE_TEXT).map(as_string),
        "Decimal": st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False, places=2).map(as_string),
            st.integers(-(2**70), 2**70).map(nodes.Int),
            HOSTILE_TEXT.map(as_string),
        ),
        "PositiveDecimal": st.one_of(
            st.decimals(min_value=Decimal(0), max_value=Decimal(10**12), places=2).map(as_string),
            st.integers(-(2**70), 2**70).map(nodes.Int),
            HOSTILE_TEXT.map(as_string),
        ),
        "JSONString": st.one_of(
            st.sampled_from(["{}", "[]", '{"a": 1}', "null"]), HOSTILE_TEXT
        ).map(as_string),
        "JSON": st.one_of(HOSTILE_TEXT.map(as_string), st.integers().map(nodes.Int)),
        "GenericScalar": st.one_of(HOSTILE_TEXT.map(as_string), st.integers().map(nodes.Int)),
        "Upload": HOSTILE_TEXT.map(as_string),
    }


@pytest.fixture
def data_set(db):
    """A channel with listed products in a category, a warehouse, a town with a village, a
    customer with an address, an order and a checkout; a staff member with every permission."""
    channel = ChannelFactory(slug="default-channel")
    warehouse = WarehouseFactory(channels=[channel])
    category = CategoryFactory()
    products = [ProductFactory(category=category) for _index in range(3)]
    variants = [list_product(p, channel, warehouse=warehouse)[0] for p in products]
    town = TownFactory()
    village = VillageFactory(town=town)
    customer = UserFactory(phone="+8613812345678")
    address = AddressFactory()
    customer.addresses.add(address)
    order = order_with_lines(channel=channel, lines=[(variants[0], 1)], user=customer)
    checkout = CheckoutFactory(channel=channel, user=customer)
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.user_permissions.set(DjangoPermission.objects.all())
    rows = [channel, warehouse, category, *products, *variants, town, village, customer]
    ids = [to_global_id(type(row).__name__, row.pk) for row in rows]
    ids += [
        to_global_id("Order", order.pk),
        to_global_id("Checkout", checkout.pk),
        to_global_id("Address", address.pk),
    ]
    texts = [channel.slug, category.slug, town.code, village.code, customer.email]
    texts += [product.slug for product in products] + [str(order.number), str(checkout.token)]
    return {
        "scalars": _scalars(ids, texts),
        "tokens": {"anonymous": None, "staff": create_access_token(staff)},
    }


def _assert_no_server_error(query: str, response, outcomes: Counter) -> None:
    text = response.content.decode("utf-8", "replace")
    assert response.status_code < 500, f"{response.status_code} for:\n{query}\n{text[:2000]}"
    assert "Traceback" not in text, query
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(text)
        codes = []
        for error in body.get("errors") or []:
            code = (error.get("extensions") or {}).get("exception", {}).get("code")
            assert code != "INTERNAL_ERROR", f"{error}\nfor:\n{query}"
            codes.append(code)
        outcomes[(response.status_code, tuple(sorted(set(codes))))] += 1


def _fuzz(client, strategy, token: str | None, examples: int = EXAMPLES) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    outcomes: Counter = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(query: str) -> None:
        with transaction.atomic():
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": query}),
                content_type="application/json",
                **headers,
            )
            transaction.set_rollback(True)
        _assert_no_server_error(query, response, outcomes)

    check()
    if STATS:
        print(sorted(outcomes.items(), key=lambda item: -item[1]))


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_every_query_field_answers_generated_arguments_without_a_server_error(
    client, data_set, who
):
    for field in QUERY_FIELDS:
        strategy = queries(PARSED, fields=[field], custom_scalars=data_set["scalars"])
        _fuzz(client, strategy, data_set["tokens"][who], PER_FIELD)


def test_every_mutation_field_answers_generated_input_without_a_server_error(client, data_set):
    for field in MUTATION_FIELDS:
        strategy = mutations(PARSED, fields=[field], custom_scalars=data_set["scalars"])
        _fuzz(client, strategy, data_set["tokens"]["staff"], PER_FIELD)


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_generated_queries_mixing_fields_never_fail_with_a_server_error(client, data_set, who):
    strategy = queries(PARSED, custom_scalars=data_set["scalars"])
    _fuzz(client, strategy, data_set["tokens"][who])


def test_generated_anonymous_mutations_never_fail_with_a_server_error(client, data_set):
    strategy = mutations(PARSED, custom_scalars=data_set["scalars"])
    _fuzz(client, strategy, data_set["tokens"]["anonymous"])
