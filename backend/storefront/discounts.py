"""Discounts on the shopper's pages: the rows under a cart or checkout (catalogue savings, 满减,
the voucher, delivery), the voucher box (apply and remove a code with plain POST forms) and the
order page's discounts. Figures come from the checkout's pricing (backend.discount.pricing), so
the cart, the review and the order agree to the fen.

A refused code is shown next to the box, not in the page's message list: the view keeps the
typed code and the reason in the session for the one next page (post/redirect/get).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from backend.checkout.calculations import CheckoutInfo
from backend.core.money import Money
from backend.discount.models import OrderDiscount, OrderDiscountType, OrderLineDiscount
from backend.discount.vouchers import add_promo_code, remove_promo_code
from backend.order.models import Order
from backend.storefront.cart import session_checkout

VOUCHER_ERROR_KEY = "storefront_voucher_error"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DiscountRow:
    label: str
    amount: Money  # what the row takes off, positive
    kind: str  # "catalogue", "promotion", "voucher", "shipping", "flash_sale", "livestream"


@dataclass(frozen=True)
class VoucherBox:
    code: str  # the code on the checkout
    applied: bool  # it lowers the price now
    entered: str  # what the shopper typed last, kept after a refusal
    error: str  # why it was refused, in the shopper's language


def checkout_discount_rows(info: CheckoutInfo) -> list[DiscountRow]:
    pricing = info.pricing()
    currency = info.currency
    rows = []
    catalogue = pricing.catalogue_discount
    if catalogue > 0:
        rows.append(
            DiscountRow(_("商品优惠（促销价、秒杀价）"), Money(catalogue, currency), "catalogue")
        )
    if pricing.order_promotion is not None and pricing.order_promotion.amount > 0:
        name = pricing.order_promotion.discount.name
        rows.append(
            DiscountRow(
                _("满减：%(name)s") % {"name": name},
                Money(pricing.order_promotion.amount, currency),
                "promotion",
            )
        )
    voucher = pricing.voucher
    if voucher is not None and voucher.amount > 0:
        label = _("优惠券 %(code)s") % {"code": voucher.voucher_code}
        if voucher.on_shipping:
            label = _("运费券 %(code)s") % {"code": voucher.voucher_code}
        rows.append(DiscountRow(label, Money(voucher.amount, currency), "voucher"))
    return rows


def voucher_box(request, info: CheckoutInfo | None) -> VoucherBox:
    error = request.session.pop(VOUCHER_ERROR_KEY, None) or {}
    code = info.checkout.voucher_code if info is not None else ""
    applied = bool(code and info is not None and info.pricing().voucher is not None)
    return VoucherBox(
        code=code,
        applied=applied,
        entered=error.get("entered", ""),
        error=error.get("message", ""),
    )


def voucher_problem_text(info: CheckoutInfo) -> str:
    """Why a code on the checkout no longer lowers the price (expired since, cart too small)."""
    from backend.discount.vouchers import message_for

    pricing = info.pricing()
    if pricing.voucher_error:
        return message_for(pricing.voucher_error)
    return _("这个优惠券目前不适用于购物车中的商品。")


def apply_code(request, code: str) -> bool:
    """Enter `code` on the session's cart; False (and the reason kept for the next page) when
    it is refused, in which case nothing is written."""
    try:
        with transaction.atomic():
            checkout = session_checkout(request, lock=True)
            if checkout is None:
                raise ValidationError(_("购物车是空的。"))
            add_promo_code(checkout=checkout, code=code, user=request.user)
    except ValidationError as error:
        messages = [m for items in getattr(error, "message_dict", {}).values() for m in items]
        request.session[VOUCHER_ERROR_KEY] = {
            "entered": (code or "").strip()[:32],
            "message": (messages or error.messages)[0],
        }
        return False
    return True


def remove_code(request) -> None:
    with transaction.atomic():
        checkout = session_checkout(request, lock=True)
        if checkout is not None:
            remove_promo_code(checkout=checkout)


def order_discount_rows(order: Order) -> list[DiscountRow]:
    """The order's discounts as recorded when it was placed: the catalogue-level ones (a
    promotion price, a flash sale) summed over the lines, then the 满减 and the voucher."""
    rows = []
    catalogue = (
        OrderLineDiscount.objects.filter(line__order=order, order_discount__isnull=True)
        .values("type", "name", "currency")
        .annotate(total=Sum("amount"))
        .order_by("type", "name")
    )
    for item in catalogue:
        if item["type"] == OrderDiscountType.FLASH_SALE:
            label = _("限时秒杀：%(name)s") % {"name": item["name"]}
        elif item["type"] == OrderDiscountType.LIVESTREAM:
            label = _("直播专享价：%(name)s") % {"name": item["name"]}
        else:
            label = _("商品优惠：%(name)s") % {"name": item["name"]}
        rows.append(DiscountRow(label, Money(item["total"], item["currency"]), item["type"]))
    discount: OrderDiscount
    for discount in order.discounts.order_by("pk"):
        if discount.type == OrderDiscountType.VOUCHER:
            label = _("优惠券 %(code)s") % {"code": discount.voucher_code or discount.name}
        else:
            label = _("满减：%(name)s") % {"name": discount.name}
        rows.append(DiscountRow(label, Money(discount.amount, discount.currency), discount.type))
    return rows


def discount_context(info: CheckoutInfo | None) -> dict:
    """What the totals need: the discount rows and the lines' list-price subtotal."""
    if info is None:
        return {"discount_rows": [], "undiscounted_subtotal": None}
    return {
        "discount_rows": checkout_discount_rows(info),
        "undiscounted_subtotal": info.undiscounted_subtotal(),
    }


def cart_discounts(request, info: CheckoutInfo | None) -> dict:
    """The totals' discount rows and the voucher box (reads the box's one-time error)."""
    box = voucher_box(request, info)
    problem = ""
    if info is not None and box.code and not box.applied:
        problem = voucher_problem_text(info)
    return {**discount_context(info), "voucher": box, "voucher_problem": problem}
