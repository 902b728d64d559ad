"""Stored sort prices (`discounted_price_amount`) follow promotions: recalculated by the beat
task every minute, so sorting by price lags a window boundary by under a minute."""

from __future__ import annotations

import pytest
from django.conf import settings

from backend.catalog.models import ProductChannelListing, ProductVariantChannelListing
from backend.discount.models import Promotion
from backend.discount.tasks import recalculate_discounted_prices_task
from tests.discount.conftest import D, listed_variant, past, promotion

pytestmark = pytest.mark.django_db


def stored(variant):
    return (
        ProductVariantChannelListing.objects.get(variant=variant).discounted_price_amount,
        ProductChannelListing.objects.get(product=variant.product).discounted_price_amount,
    )


def test_the_beat_task_stores_promotion_prices_and_restores_them_when_it_ends(channel, warehouse):
    entry = settings.CELERY_BEAT_SCHEDULE["recalculate-discounted-prices"]
    assert entry["task"] == "backend.discount.tasks.recalculate_discounted_prices_task"
    assert entry["schedule"] == 60.0
    rice = listed_variant(channel, warehouse, D("40.00"))
    promo = promotion(channel, variants=[rice], value=D("25"))

    assert recalculate_discounted_prices_task() == 2
    assert stored(rice) == (D("30.00"), D("30.00"))
    assert recalculate_discounted_prices_task() == 0  # nothing changed, nothing written

    Promotion.objects.filter(pk=promo.pk).update(start_date=past(3), end_date=past(1))
    recalculate_discounted_prices_task()
    assert stored(rice) == (D("40.00"), D("40.00"))
