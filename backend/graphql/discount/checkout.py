"""Promo codes on a checkout (Saleor: checkoutAddPromoCode, checkoutRemovePromoCode) and the
checkout's figures after discounts. Thin: backend.discount.vouchers decides whether a code
applies; a refusal is a CheckoutError on `promoCode` with the discount's own code
(VOUCHER_EXPIRED, MIN_SPENT_NOT_REACHED, …) and writes nothing."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.checkout.calculations import CheckoutInfo, add_taxed, zero_taxed
from backend.core.money import Money, TaxedMoney, taxed_from_gross
from backend.discount.vouchers import add_promo_code, normalize_code, remove_promo_code
from backend.graphql.checkout.mutations import CheckoutError, CheckoutMutation, get_checkout
from backend.graphql.core.errors import ApiError, QueryErrorCode


def subtotal_after_discounts(info: CheckoutInfo) -> TaxedMoney:
    """Σ lines after catalogue prices minus their shares of the order promotion and of an order
    or product voucher (a delivery voucher lowers the delivery price instead); each line's tax
    is split from its own amount, so net + tax adds up to the gross."""
    pricing = info.pricing()
    total = zero_taxed(info.currency)
    for line in pricing.lines:
        gross = line.total.gross.amount - line.order_level_discount
        total = add_taxed(total, taxed_from_gross(Money(gross, info.currency), line.tax_rate))
    return total


def _checkout_id(id: str | None, checkout_id: str | None) -> str:
    value = id or checkout_id
    if not value:
        raise ApiError(_("请提供购物车 ID。"), code=QueryErrorCode.INVALID, field="id")
    return value


class CheckoutAddPromoCode(CheckoutMutation):
    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = graphene.ID(deprecation_reason="Use `id`.")
        promo_code = graphene.String(required=True, description="The voucher code typed.")

    class Meta:
        description = (
            "Enters a voucher code on the checkout; one code per checkout (a new one replaces "
            "the old). A code that does not apply now is refused with the reason."
        )
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, promo_code, id=None, checkout_id=None):
        checkout = get_checkout(info, _checkout_id(id, checkout_id), lock=True)
        add_promo_code(checkout=checkout, code=promo_code, user=info.context.user)
        return cls.result(checkout)


class CheckoutRemovePromoCode(CheckoutMutation):
    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        checkout_id = graphene.ID(deprecation_reason="Use `id`.")
        promo_code = graphene.String(description="The code to remove; the entered one if omitted.")
        promo_code_id = graphene.ID(
            description="Saleor: a gift card's ID. There are no gift cards here, so any ID is "
            "answered NOT_FOUND."
        )

    class Meta:
        description = "Removes the voucher code from the checkout."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(
        cls, root, info, id=None, checkout_id=None, promo_code=None, promo_code_id=None
    ):
        checkout = get_checkout(info, _checkout_id(id, checkout_id), lock=True)
        if promo_code_id is not None:
            raise ValidationError(
                {"promo_code_id": ValidationError(_("没有这张礼品卡。"), code="NOT_FOUND")}
            )
        if promo_code is not None and normalize_code(promo_code) != checkout.voucher_code:
            raise ValidationError(
                {"promo_code": ValidationError(_("购物车没有使用这个优惠券码。"), code="NOT_FOUND")}
            )
        remove_promo_code(checkout=checkout)
        return cls.result(checkout)


class CheckoutPromoCodeMutations(graphene.ObjectType):
    checkout_add_promo_code = CheckoutAddPromoCode.Field()
    checkout_remove_promo_code = CheckoutRemovePromoCode.Field()
