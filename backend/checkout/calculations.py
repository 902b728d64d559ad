"""What a checkout costs: line prices, subtotal, discounts, delivery and total, tax-inclusive.

Every figure comes from `backend.discount.pricing` (the one pricing function family): line unit
prices after catalogue promotions and special prices, then the order promotion and the voucher
(`discount`, `discount_name`), the delivery price and its voucher discount, and the total.

`load_checkout_info` fetches everything the totals and the line rules need in a fixed number of
queries (lines with their variants, products, product types and the channel's listings), so
that pricing a checkout does not grow with its number of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from backend.catalog.models import ProductChannelListing, ProductVariantChannelListing
from backend.checkout.delivery import (
    SHIPPING_TAX_RATE,
    DeliveryContext,
    DeliveryMethod,
    available_methods,
    find_method,
)
from backend.checkout.models import Checkout, CheckoutLine
from backend.core.money import Money, TaxedMoney, taxed_from_gross
from backend.discount.pricing import (
    CheckoutPricing,
    LinePricing,
    PricingLine,
    VoucherOffer,
    price_checkout,
    variant_pricing,
)
from backend.discount.rules import CatalogueRules, catalogue_rules


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
    # The promotion snapshot and the instant the checkout is priced at (one instant for every
    # figure of a request, so a promotion starting mid-request cannot split a cart).
    rules: CatalogueRules | None = None
    at: datetime | None = None

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

    def variant_pricing(self):
        return variant_pricing(self.variant_listing, self.tax_rate, rules=self.rules, at=self.at)

    @property
    def unit_price(self) -> TaxedMoney | None:
        pricing = self.variant_pricing()
        return pricing.price if pricing else None

    @property
    def undiscounted_unit_price(self) -> TaxedMoney | None:
        pricing = self.variant_pricing()
        return pricing.price_undiscounted if pricing else None

    @property
    def undiscounted_total_price(self) -> Money | None:
        unit = self.undiscounted_unit_price
        return unit.gross * self.line.quantity if unit is not None else None

    def pricing_line(self) -> PricingLine:
        return PricingLine(
            key=self.line.variant_id,
            variant_id=self.line.variant_id,
            quantity=self.line.quantity,
            listing=self.variant_listing,
            tax_rate=self.tax_rate,
        )

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
    rules: CatalogueRules | None = None
    at: datetime = field(default_factory=timezone.now)
    # The voucher to price with: loaded from checkout.voucher_code on first use unless given.
    voucher: VoucherOffer | None = None
    voucher_loaded: bool = False
    # The last pricing and what it was computed from (lines, code, delivery, address).
    _pricing: tuple | None = field(default=None, repr=False)

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

    def voucher_offer(self) -> VoucherOffer | None:
        if not self.voucher_loaded:
            from backend.discount.vouchers import checkout_offer

            self.voucher = checkout_offer(self.checkout, at=self.at)
            self.voucher_loaded = True
        return self.voucher

    def pricing(self) -> CheckoutPricing:
        """The whole stacking rule over this cart as it is now: recomputed when the lines, the
        code or the delivery changed since the last call (lines may change in place)."""
        checkout = self.checkout
        key = (
            tuple((info.line.variant_id, info.line.quantity) for info in self.lines),
            checkout.voucher_code,
            checkout.delivery_method_id,
            checkout.shipping_address_id,
            self.voucher.voucher_id if self.voucher else None,
        )
        if self._pricing is not None and self._pricing[0] == key:
            return self._pricing[1]
        rules = self.rules or catalogue_rules(checkout.channel_id)
        pricing = price_checkout(
            lines=[info.pricing_line() for info in self.lines],
            currency=self.currency,
            rules=rules,
            at=self.at,
            voucher=self.voucher_offer(),
            shipping_gross=self.shipping_price().gross.amount,
            shipping_tax_rate=SHIPPING_TAX_RATE,
        )
        self._pricing = (key, pricing)
        return pricing

    def line_pricing(self, line_info: LineInfo) -> LinePricing | None:
        return self.pricing().line(line_info.line.variant_id)

    def discount(self) -> Money:
        """Order promotion + voucher (Saleor: Checkout.discount)."""
        return Money(self.pricing().discount, self.currency)

    def discount_name(self) -> str:
        return self.pricing().discount_name

    def undiscounted_subtotal(self) -> Money:
        return Money(self.pricing().undiscounted_subtotal, self.currency)

    def total(self) -> TaxedMoney:
        return self.pricing().total


def load_checkout_info(
    checkout: Checkout,
    *,
    at: datetime | None = None,
    voucher: VoucherOffer | None = None,
) -> CheckoutInfo:
    """Pass `voucher` to price with a code not stored on the checkout yet (promo-code entry)."""
    channel_id = checkout.channel_id
    at = at or timezone.now()
    rules = catalogue_rules(channel_id)
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
            rules=rules,
            at=at,
        )
        for line in lines
    ]
    return CheckoutInfo(
        checkout=checkout,
        lines=infos,
        rules=rules,
        at=at,
        voucher=voucher,
        voucher_loaded=voucher is not None,
    )


def checkout_total(checkout: Checkout) -> TaxedMoney:
    """The amount a payment for this checkout must equal."""
    return load_checkout_info(checkout).total()
