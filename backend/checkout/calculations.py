"""What a checkout costs: line prices, subtotal, delivery and total, all tax-inclusive.

`load_checkout_info` fetches everything the totals and the line rules need in a fixed number of
queries (lines with their variants, products, product types and the channel's listings), so
that pricing a checkout does not grow with its number of lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from backend.catalog.models import ProductChannelListing, ProductVariantChannelListing
from backend.catalog.pricing import variant_pricing
from backend.checkout.delivery import (
    SHIPPING_TAX_RATE,
    DeliveryContext,
    DeliveryMethod,
    available_methods,
    find_method,
)
from backend.checkout.models import Checkout, CheckoutLine
from backend.core.money import Money, TaxedMoney, taxed_from_gross


def zero_taxed(currency: str) -> TaxedMoney:
    zero = Money(Decimal("0.00"), currency)
    return TaxedMoney(net=zero, gross=zero)


def add_taxed(a: TaxedMoney, b: TaxedMoney) -> TaxedMoney:
    return TaxedMoney(net=a.net + b.net, gross=a.gross + b.gross)


@dataclass
class LineInfo:
    line: CheckoutLine
    variant_listing: ProductVariantChannelListing | None
    product_listing: ProductChannelListing | None

    @property
    def variant(self):
        return self.line.variant

    @property
    def product(self):
        return self.line.variant.product

    @property
    def tax_rate(self) -> Decimal:
        return self.product.product_type.tax_rate

    @property
    def is_shipping_required(self) -> bool:
        return self.product.product_type.is_shipping_required

    @property
    def weight_grams(self) -> int:
        variant = self.variant
        weight = variant.weight_grams or self.product.weight_grams
        weight = weight or self.product.product_type.weight_grams or 0
        return weight * self.line.quantity

    @property
    def unit_price(self) -> TaxedMoney | None:
        pricing = variant_pricing(self.variant_listing, self.tax_rate)
        return pricing.price if pricing else None

    @property
    def undiscounted_unit_price(self) -> TaxedMoney | None:
        pricing = variant_pricing(self.variant_listing, self.tax_rate)
        return pricing.price_undiscounted if pricing else None

    @property
    def total_price(self) -> TaxedMoney | None:
        unit = self.unit_price
        if unit is None:
            return None
        # Line totals are the gross unit price times quantity; net is split from the total so
        # that net + tax always adds up to the gross charged.
        return taxed_from_gross(unit.gross * self.line.quantity, self.tax_rate)


@dataclass
class CheckoutInfo:
    checkout: Checkout
    lines: list[LineInfo]

    @property
    def currency(self) -> str:
        return self.checkout.currency

    @property
    def is_shipping_required(self) -> bool:
        return any(info.is_shipping_required for info in self.lines)

    @property
    def weight_grams(self) -> int:
        return sum(info.weight_grams for info in self.lines if info.is_shipping_required)

    def subtotal(self) -> TaxedMoney:
        total = zero_taxed(self.currency)
        for info in self.lines:
            line_total = info.total_price
            if line_total is not None:
                total = add_taxed(total, line_total)
        return total

    def delivery_context(self) -> DeliveryContext:
        return DeliveryContext(
            channel_id=self.checkout.channel_id,
            currency=self.currency,
            address=self.checkout.shipping_address,
            weight_grams=self.weight_grams,
            subtotal=self.subtotal().gross,
            is_shipping_required=self.is_shipping_required,
        )

    def delivery_methods(self) -> list[DeliveryMethod]:
        return available_methods(self.delivery_context())

    def delivery_method(self) -> DeliveryMethod | None:
        """The chosen method if it is still offered for the checkout as it is now."""
        chosen = self.checkout.delivery_method_id
        if not chosen or not self.is_shipping_required:
            return None
        return find_method(self.delivery_context(), chosen)

    def shipping_price(self) -> TaxedMoney:
        method = self.delivery_method()
        if method is None:
            return zero_taxed(self.currency)
        return taxed_from_gross(method.price, SHIPPING_TAX_RATE)

    def total(self) -> TaxedMoney:
        return add_taxed(self.subtotal(), self.shipping_price())


def load_checkout_info(checkout: Checkout) -> CheckoutInfo:
    channel_id = checkout.channel_id
    lines = list(
        checkout.lines.select_related(
            "variant__product__product_type", "variant__product__vendor"
        ).prefetch_related(
            Prefetch(
                "variant__channel_listings",
                queryset=ProductVariantChannelListing.objects.filter(channel_id=channel_id),
                to_attr="checkout_listings",
            ),
            Prefetch(
                "variant__product__channel_listings",
                queryset=ProductChannelListing.objects.filter(channel_id=channel_id),
                to_attr="checkout_listings",
            ),
        )
    )
    infos = [
        LineInfo(
            line=line,
            variant_listing=next(iter(getattr(line.variant, "checkout_listings", [])), None),
            product_listing=next(
                iter(getattr(line.variant.product, "checkout_listings", [])), None
            ),
        )
        for line in lines
    ]
    return CheckoutInfo(checkout=checkout, lines=infos)


def checkout_total(checkout: Checkout) -> TaxedMoney:
    """The amount a payment for this checkout must equal."""
    return load_checkout_info(checkout).total()
