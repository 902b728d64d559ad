"""The zone's API answers in a fixed number of SQL statements, whatever the number of
certified products (data loaders; DESIGN.md: quality bar)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.poverty.models import Mechanism
from tests.conftest import GraphQLClient
from tests.factories import ProductFactory, list_product

pytestmark = pytest.mark.django_db
CAPTURED: list = []

QUERY = """
query Zone($channel: String) { povertyZone(channel: $channel) {
  products { name povertyCertification { number mechanismDescription beneficiaryHouseholds } }
  stats { sales { amount } households villages }
} }
"""


def _count(zone, client) -> tuple[int, int]:
    api = GraphQLClient(client)
    with CaptureQueriesContext(connection) as queries:
        body = api.query(QUERY, {"channel": zone.channel.slug})
    CAPTURED[:] = queries.captured_queries
    return len(body["povertyZone"]["products"]), len(queries)


def test_zone_query_count_does_not_grow_with_products(zone, client):
    zone.certify(zone.rice)
    zone.certify(zone.noodles, Mechanism.EMPLOYMENT)
    few, few_queries = _count(zone, client)
    for index in range(4):
        product = ProductFactory(vendor=zone.vendor, name=f"扶贫商品{index}")
        list_product(product, zone.channel, prices=(Decimal("9.90"),), warehouse=zone.warehouse)
        zone.certify(product, Mechanism.SALES_SHARE)
    many, many_queries = _count(zone, client)
    assert (few, many) == (2, 6)
    assert many_queries == few_queries, "\n".join(q["sql"][:160] for q in CAPTURED)
