"""Promo codes on a checkout (Saleor: checkoutAddPromoCode / checkoutRemovePromoCode).

A code is checked when it is entered (nothing is written when it does not apply) and checked
again at completion under row locks (backend.discount.redemption), because between the two a
limited voucher may have been used up by someone else.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.checkout.models import Checkout
from backend.discount.error_codes import DiscountErrorCode
from backend.discount.models import Voucher, VoucherCode, VoucherCustomer, VoucherType
from backend.discount.pricing import VoucherOffer
from backend.discount.rules import load_predicates, resolve_variant_ids

FIELD = "promo_code"


def normalize_code(code: str | None) -> str:
    return (code or "").strip().upper()


def customer_key(*, user=None, phone: str = "", email: str = "") -> str:
    """Who "once per customer" and flash-sale caps count: the account, else the phone, else the
    e-mail of a guest ("" when nothing identifies the shopper yet)."""
    if user is not None and getattr(user, "is_authenticated", False) and user.pk:
        return f"user:{user.pk}"
    if phone:
        return f"phone:{phone}"
    if email:
        return f"email:{email.lower()}"
    return ""


def checkout_customer_key(checkout: Checkout) -> str:
    return customer_key(
        user=checkout.user if checkout.user_id else None,
        phone=checkout.phone,
        email=checkout.email,
    )


def message_for(code: str) -> str:
    # Looked up at call time so the active language applies.
    texts: dict[str, str] = {
        DiscountErrorCode.NOT_FOUND: _("没有这个优惠券码。"),
        DiscountErrorCode.VOUCHER_INACTIVE: _("这个优惠券码已停用。"),
        DiscountErrorCode.VOUCHER_EXPIRED: _("这个优惠券已过期。"),
        DiscountErrorCode.VOUCHER_NOT_STARTED: _("这个优惠券还未到使用时间。"),
        DiscountErrorCode.VOUCHER_NOT_APPLICABLE: _("这个优惠券不适用于当前购物车。"),
        DiscountErrorCode.VOUCHER_USAGE_LIMIT: _("这个优惠券已被领完。"),
        DiscountErrorCode.VOUCHER_ALREADY_USED: _("您已经使用过这个优惠券。"),
        DiscountErrorCode.MIN_SPENT_NOT_REACHED: _("未达到优惠券的最低消费金额。"),
        DiscountErrorCode.MIN_QUANTITY_NOT_REACHED: _("未达到优惠券的最少购买件数。"),
    }
    return texts.get(code, _("这个优惠券码不可用。"))


def promo_error(code: str) -> ValidationError:
    return ValidationError({FIELD: ValidationError(message_for(code), code=code)})


def voucher_state_problem(
    voucher: Voucher, voucher_code: VoucherCode, *, channel_id: int, at: datetime, customer: str
) -> str | None:
    """Why this code cannot be used now in this channel by this customer (or None). Counters
    are read from the rows given: at completion they are the locked rows."""
    if not voucher_code.is_active:
        return DiscountErrorCode.VOUCHER_INACTIVE
    if voucher.start_date and at < voucher.start_date:
        return DiscountErrorCode.VOUCHER_NOT_STARTED
    if voucher.end_date is not None and at >= voucher.end_date:
        return DiscountErrorCode.VOUCHER_EXPIRED
    if not voucher.channels.filter(pk=channel_id).exists():
        return DiscountErrorCode.VOUCHER_NOT_APPLICABLE
    if voucher.usage_limit is not None and voucher.used >= voucher.usage_limit:
        return DiscountErrorCode.VOUCHER_USAGE_LIMIT
    if (
        voucher.apply_once_per_customer
        and customer
        and VoucherCustomer.objects.filter(voucher=voucher, customer_key=customer).exists()
    ):
        return DiscountErrorCode.VOUCHER_ALREADY_USED
    return None


def offer_for(voucher: Voucher, code: str) -> VoucherOffer:
    variant_ids: frozenset[int] = frozenset()
    if voucher.type == VoucherType.SPECIFIC_PRODUCT:
        predicates = load_predicates(Voucher, [voucher.pk])
        variant_ids = resolve_variant_ids(predicates).get(voucher.pk, frozenset())
    return VoucherOffer(
        voucher_id=voucher.pk,
        code=code,
        name=voucher.name,
        type=voucher.type,
        value_type=voucher.discount_value_type,
        value=voucher.discount_value,
        funded_by=voucher.funded_by,
        variant_ids=variant_ids,
        min_spent=voucher.min_spent_amount,
        min_quantity=voucher.min_checkout_items_quantity,
    )


def find_code(code: str) -> VoucherCode | None:
    return VoucherCode.objects.select_related("voucher").filter(code=normalize_code(code)).first()


def checkout_offer(checkout: Checkout, *, at: datetime | None = None) -> VoucherOffer | None:
    """The voucher entered on this checkout if it can still be used (for pricing the cart);
    None when there is none or it no longer applies (the cart then shows no voucher discount,
    and completion refuses it with the reason)."""
    code = normalize_code(checkout.voucher_code)
    if not code:
        return None
    found = find_code(code)
    if found is None:
        return None
    problem = voucher_state_problem(
        found.voucher,
        found,
        channel_id=checkout.channel_id,
        at=at or timezone.now(),
        customer=checkout_customer_key(checkout),
    )
    if problem is not None:
        return None
    return offer_for(found.voucher, code)


def add_promo_code(*, checkout: Checkout, code: str, user=None) -> Checkout:
    """Enter a voucher code on the checkout; a code that does not apply now raises a
    ValidationError on "promo_code" with a DiscountErrorCode and nothing is written."""
    from backend.checkout.calculations import load_checkout_info

    normalized = normalize_code(code)
    if not normalized:
        raise ValidationError(
            {FIELD: ValidationError(_("请输入优惠券码。"), code=DiscountErrorCode.REQUIRED)}
        )
    found = find_code(normalized)
    if found is None:
        raise promo_error(DiscountErrorCode.NOT_FOUND)
    at = timezone.now()
    customer = checkout_customer_key(checkout)
    if not customer and user is not None:
        customer = customer_key(user=user)
    problem = voucher_state_problem(
        found.voucher, found, channel_id=checkout.channel_id, at=at, customer=customer
    )
    if problem is not None:
        raise promo_error(problem)
    info = load_checkout_info(checkout, at=at, voucher=offer_for(found.voucher, normalized))
    pricing = info.pricing()
    if not pricing.lines:
        raise promo_error(DiscountErrorCode.VOUCHER_NOT_APPLICABLE)
    if pricing.voucher_error is not None:
        raise promo_error(pricing.voucher_error)
    checkout.voucher_code = normalized
    checkout.save(update_fields=["voucher_code", "last_change"])
    return checkout


def remove_promo_code(*, checkout: Checkout) -> Checkout:
    if checkout.voucher_code:
        checkout.voucher_code = ""
        checkout.save(update_fields=["voucher_code", "last_change"])
    return checkout
