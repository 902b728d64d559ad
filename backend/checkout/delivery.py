"""The delivery seam: which delivery methods a checkout may choose, and at which price.

A provider is a class with `methods(context) -> list[DeliveryMethod]`; the providers in
`settings.DELIVERY_PROVIDERS` are asked in order and their methods listed together. This issue
ships two simple ones, a county-wide flat rate and an out-of-county express rate by weight; the
station network (issue #4) plugs station pickup and station home delivery into the same seam.
A method's id is stable (it is stored on the checkout and copied to the order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from backend.account.models import Address
from backend.core.money import Money

# Transport services carry 9% VAT in China; shipping prices are quoted tax-inclusive.
SHIPPING_TAX_RATE = Decimal("0.09")


class DeliveryKind:
    SHIPPING = "shipping"
    COLLECTION_POINT = "collection_point"


@dataclass(frozen=True)
class DeliveryContext:
    channel_id: int
    currency: str
    address: Address | None
    weight_grams: int
    subtotal: Money
    is_shipping_required: bool


@dataclass(frozen=True)
class DeliveryMethod:
    id: str
    name: str
    price: Money
    kind: str = DeliveryKind.SHIPPING
    description: str = ""
    minimum_delivery_days: int | None = None
    maximum_delivery_days: int | None = None
    metadata: dict = field(default_factory=dict)


class DeliveryProvider(Protocol):
    def methods(self, context: DeliveryContext) -> list[DeliveryMethod]: ...


def _lookup(provider, context: DeliveryContext, method_id: str) -> DeliveryMethod | None:
    """A provider that offers more choices than it lists (e.g. every pickup station of the
    county, while `methods` lists the nearest) resolves any of its ids with `method(context,
    id)`; otherwise the id must be one of the listed methods."""
    resolve = getattr(provider, "method", None)
    if resolve is not None:
        return resolve(context, method_id)
    return next((m for m in provider.methods(context) if m.id == method_id), None)


def _rate(name: str) -> Decimal:
    return Decimal(str(settings.DELIVERY_RATES[name]))


class CountyFlatRate:
    """Delivery anywhere in the county for one flat price, free above a threshold."""

    id = "county-flat"

    def methods(self, context: DeliveryContext) -> list[DeliveryMethod]:
        address = context.address
        if not context.is_shipping_required or address is None or not address.is_in_county:
            return []
        price = _rate("county_flat")
        free_over = _rate("county_free_over")
        if free_over and context.subtotal.amount >= free_over:
            price = Decimal(0)
        return [
            DeliveryMethod(
                id=self.id,
                name=str(_("县内配送")),
                price=Money(price, context.currency),
                description=str(_("县域共同配送，送到村")),
                minimum_delivery_days=0,
                maximum_delivery_days=2,
            )
        ]


class OutOfCountyExpress:
    """Express from the county centre to an address outside the county, priced by weight:
    a first-kilogram price plus a price for each further kilogram started."""

    id = "express-weight"

    def methods(self, context: DeliveryContext) -> list[DeliveryMethod]:
        address = context.address
        if not context.is_shipping_required or address is None or address.is_in_county:
            return []
        kilograms = (Decimal(max(context.weight_grams, 1)) / 1000).to_integral_value(ROUND_CEILING)
        price = _rate("express_first_kg") + _rate("express_extra_kg") * (kilograms - 1)
        return [
            DeliveryMethod(
                id=self.id,
                name=str(_("快递（县外）")),
                price=Money(price, context.currency),
                description=str(_("按重量计费")),
                minimum_delivery_days=2,
                maximum_delivery_days=5,
            )
        ]


@cache
def _providers(paths: tuple[str, ...]) -> list[DeliveryProvider]:
    return [import_string(path)() for path in paths]


def providers() -> list[DeliveryProvider]:
    return _providers(tuple(settings.DELIVERY_PROVIDERS))


def available_methods(context: DeliveryContext) -> list[DeliveryMethod]:
    methods: list[DeliveryMethod] = []
    for provider in providers():
        methods.extend(provider.methods(context))
    return methods


def find_method(context: DeliveryContext, method_id: str) -> DeliveryMethod | None:
    """The method with this id if some provider offers it for the context now."""
    for provider in providers():
        method = _lookup(provider, context, method_id)
        if method is not None:
            return method
    return None
