"""The same figures everywhere (hypothesis over random catalogues): a variant's price on the
storefront's product page and listing card, in GraphQL, in the cart (CheckoutInfo) and on the
order written by checkout completion are one and the same, and the cart's total is the order's.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.catalog.models import Product, ProductChannelListing, ProductVariantChannelListing
from backend.checkout.calculations import load_checkout_info
from backend.discount.models import OrderLineDiscount, PromotionType, RewardValueType, VoucherType
from backend.discount.pricing import recalculate_discounted_prices
from backend.storefront.selectors import cards, product_page, with_card_data
from tests.discount.conftest import cart, listed_variant, pay_and_complete, promotion, voucher
from tests.factories import ChannelFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

_channels = itertools.count(1)

PRODUCT = """
query($slug: String!, $channel: String!) { product(slug: $slug, channel: $channel) {
  pricing { priceRange { start { gross { amount } } } }
  variants { pricing { price { gross { amount } } } }
} }"""

cents = st.integers(min_value=100, max_value=50_000).map(lambda n: Decimal(n) / 100)


@st.composite
def catalogue(draw):
    n = draw(st.integers(1, 4))
    prices = draw(st.lists(cents, min_size=n, max_size=n))
    quantities = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    promotions = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([RewardValueType.PERCENTAGE, RewardValueType.FIXED]))
        value = (
            Decimal(draw(st.integers(1, 90))) if kind == RewardValueType.PERCENTAGE else draw(cents)
        )
        targets = draw(st.sets(st.integers(0, n - 1), min_size=1))
        promotions.append((kind, value, sorted(targets), draw(st.integers(0, 2))))
    order_promotion = draw(
        st.none() | st.tuples(cents, st.integers(1, 3000).map(lambda c: Decimal(c) / 100))
    )
    code = draw(
        st.none()
        | st.tuples(
            st.sampled_from([VoucherType.ENTIRE_ORDER, VoucherType.SPECIFIC_PRODUCT]),
            st.sampled_from([RewardValueType.PERCENTAGE, RewardValueType.FIXED]),
            st.integers(1, 100),
            st.integers(0, n - 1),
        )
    )
    return prices, quantities, promotions, order_promotion, code


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=catalogue())
def test_listing_product_page_graphql_cart_and_order_agree(gql, case):
    prices, quantities, promotions, order_promotion, code = case
    index = next(_channels)
    channel = ChannelFactory(slug=f"same-{index}", name=f"渠道{index}")
    warehouse = WarehouseFactory(channels=[channel])
    variants = [listed_variant(channel, warehouse, price) for price in prices]
    for kind, value, targets, priority in promotions:
        promotion(
            channel,
            variants=[variants[i] for i in targets],
            value_type=kind,
            value=value,
            priority=priority,
        )
    if order_promotion is not None:
        minimum, off = order_promotion
        promotion(
            channel,
            type=PromotionType.ORDER,
            value_type=RewardValueType.FIXED,
            value=off,
            min_subtotal=minimum,
        )
    entered = ""
    if code is not None:
        voucher_type, value_type, value, target = code
        entered = f"SAME{index}"
        voucher(
            channel,
            entered,
            type=voucher_type,
            value_type=value_type,
            value=Decimal(value),
            variants=[variants[target]],
        )

    # Storefront: product page and listing cards.
    page_prices = {}
    for variant in variants:
        page = product_page(channel, variant.product.slug)
        assert page is not None
        (choice,) = page.variants
        page_prices[variant.pk] = choice.pricing.price.gross.amount
    products = with_card_data(Product.objects.filter(variants__in=variants), channel)
    for card in cards(products):
        variant = card.product.variants.get()
        assert card.price.amount == page_prices[variant.pk]
    # GraphQL.
    for variant in variants:
        data = gql.query(PRODUCT, {"slug": variant.product.slug, "channel": channel.slug})
        node = data["product"]
        assert (
            Decimal(str(node["variants"][0]["pricing"]["price"]["gross"]["amount"]))
            == (page_prices[variant.pk])
        )
        assert (
            Decimal(str(node["pricing"]["priceRange"]["start"]["gross"]["amount"]))
            == (page_prices[variant.pk])
        )
    # The stored sort price follows too.
    recalculate_discounted_prices([channel.pk])
    for variant in variants:
        stored = ProductVariantChannelListing.objects.get(variant=variant, channel=channel)
        assert stored.discounted_price_amount == page_prices[variant.pk]
        assert (
            ProductChannelListing.objects.get(
                product=variant.product, channel=channel
            ).discounted_price_amount
            == page_prices[variant.pk]
        )

    # Cart.
    checkout = cart(channel, list(zip(variants, quantities, strict=True)), code=entered)
    info = load_checkout_info(checkout)
    pricing = info.pricing()
    for line_info in info.lines:
        assert line_info.unit_price.gross.amount == page_prices[line_info.variant.pk]
    assert pricing.total.gross.amount >= 0

    # Order.
    order = pay_and_complete(checkout)
    assert order.total_gross_amount == pricing.total.gross.amount
    assert order.subtotal_gross_amount == pricing.subtotal.gross.amount
    for line in order.lines.all():
        assert line.unit_price_gross_amount == page_prices[line.variant_id]
        line_discounts = OrderLineDiscount.objects.filter(line=line)
        catalogue_part = sum(
            (d.amount for d in line_discounts if d.order_discount_id is None), Decimal(0)
        )
        assert (
            catalogue_part
            == (line.undiscounted_unit_price_gross_amount - line.unit_price_gross_amount)
            * line.quantity
        )
    for discount in order.discounts.all():
        assert sum(d.amount for d in discount.line_discounts.all()) == discount.amount
    assert (
        sum(line.total_price_gross_amount for line in order.lines.all())
        + order.shipping_price_gross_amount
        - sum(d.amount for d in order.discounts.all())
        == order.total_gross_amount
    )
