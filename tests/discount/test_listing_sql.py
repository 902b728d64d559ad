"""Promotions cost no SQL per product: a page of listing cards priced with catalogue
promotions on products, categories, vendors and variants and a flash sale runs the same number
of statements for 1 product as for 20, once the channel's snapshot is built."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.catalog.models import Product
from backend.discount.models import RewardValueType
from backend.storefront.selectors import cards, with_card_data
from tests.discount.conftest import D, flash_sale, listed_variant, promotion
from tests.factories import CategoryFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_card_pricing_statements_do_not_grow_with_the_page(channel, warehouse):
    category = CategoryFactory()
    vendor = VendorFactory()
    variants = [
        listed_variant(
            channel,
            warehouse,
            D("10.00") + index,
            category=category if index % 2 else None,
            vendor=vendor if index % 3 == 0 else None,
        )
        for index in range(20)
    ]
    promotion(channel, categories=[category], value=D("10"))
    promotion(channel, vendors=[vendor], value_type=RewardValueType.FIXED, value=D("2.00"))
    promotion(channel, products=[variants[4].product], value=D("30"))
    flash_sale(channel, variants[5], price=D("1.90"))
    products = Product.objects.filter(variants__in=variants).order_by("pk")

    def statements(count: int) -> tuple[int, list]:
        with CaptureQueriesContext(connection) as captured:
            page = cards(with_card_data(products[:count], channel))
        return len(captured.captured_queries), page

    statements(1)  # builds the snapshot (once per catalog version and process)
    one, _ = statements(1)
    twenty, page = statements(20)
    assert one == twenty
    on_sale = [card for card in page if card.pricing.on_sale]
    assert len(on_sale) >= 12  # categories, vendor, product and flash sale all priced
    flash = next(card for card in page if card.product.pk == variants[5].product.pk)
    assert flash.price.amount == D("1.90")
    assert flash.pricing.kind == "flash_sale"
