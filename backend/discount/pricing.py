"""Every price a shopper sees: listing, product page, cart, checkout, order and GraphQL.

The stacking rule (docs/architecture.md, "Promotions and vouchers"):
1. A variant's unit price is the lowest of its list price, the best catalogue promotion active
   now in the channel (catalogue promotions never stack; the largest discount wins, ties go to
   the higher priority) and an active special price (flash sale while quantity remains,
   livestream price).
2. Then at most one order promotion (满减): the largest reward among those whose minimum is met
   by the subtotal after step 1.
3. Then at most one voucher code, on what remains after steps 1-2, never below zero.
4. No discount exceeds what it applies to; order-level discounts are allocated to lines in
   proportion to their totals, to the fen, by largest remainder, so the shares add up exactly.

Order lines keep the unit price after step 1; steps 2-3 are order discounts allocated to the
lines, so Σ line totals + shipping − order discounts == order total, to the fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils import timezone

from backend.catalog.models import ProductVariantChannelListing
from backend.core.money import Money, TaxedMoney, TaxedMoneyRange, quantize_fen, taxed_from_gross
from backend.discount.models import (
    OrderDiscountType,
    RewardType,
    RewardValueType,
    SpecialPriceKind,
    VoucherType,
)
from backend.discount.rules import CatalogueRules, SpecialPriceEntry, catalogue_rules

ZERO = Decimal("0.00")
FEN = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AppliedDiscount:
    """Who lowered a unit price (step 1) or an order (steps 2-3)."""

    type: str  # OrderDiscountType
    name: str
    funded_by: str
    value_type: str = RewardValueType.FIXED
    value: Decimal = ZERO
    promotion_id: int | None = None
    special_price_id: int | None = None
    voucher_id: int | None = None


@dataclass(frozen=True)
class VariantPricing:
    price: TaxedMoney
    price_undiscounted: TaxedMoney
    prior_price: TaxedMoney | None
    applied: AppliedDiscount | None = None
    special_price: SpecialPriceEntry | None = None

    @property
    def on_sale(self) -> bool:
        return self.price.gross < self.price_undiscounted.gross

    @property
    def discount(self) -> TaxedMoney | None:
        if not self.on_sale:
            return None
        return TaxedMoney(
            net=self.price_undiscounted.net - self.price.net,
            gross=self.price_undiscounted.gross - self.price.gross,
        )

    @property
    def promotion_name(self) -> str:
        return self.applied.name if self.applied and self.on_sale else ""

    @property
    def kind(self) -> str:
        """ "promotion", "flash_sale", "livestream" or "" (the list price)."""
        return self.applied.type if self.applied and self.on_sale else ""


@dataclass(frozen=True)
class ProductPricing:
    price_range: TaxedMoneyRange | None
    price_range_undiscounted: TaxedMoneyRange | None
    promotion_name: str = ""
    kind: str = ""

    @property
    def on_sale(self) -> bool:
        if self.price_range is None or self.price_range_undiscounted is None:
            return False
        return self.price_range.start.gross < self.price_range_undiscounted.start.gross


def apply_value(base: Decimal, value_type: str, value: Decimal) -> Decimal:
    """The discount `value` gives on `base`, to the fen, never more than `base`."""
    if base <= 0 or value <= 0:
        return ZERO
    if value_type == RewardValueType.PERCENTAGE:
        amount = quantize_fen(base * min(value, HUNDRED) / HUNDRED)
    else:
        amount = quantize_fen(value)
    return min(amount, base)


def catalogue_unit_price(
    variant_id: int, list_price: Decimal, rules: CatalogueRules, at: datetime
) -> tuple[Decimal, AppliedDiscount | None, SpecialPriceEntry | None]:
    """Step 1 of the stacking rule for one unit."""
    best_price = list_price
    best: AppliedDiscount | None = None
    best_key: tuple[Decimal, int] | None = None
    for rule in rules.catalogue_rules_for(variant_id):
        if not rule.applies(at):
            continue
        off = apply_value(list_price, rule.value_type, rule.value)
        key = (off, rule.priority)
        if off > 0 and (best_key is None or key > best_key):
            best_key = key
            best = AppliedDiscount(
                type=OrderDiscountType.PROMOTION,
                name=rule.name,
                funded_by=rule.funded_by,
                value_type=rule.value_type,
                value=rule.value,
                promotion_id=rule.promotion_id,
            )
    if best_key is not None:
        best_price = list_price - best_key[0]
    special: SpecialPriceEntry | None = None
    for entry in rules.special_prices_for(variant_id):
        if entry.applies(at) and entry.price < best_price:
            best_price = entry.price
            special = entry
            best = AppliedDiscount(
                type=(
                    OrderDiscountType.FLASH_SALE
                    if entry.kind == SpecialPriceKind.FLASH_SALE
                    else OrderDiscountType.LIVESTREAM
                ),
                name=entry.name,
                funded_by=entry.funded_by,
                value_type=RewardValueType.FIXED,
                value=list_price - entry.price,
                special_price_id=entry.id,
            )
    return best_price, best, special


def variant_pricing(
    listing: ProductVariantChannelListing | None,
    tax_rate: Decimal,
    *,
    rules: CatalogueRules | None = None,
    at: datetime | None = None,
) -> VariantPricing | None:
    if listing is None or listing.price_amount is None:
        return None
    if rules is None:
        rules = catalogue_rules(listing.channel_id)
    at = at or timezone.now()
    currency = listing.currency
    price, applied, special = catalogue_unit_price(
        listing.variant_id, listing.price_amount, rules, at
    )
    prior = (
        taxed_from_gross(Money(listing.prior_price_amount, currency), tax_rate)
        if listing.prior_price_amount is not None
        else None
    )
    return VariantPricing(
        price=taxed_from_gross(Money(price, currency), tax_rate),
        price_undiscounted=taxed_from_gross(Money(listing.price_amount, currency), tax_rate),
        prior_price=prior,
        applied=applied,
        special_price=special,
    )


def product_pricing(
    listings: Sequence[ProductVariantChannelListing | None],
    tax_rate: Decimal,
    *,
    rules: CatalogueRules | None = None,
    at: datetime | None = None,
) -> ProductPricing:
    at = at or timezone.now()
    prices = []
    for listing in listings:
        if listing is None:
            continue
        if rules is None or rules.channel_id != listing.channel_id:
            rules = catalogue_rules(listing.channel_id)
        pricing = variant_pricing(listing, tax_rate, rules=rules, at=at)
        if pricing is not None:
            prices.append(pricing)
    if not prices:
        return ProductPricing(price_range=None, price_range_undiscounted=None)
    by_price = sorted(prices, key=lambda p: p.price.gross.amount)
    by_undiscounted = sorted(prices, key=lambda p: p.price_undiscounted.gross.amount)
    cheapest = by_price[0]
    return ProductPricing(
        price_range=TaxedMoneyRange(start=cheapest.price, stop=by_price[-1].price),
        price_range_undiscounted=TaxedMoneyRange(
            start=by_undiscounted[0].price_undiscounted,
            stop=by_undiscounted[-1].price_undiscounted,
        ),
        promotion_name=next((p.promotion_name for p in by_price if p.on_sale), ""),
        kind=next((p.kind for p in by_price if p.on_sale), ""),
    )


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` (fen) over `weights` in proportion, by largest remainder, to the fen.

    Σ result == amount exactly; each share ≤ its weight when amount ≤ Σ weights; ties in the
    remainder go to the earlier line, so the split is deterministic.
    """
    total = sum(weights, ZERO)
    if amount <= 0 or total <= 0:
        return [ZERO for _ in weights]
    fen_amount = int((amount / FEN).to_integral_value())
    exact = [Decimal(fen_amount) * w / total for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_DOWN)) for x in exact]
    left = fen_amount - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * FEN for f in floors]


