"""List queries cost the same number of SQL statements for 2 items as for 12 (loaders)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.discount import management
from backend.discount.models import PromotionType, RewardValueType, VoucherType
from tests.factories import ProductFactory, list_product

pytestmark = pytest.mark.django_db

PROMOTIONS = """
{ promotions(first: 20) { totalCount edges { node { id name type fundedBy
    rules { id rewardValue promotion { id } channels { slug } products { name }
            variants { sku } categories { name } collections { name } vendors { name } } } } } }
"""
VOUCHERS = """
{ vouchers(first: 20) { edges { node { id name codesCount channels { slug }
    products { name } minSpent { amount } } } } }
"""
FLASH_SALES = """
query($channel: String!) { flashSales(channel: $channel) { name price { amount }
  undiscountedPrice { amount } remainingQuantity channel { slug } variant { id sku } } }
"""


def _make(numbers, *, actor, channel, warehouse, now):
    for index in numbers:
        product = ProductFactory()
        [variant] = list_product(product, channel, prices=(Decimal("50"),), warehouse=warehouse)
        management.create_promotion(
            actor=actor,
            data={
                "name": f"促销{index}",
                "type": PromotionType.CATALOGUE,
                "start_date": now,
                "end_date": now + timedelta(days=3),
            },
            rules=[
                {
                    "channels": [channel],
                    "products": [product],
                    "variants": [variant],
                    "reward_value_type": RewardValueType.PERCENTAGE,
                    "reward_value": Decimal("5"),
                }
            ],
        )
        management.create_voucher(
            actor=actor,
            data={
                "name": f"券{index}",
                "type": VoucherType.SPECIFIC_PRODUCT,
                "discount_value_type": RewardValueType.FIXED,
                "discount_value": Decimal("3"),
                "start_date": now,
                "channels": [channel],
                "products": [product],
            },
            codes=[f"CODE{index}A", f"CODE{index}B"],
        )
        management.create_flash_sale(
            actor=actor,
            data={
                "name": f"秒杀{index}",
                "channel": channel,
                "variant": variant,
                "price_amount": Decimal("30"),
                "starts_at": now,
                "ends_at": now + timedelta(hours=index + 1),
                "quantity_limit": 10,
            },
        )


def _statements(client, query, variables=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.query(query, variables)
    return len(captured)


@pytest.mark.parametrize(
    "query", [PROMOTIONS, VOUCHERS, FLASH_SALES], ids=["promotions", "vouchers", "flash-sales"]
)
def test_list_query_sql_count_does_not_grow_with_page_size(
    manager_gql, brand_manager, channel, warehouse, now, query
):
    variables = {"channel": channel.slug} if query is FLASH_SALES else None
    _make(range(2), actor=brand_manager, channel=channel, warehouse=warehouse, now=now)
    few = _statements(manager_gql, query, variables)
    _make(range(2, 12), actor=brand_manager, channel=channel, warehouse=warehouse, now=now)
    many = _statements(manager_gql, query, variables)
    assert many == few, f"{few} statements for 2 items, {many} for 12"
