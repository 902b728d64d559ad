"""Properties of the stacking rule over random carts (hypothesis): totals never negative, no
discount larger than what it applies to, allocations that add up to the fen, and the order's
identity Σ line totals + shipping − order discounts == total."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from backend.catalog.models import ProductVariantChannelListing
from backend.discount.models import DiscountFunding, RewardType, RewardValueType, VoucherType
from backend.discount.pricing import (
    PricingLine,
    VoucherOffer,
    allocate,
    apply_value,
    price_checkout,
)
from backend.discount.rules import CatalogueRule, CatalogueRules, OrderRule, SpecialPriceEntry

NOW = datetime(2027, 1, 1, 4, 0, tzinfo=UTC)
ZERO = Decimal("0.00")

fen = st.integers(min_value=1, max_value=500_000).map(lambda n: Decimal(n) / 100)
percent = st.integers(min_value=0, max_value=100).map(Decimal)
value_type = st.sampled_from([RewardValueType.PERCENTAGE, RewardValueType.FIXED])
funding = st.sampled_from(list(DiscountFunding.values))


@st.composite
def reward(draw):
    kind = draw(value_type)
    value = draw(percent) if kind == RewardValueType.PERCENTAGE else draw(fen)
    return kind, value


@st.composite
def scenario(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    prices = draw(st.lists(fen, min_size=n, max_size=n))
    quantities = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    variant_ids = list(range(1, n + 1))
    catalogue = []
    for index in range(draw(st.integers(0, 4))):
        kind, value = draw(reward())
        matched = draw(st.sets(st.sampled_from(variant_ids), min_size=1))
        catalogue.append(
            CatalogueRule(
                promotion_id=index + 1,
                rule_id=index + 1,
                name=f"p{index}",
                priority=draw(st.integers(0, 3)),
                funded_by=draw(funding),
                start=NOW - timedelta(days=1),
                end=None,
                value_type=kind,
                value=value,
                variant_ids=frozenset(matched),
            )
        )
    order = []
    for index in range(draw(st.integers(0, 3))):
        kind, value = draw(reward())
        order.append(
            OrderRule(
                promotion_id=100 + index,
                rule_id=100 + index,
                name=f"o{index}",
                priority=draw(st.integers(0, 3)),
                funded_by=draw(funding),
                start=NOW - timedelta(days=1),
                end=None,
                min_subtotal=draw(fen),
                value_type=kind,
                value=value,
                reward_type=RewardType.SUBTOTAL_DISCOUNT,
                gift_variant_id=None,
                gift_price=None,
            )
        )
    special = {}
    for variant_id in draw(st.sets(st.sampled_from(variant_ids), max_size=2)):
        special[variant_id] = (
            SpecialPriceEntry(
                id=variant_id,
                name="秒杀",
                kind="flash_sale",
                variant_id=variant_id,
                price=draw(fen),
                start=NOW - timedelta(hours=1),
                end=NOW + timedelta(hours=1),
                quantity_limit=None,
                quantity_sold=0,
                per_customer_limit=None,
                funded_by=draw(funding),
            ),
        )
    by_variant: dict[int, list[int]] = {}
    for index, rule in enumerate(catalogue):
        for variant_id in rule.variant_ids:
            by_variant.setdefault(variant_id, []).append(index)
    rules = CatalogueRules(
        channel_id=1,
        version=1,
        catalogue=tuple(catalogue),
        order=tuple(order),
        special=special,
        by_variant={k: tuple(v) for k, v in by_variant.items()},
    )
    offer = None
    if draw(st.booleans()):
        kind, value = draw(reward())
        offer = VoucherOffer(
            voucher_id=1,
            code="CODE",
            name="券",
            type=draw(st.sampled_from(list(VoucherType.values))),
            value_type=kind,
            value=value,
            funded_by=draw(funding),
            variant_ids=frozenset(draw(st.sets(st.sampled_from(variant_ids)))),
        )
    lines = [
        PricingLine(
            key=variant_id,
            variant_id=variant_id,
            quantity=quantity,
            listing=ProductVariantChannelListing(
                variant_id=variant_id, channel_id=1, price_amount=price, currency="CNY"
            ),
            tax_rate=Decimal("0.09"),
        )
        for variant_id, price, quantity in zip(variant_ids, prices, quantities, strict=True)
    ]
    shipping = draw(st.integers(0, 5000).map(lambda n: Decimal(n) / 100))
    return lines, rules, offer, shipping


@settings(max_examples=300, deadline=None)
@given(scenario())
def test_checkout_pricing_invariants(case):
    lines, rules, offer, shipping = case
    result = price_checkout(
        lines=lines,
        currency="CNY",
        rules=rules,
        at=NOW,
        voucher=offer,
        shipping_gross=shipping,
        shipping_tax_rate=Decimal("0.09"),
    )
    assert result.total.gross.amount >= 0
    assert result.total.net.amount >= 0
    for line, source in zip(result.lines, lines, strict=True):
        list_price = source.listing.price_amount
        # Step 1 never raises a price and never goes below zero.
        assert ZERO <= line.unit_price.gross.amount <= list_price
        assert line.total.gross.amount == line.unit_price.gross.amount * line.quantity
        # Order-level shares never exceed what the line costs after its unit price.
        assert ZERO <= line.order_level_discount <= line.total.gross.amount
        assert line.total_after_discounts >= 0
        catalogue_shares = sum((s.amount for s in line.shares if not s.order_level), ZERO)
        assert catalogue_shares == (list_price - line.unit_price.gross.amount) * line.quantity
        # Every amount is whole fen.
        for share in line.shares:
            assert share.amount == share.amount.quantize(Decimal("0.01"))
    for level in (result.order_promotion, result.voucher):
        if level is None or level.on_shipping:
            continue
        allocated = sum(
            (
                s.amount
                for line in result.lines
                for s in line.shares
                if s.discount is level.discount
            ),
            ZERO,
        )
        assert allocated == level.amount
    assert ZERO <= result.shipping_discount <= shipping
    # The order's identity, to the fen.
    subtotal = sum((line.total.gross.amount for line in result.lines), ZERO)
    assert subtotal == result.subtotal.gross.amount
    assert subtotal + shipping - result.discount == result.total.gross.amount, (
        "Σ line totals + shipping − order discounts == total"
    )
    assert result.discount <= subtotal + shipping


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 10_000_000).map(lambda n: Decimal(n) / 100),
    st.lists(st.integers(0, 1_000_000).map(lambda n: Decimal(n) / 100), min_size=1, max_size=30),
)
def test_allocation_sums_exactly_and_never_exceeds_a_weight(amount, weights):
    total = sum(weights, ZERO)
    amount = min(amount, total)
    shares = allocate(amount, weights)
    assert len(shares) == len(weights)
    if total > 0:
        assert sum(shares, ZERO) == amount
    for share, weight in zip(shares, weights, strict=True):
        assert ZERO <= share <= weight


@given(fen, value_type, st.integers(0, 1_000_000).map(lambda n: Decimal(n) / 100))
def test_a_discount_never_exceeds_its_base(base, kind, value):
    if kind == RewardValueType.PERCENTAGE:
        value = min(value, Decimal(100))
    off = apply_value(base, kind, value)
    assert ZERO <= off <= base


def test_catalogue_promotions_do_not_stack_the_largest_wins_and_ties_go_to_priority():
    listing = ProductVariantChannelListing(
        variant_id=1, channel_id=1, price_amount=Decimal("100.00"), currency="CNY"
    )

    def rule(pid, value_type, value, priority):
        return CatalogueRule(
            promotion_id=pid,
            rule_id=pid,
            name=f"p{pid}",
            priority=priority,
            funded_by=DiscountFunding.VENDOR,
            start=NOW - timedelta(days=1),
            end=None,
            value_type=value_type,
            value=value,
            variant_ids=frozenset({1}),
        )

    rules = CatalogueRules(
        channel_id=1,
        version=1,
        catalogue=(
            rule(1, RewardValueType.PERCENTAGE, Decimal("20"), 0),  # 20.00 off
            rule(2, RewardValueType.FIXED, Decimal("20.00"), 5),  # 20.00 off, higher priority
            rule(3, RewardValueType.FIXED, Decimal("5.00"), 9),
        ),
        by_variant={1: (0, 1, 2)},
    )
    from backend.discount.pricing import variant_pricing

    pricing = variant_pricing(listing, Decimal("0.09"), rules=rules, at=NOW)
    assert pricing is not None
    assert pricing.price.gross.amount == Decimal("80.00")
    assert pricing.applied is not None and pricing.applied.promotion_id == 2
    assert pricing.promotion_name == "p2" and pricing.kind == "promotion"