# ---------------------------------------------------------------- checkout


@dataclass(frozen=True)
class PricingLine:
    """One cart line as the pricing sees it."""

    key: Any
    variant_id: int
    quantity: int
    listing: ProductVariantChannelListing | None
    tax_rate: Decimal


@dataclass(frozen=True)
class VoucherOffer:
    """A voucher as entered on a checkout, with its product predicate resolved to variants."""

    voucher_id: int
    code: str
    name: str
    type: str
    value_type: str
    value: Decimal
    funded_by: str
    variant_ids: frozenset[int] = frozenset()
    min_spent: Decimal | None = None
    min_quantity: int | None = None


@dataclass
class LineShare:
    """A line's part of a discount (Σ over lines == the discount)."""

    discount: AppliedDiscount
    amount: Decimal
    # True for order promotions and vouchers (an OrderDiscount row), False for unit prices.
    order_level: bool


@dataclass
class LinePricing:
    key: Any
    variant_id: int
    quantity: int
    tax_rate: Decimal
    unit_price: TaxedMoney
    undiscounted_unit_price: TaxedMoney
    total: TaxedMoney
    catalogue_discount: AppliedDiscount | None
    special_price: SpecialPriceEntry | None
    shares: list[LineShare] = field(default_factory=list)

    @property
    def undiscounted_total(self) -> Decimal:
        return self.undiscounted_unit_price.gross.amount * self.quantity

    @property
    def order_level_discount(self) -> Decimal:
        return sum((s.amount for s in self.shares if s.order_level), ZERO)

    @property
    def total_after_discounts(self) -> Decimal:
        return self.total.gross.amount - self.order_level_discount


