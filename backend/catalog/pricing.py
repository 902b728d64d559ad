"""Prices shown to shoppers, from variant channel listings.

Prices are tax-inclusive; the net/tax split comes from the product type's VAT rate. Until
promotions exist (a later issue), the discounted price of a listing equals its price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from backend.catalog.models import ProductVariantChannelListing
from backend.core.money import Money, TaxedMoney, TaxedMoneyRange, taxed_from_gross


@dataclass(frozen=True)
class VariantPricing:
    price: TaxedMoney
    price_undiscounted: TaxedMoney
    prior_price: TaxedMoney | None

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


@dataclass(frozen=True)
class ProductPricing:
    price_range: TaxedMoneyRange | None
    price_range_undiscounted: TaxedMoneyRange | None

    @property
    def on_sale(self) -> bool:
        if self.price_range is None or self.price_range_undiscounted is None:
            return False
        return self.price_range.start.gross < self.price_range_undiscounted.start.gross


def variant_pricing(
    listing: ProductVariantChannelListing | None, tax_rate: Decimal
) -> VariantPricing | None:
    if listing is None or listing.price_amount is None:
        return None
    undiscounted = Money(listing.price_amount, listing.currency)
    discounted_amount = listing.discounted_price_amount
    if discounted_amount is None:
        discounted_amount = listing.price_amount
    discounted = Money(min(discounted_amount, listing.price_amount), listing.currency)
    prior = (
        taxed_from_gross(Money(listing.prior_price_amount, listing.currency), tax_rate)
        if listing.prior_price_amount is not None
        else None
    )
    return VariantPricing(
        price=taxed_from_gross(discounted, tax_rate),
        price_undiscounted=taxed_from_gross(undiscounted, tax_rate),
        prior_price=prior,
    )


def product_pricing(
    listings: Sequence[ProductVariantChannelListing | None], tax_rate: Decimal
) -> ProductPricing:
    prices = [p for p in (variant_pricing(listing, tax_rate) for listing in listings) if p]
    if not prices:
        return ProductPricing(price_range=None, price_range_undiscounted=None)
    by_price = sorted(prices, key=lambda p: p.price.gross.amount)
    by_undiscounted = sorted(prices, key=lambda p: p.price_undiscounted.gross.amount)
    return ProductPricing(
        price_range=TaxedMoneyRange(start=by_price[0].price, stop=by_price[-1].price),
        price_range_undiscounted=TaxedMoneyRange(
            start=by_undiscounted[0].price_undiscounted,
            stop=by_undiscounted[-1].price_undiscounted,
        ),
    )
