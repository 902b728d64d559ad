from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import (
    AttributeFactory,
    AttributeValueFactory,
    CategoryFactory,
    ProductFactory,
    ProductTypeFactory,
    list_product,
)


@pytest.fixture
def rice(channel, warehouse):
    """东王集大米 with two pack sizes and an origin attribute, listed in the channel."""
    product_type = ProductTypeFactory(name="粮油", tax_rate=Decimal("0.09"))
    origin = AttributeFactory(name="产地", slug="origin")
    product_type.product_attributes.add(origin)
    town = AttributeValueFactory(attribute=origin, name="东王集镇", slug="dongwangji")
    category = CategoryFactory(name="粮油米面", slug="grain")
    product = ProductFactory(
        name="东王集大米",
        slug="dongwangji-rice",
        product_type=product_type,
        category=category,
        search_document="东王集大米 粮油米面 东王集镇 大米",
    )
    product.attribute_values.add(town)
    list_product(product, channel, prices=(Decimal("39.90"), Decimal("69.00")), warehouse=warehouse)
    return product