@dataclass(frozen=True)
class OrderLevelDiscount:
    discount: AppliedDiscount
    amount: Decimal
    voucher_code: str = ""
    on_shipping: bool = False
    gift_variant_id: int | None = None


@dataclass
class CheckoutPricing:
    currency: str
    lines: list[LinePricing]
    subtotal: TaxedMoney  # after catalogue prices (step 1)
    undiscounted_subtotal: Decimal
    order_promotion: OrderLevelDiscount | None
    voucher: OrderLevelDiscount | None
    voucher_error: str | None  # a DiscountErrorCode when the entered voucher does not apply
    shipping: TaxedMoney
    shipping_discount: Decimal
    total: TaxedMoney
    undiscounted_total: Decimal

    @property
    def discount(self) -> Decimal:
        """Order promotion + voucher (steps 2-3), as Saleor's Checkout.discount."""
        return sum((d.amount for d in (self.order_promotion, self.voucher) if d is not None), ZERO)

    @property
    def discount_name(self) -> str:
        names = [d.discount.name for d in (self.order_promotion, self.voucher) if d is not None]
        return "、".join(n for n in names if n)

    @property
    def catalogue_discount(self) -> Decimal:
        return self.undiscounted_subtotal - self.subtotal.gross.amount

    def line(self, key: Any) -> LinePricing | None:
        return next((line for line in self.lines if line.key == key), None)


def _best_order_promotion(
    rules: CatalogueRules, subtotal: Decimal, at: datetime
) -> tuple[Any, Decimal] | None:
    best = None
    best_key: tuple[Decimal, int, int] | None = None
    for rule in rules.order:
        if not rule.applies(at) or subtotal < rule.min_subtotal:
            continue
        if rule.reward_type == RewardType.GIFT:
            reward = rule.gift_price or ZERO
        else:
            reward = apply_value(subtotal, rule.value_type, rule.value)
        if reward <= 0:
            continue
        key = (reward, rule.priority, -rule.rule_id)
        if best_key is None or key > best_key:
            best_key, best = key, rule
    if best is None or best_key is None:
        return None
    return best, best_key[0]


def voucher_problem(offer: VoucherOffer, subtotal: Decimal, quantity: int) -> str | None:
    """Why a voucher does not apply to a cart of this subtotal and quantity (or None)."""
    from backend.discount.error_codes import DiscountErrorCode

    if offer.min_spent is not None and subtotal < offer.min_spent:
        return DiscountErrorCode.MIN_SPENT_NOT_REACHED
    if offer.min_quantity is not None and quantity < offer.min_quantity:
        return DiscountErrorCode.MIN_QUANTITY_NOT_REACHED
    return None


