"""Parallel saves cannot both pass the stacking rule's overlap check: of several brand managers
creating the same flash sale, or 满减 promotions of one priority in one channel, at the same
moment, exactly one succeeds and the rest get OVERLAPPING_WINDOW. Real threads, real
connections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from backend.account.jwt import create_access_token
from backend.discount.models import Promotion, SpecialPrice
from tests.checkout.test_concurrency import run_in_parallel
from tests.conftest import GraphQLClient
from tests.discount_api import test_flash_sales, test_promotions

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 6


def _call(token, query, variables, name):
    def call():
        return GraphQLClient(Client(), token).query(query, variables)[name]

    return call


def test_parallel_flash_sales_for_one_variant_yield_one(brand_manager, channel, rice, window):
    _product, variants = rice
    token = create_access_token(brand_manager)
    variables = {"input": test_flash_sales._input(channel, variants[0], window)}
    results = run_in_parallel(
        [_call(token, test_flash_sales.CREATE, variables, "flashSaleCreate")] * PARALLEL
    )
    assert sum(1 for r in results if r["errors"] == []) == 1
    refused = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert refused == ["OVERLAPPING_WINDOW"] * (PARALLEL - 1)
    assert SpecialPrice.objects.count() == 1


def test_parallel_order_promotions_in_one_channel_yield_one(brand_manager, channel, window):
    token = create_access_token(brand_manager)
    calls = [
        _call(
            token,
            test_promotions.CREATE,
            {
                "input": test_promotions._order_input(
                    channel, (window[0] + timedelta(minutes=i), window[1]), name=f"满减{i}"
                )
            },
            "promotionCreate",
        )
        for i in range(PARALLEL)
    ]
    results = run_in_parallel(calls)
    assert sum(1 for r in results if r["errors"] == []) == 1
    refused = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert refused == ["OVERLAPPING_WINDOW"] * (PARALLEL - 1)
    assert Promotion.objects.count() == 1
