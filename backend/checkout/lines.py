"""Line rules of a cart, and the problems a cart has now.

Rules (checked when lines are added or changed, and again at completion): quantity > 0 and at
most `MAX_CHECKOUT_LINE_QUANTITY` (and the variant's per-customer limit), the product published
in the checkout's channel and available for purchase now, the variant priced in the channel,
and enough stock. Errors carry the global IDs of the lines or variants they concern.

Problems (Saleor: `Checkout.problems`) are what went wrong since the shopper filled the cart,
e.g. a line went out of stock or its product was unpublished; they are shown, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from graphql_relay import to_global_id

from backend.checkout.calculations import CheckoutInfo, LineInfo
from backend.checkout.error_codes import CheckoutErrorCode
from backend.inventory.allocation import available_quantities


def variant_gid(variant_id: int) -> str:
    return to_global_id("ProductVariant", variant_id)


def line_gid(line_id) -> str:
    return to_global_id("CheckoutLine", str(line_id))


def _error(message: str, code: str, info: LineInfo, field: str = "lines") -> ValidationError:
    params = {"variants": [variant_gid(info.line.variant_id)], "field": field}
    if info.line.pk and not info.line._state.adding:
        params["lines"] = [line_gid(info.line.pk)]
    return ValidationError({field: ValidationError(message, code=code, params=params)})


def check_quantity(quantity: int, info: LineInfo) -> None:
    if quantity <= 0:
        raise _error(_("数量必须大于 0。"), CheckoutErrorCode.ZERO_QUANTITY, info, "quantity")
    limit = settings.MAX_CHECKOUT_LINE_QUANTITY
    per_customer = info.variant.quantity_limit_per_customer
    if per_customer:
        limit = min(limit, per_customer)
    if quantity > limit:
        raise _error(
            _("“%(name)s”每单最多购买 %(limit)s 件。")
            % {"name": info.product.name, "limit": limit},
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
            info,
            "quantity",
        )


def check_purchasable(info: LineInfo, now=None) -> None:
    now = now or timezone.now()
    listing = info.product_listing
    name = info.product.name
    vendor = info.product.vendor
    if listing is None or not listing.is_visible(now) or (vendor and not vendor.is_active):
        # A suspended vendor's products leave the shelves at once, carts included.
        raise _error(
            _("“%(name)s”未在本店上架。") % {"name": name},
            CheckoutErrorCode.PRODUCT_NOT_PUBLISHED,
            info,
        )
    if not listing.is_available_for_purchase(now):
        raise _error(
            _("“%(name)s”暂未开售。") % {"name": name},
            CheckoutErrorCode.PRODUCT_UNAVAILABLE_FOR_PURCHASE,
            info,
        )
    if info.variant_listing is None or info.variant_listing.price_amount is None:
        raise _error(
            _("“%(name)s”的这个规格在本店不可购买。") % {"name": name},
            CheckoutErrorCode.UNAVAILABLE_VARIANT_IN_CHANNEL,
            info,
        )


def insufficient_stock_error(info: LineInfo, available: int) -> ValidationError:
    return _error(
        _("“%(name)s”库存不足，仅剩 %(available)s 件。")
        % {"name": info.product.name, "available": max(available, 0)},
        CheckoutErrorCode.INSUFFICIENT_STOCK,
        info,
    )


@dataclass(frozen=True)
class LineProblem:
    kind: str  # "insufficient_stock" | "variant_not_available"
    line: object
    available_quantity: int | None = None


def checkout_problems(info: CheckoutInfo) -> list[LineProblem]:
    problems: list[LineProblem] = []
    tracked = [li for li in info.lines if li.variant.track_inventory]
    available = available_quantities(
        info.checkout.channel_id,
        [li.line.variant_id for li in tracked],
        exclude_checkout=info.checkout.pk,
    )
    for line_info in info.lines:
        try:
            check_purchasable(line_info)
        except ValidationError:
            problems.append(LineProblem("variant_not_available", line_info.line))
            continue
        if line_info.variant.track_inventory:
            left = available.get(line_info.line.variant_id, 0)
            if left < line_info.line.quantity:
                problems.append(LineProblem("insufficient_stock", line_info.line, left))
    return problems