def price_checkout(
    *,
    lines: Sequence[PricingLine],
    currency: str,
    rules: CatalogueRules,
    at: datetime | None = None,
    voucher: VoucherOffer | None = None,
    shipping_gross: Decimal = ZERO,
    shipping_tax_rate: Decimal = ZERO,
) -> CheckoutPricing:
    at = at or timezone.now()
    priced: list[LinePricing] = []
    for line in lines:
        listing = line.listing
        if listing is None or listing.price_amount is None:
            continue
        unit, applied, special = catalogue_unit_price(
            line.variant_id, listing.price_amount, rules, at
        )
        total_gross = unit * line.quantity
        item = LinePricing(
            key=line.key,
            variant_id=line.variant_id,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            unit_price=taxed_from_gross(Money(unit, currency), line.tax_rate),
            undiscounted_unit_price=taxed_from_gross(
                Money(listing.price_amount, currency), line.tax_rate
            ),
            total=taxed_from_gross(Money(total_gross, currency), line.tax_rate),
            catalogue_discount=applied,
            special_price=special,
        )
        if applied is not None and unit < listing.price_amount:
            item.shares.append(
                LineShare(
                    discount=applied,
                    amount=(listing.price_amount - unit) * line.quantity,
                    order_level=False,
                )
            )
        priced.append(item)

    subtotal_gross = sum((p.total.gross.amount for p in priced), ZERO)
    undiscounted_subtotal = sum((p.undiscounted_total for p in priced), ZERO)
    quantity = sum(p.quantity for p in priced)

    # Step 2: one order promotion.
    order_promotion: OrderLevelDiscount | None = None
    chosen = _best_order_promotion(rules, subtotal_gross, at) if priced else None
    if chosen is not None:
        rule, reward = chosen
        applied = AppliedDiscount(
            type=OrderDiscountType.PROMOTION,
            name=rule.name,
            funded_by=rule.funded_by,
            value_type=rule.value_type,
            value=rule.value,
            promotion_id=rule.promotion_id,
        )
        if rule.reward_type == RewardType.GIFT:
            order_promotion = OrderLevelDiscount(
                discount=applied, amount=ZERO, gift_variant_id=rule.gift_variant_id
            )
        else:
            shares = allocate(reward, [p.total_after_discounts for p in priced])
            for p, share in zip(priced, shares, strict=True):
                if share:
                    p.shares.append(LineShare(discount=applied, amount=share, order_level=True))
            order_promotion = OrderLevelDiscount(discount=applied, amount=reward)

    # Step 3: one voucher.
    voucher_discount: OrderLevelDiscount | None = None
    voucher_error: str | None = None
    shipping_discount = ZERO
    if voucher is not None and priced:
        voucher_error = voucher_problem(voucher, subtotal_gross, quantity)
        applied = AppliedDiscount(
            type=OrderDiscountType.VOUCHER,
            name=voucher.name,
            funded_by=voucher.funded_by,
            value_type=voucher.value_type,
            value=voucher.value,
            voucher_id=voucher.voucher_id,
        )
        if voucher_error is None and voucher.type == VoucherType.SHIPPING:
            shipping_discount = apply_value(shipping_gross, voucher.value_type, voucher.value)
            voucher_discount = OrderLevelDiscount(
                discount=applied,
                amount=shipping_discount,
                voucher_code=voucher.code,
                on_shipping=True,
            )
        elif voucher_error is None:
            targets = [
                p
                for p in priced
                if voucher.type == VoucherType.ENTIRE_ORDER or p.variant_id in voucher.variant_ids
            ]
            base = sum((p.total_after_discounts for p in targets), ZERO)
            if not targets:
                from backend.discount.error_codes import DiscountErrorCode

                voucher_error = DiscountErrorCode.VOUCHER_NOT_APPLICABLE
            else:
                amount = apply_value(base, voucher.value_type, voucher.value)
                shares = allocate(amount, [p.total_after_discounts for p in targets])
                for p, share in zip(targets, shares, strict=True):
                    if share:
                        p.shares.append(LineShare(discount=applied, amount=share, order_level=True))
                voucher_discount = OrderLevelDiscount(
                    discount=applied, amount=amount, voucher_code=voucher.code
                )

    shipping = taxed_from_gross(Money(shipping_gross, currency), shipping_tax_rate)
    shipping_after = taxed_from_gross(
        Money(shipping_gross - shipping_discount, currency), shipping_tax_rate
    )
    total_gross = shipping_after.gross.amount
    total_net = shipping_after.net.amount
    subtotal_net = ZERO
    for p in priced:
        after = taxed_from_gross(Money(p.total_after_discounts, currency), p.tax_rate)
        total_gross += after.gross.amount
        total_net += after.net.amount
        subtotal_net += p.total.net.amount
    return CheckoutPricing(
        currency=currency,
        lines=priced,
        subtotal=TaxedMoney(
            net=Money(subtotal_net, currency), gross=Money(subtotal_gross, currency)
        ),
        undiscounted_subtotal=undiscounted_subtotal,
        order_promotion=order_promotion,
        voucher=voucher_discount,
        voucher_error=voucher_error,
        shipping=shipping,
        shipping_discount=shipping_discount,
        total=TaxedMoney(net=Money(total_net, currency), gross=Money(total_gross, currency)),
        undiscounted_total=undiscounted_subtotal + shipping_gross,
    )


# ---------------------------------------------------------------- stored listing prices


def recalculate_discounted_prices(channel_ids: Sequence[int] | None = None) -> int:
    """Store each listing's price after catalogue promotions and special prices in
    `discounted_price_amount` (variant listings) and the lowest of them (product listings),
    which price sorting and price filters read. Run after every promotion change and every
    minute by Celery beat, so sorting may lag a window boundary by under a minute; displayed
    prices never lag (they are computed by the functions above). Returns the rows changed."""
    from django.db import transaction

    from backend.catalog.cache import bump_catalog_version
    from backend.catalog.models import ProductChannelListing
    from backend.discount.rules import build_catalogue_rules

    at = timezone.now()
    if channel_ids is None:
        channel_ids = list(
            ProductVariantChannelListing.objects.values_list("channel_id", flat=True).distinct()
        )
    changed = 0
    for channel_id in channel_ids:
        # A fresh snapshot, not the process's cached one: this may run in a worker whose
        # catalog version has not been read yet.
        rules = build_catalogue_rules(channel_id)
        variant_rows = list(
            ProductVariantChannelListing.objects.filter(channel_id=channel_id).only(
                "pk", "variant_id", "price_amount", "discounted_price_amount", "channel_id"
            )
        )
        product_of = dict(
            ProductVariantChannelListing.objects.filter(channel_id=channel_id).values_list(
                "pk", "variant__product_id"
            )
        )
        lowest: dict[int, Decimal] = {}
        to_update = []
        for row in variant_rows:
            if row.price_amount is None:
                continue
            price, _applied, _special = catalogue_unit_price(
                row.variant_id, row.price_amount, rules, at
            )
            product_id = product_of[row.pk]
            if product_id not in lowest or price < lowest[product_id]:
                lowest[product_id] = price
            if row.discounted_price_amount != price:
                row.discounted_price_amount = price
                to_update.append(row)
        product_rows = [
            p
            for p in ProductChannelListing.objects.filter(
                channel_id=channel_id, product_id__in=list(lowest)
            ).only("pk", "product_id", "discounted_price_amount")
            if p.discounted_price_amount != lowest[p.product_id]
        ]
        for p in product_rows:
            p.discounted_price_amount = lowest[p.product_id]
        with transaction.atomic():
            ProductVariantChannelListing.objects.bulk_update(
                to_update, ["discounted_price_amount"], batch_size=500
            )
            ProductChannelListing.objects.bulk_update(
                product_rows, ["discounted_price_amount"], batch_size=500
            )
        changed += len(to_update) + len(product_rows)
    if changed:
        # Sorted listings cached under the old version would keep the old order.
        transaction.on_commit(bump_catalog_version)
    return changed
