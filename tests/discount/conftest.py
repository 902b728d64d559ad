"""Fixtures of the pricing-engine tests: a channel with products, and builders for promotions,
vouchers and flash sales written straight to the models (the management services are A2's and
tested with them), and carts completed through the production checkout services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from backend.checkout.complete import complete_checkout
from backend.checkout.models import Checkout
from backend.checkout.services import LineChange, create_checkout
from backend.discount.models import (
    DiscountFunding,
    Promotion,
    PromotionRule,
    PromotionType,
    RewardType,
    RewardValueType,
    SpecialPrice,
    SpecialPriceKind,
    Voucher,
    VoucherCode,
    VoucherType,
)
from backend.payment.models import Gateway, TransactionItem
from tests.factories import ProductFactory, ProductTypeFactory, list_product

D = Decimal
TEN = D("10")
TEN_YUAN = D("10.00")
FLASH_PRICE = D("9.90")
RICE_PRICE = D("39.90")
VAT_FOOD = D("0.09")


def past(days: int = 1):
    return timezone.now() - timedelta(days=days)


def future(days: int = 1):
    return timezone.now() + timedelta(days=days)


def promotion(
    channel,
    *,
    variants=(),
    products=(),
    categories=(),
    vendors=(),
    collections=(),
    type=PromotionType.CATALOGUE,
    value_type=RewardValueType.PERCENTAGE,
    value=TEN,
    start=None,
    end=None,
    priority=0,
    funded_by=DiscountFunding.VENDOR,
    min_subtotal=None,
    name=None,
    reward_type=None,
    gift_variant=None,
) -> Promotion:
    promo = Promotion.objects.create(
        name=name or f"促销{Promotion.objects.count() + 1}",
        type=type,
        start_date=start or past(),
        end_date=end,
        priority=priority,
        funded_by=funded_by,
    )
    rule = PromotionRule.objects.create(
        promotion=promo,
        reward_value_type=value_type,
        reward_value=value,
        min_subtotal_amount=min_subtotal,
        reward_type=reward_type
        or (RewardType.SUBTOTAL_DISCOUNT if type == PromotionType.ORDER else None),
        gift_variant=gift_variant,
    )
    rule.channels.add(channel)
    rule.variants.add(*variants)
    rule.products.add(*products)
    rule.categories.add(*categories)
    rule.vendors.add(*vendors)
    rule.collections.add(*collections)
    return promo


def voucher(
    channel,
    code="SAVE10",
    *,
    type=VoucherType.ENTIRE_ORDER,
    value_type=RewardValueType.FIXED,
    value=TEN_YUAN,
    start=None,
    end=None,
    usage_limit=None,
    once_per_customer=False,
    min_spent=None,
    min_quantity=None,
    variants=(),
    products=(),
    funded_by=DiscountFunding.PLATFORM,
) -> Voucher:
    v = Voucher.objects.create(
        name=f"券{code}",
        type=type,
        discount_value_type=value_type,
        discount_value=value,
        start_date=start or past(),
        end_date=end,
        usage_limit=usage_limit,
        apply_once_per_customer=once_per_customer,
        min_spent_amount=min_spent,
        min_checkout_items_quantity=min_quantity,
        funded_by=funded_by,
    )
    v.channels.add(channel)
    v.variants.add(*variants)
    v.products.add(*products)
    VoucherCode.objects.create(voucher=v, code=code)
    return v


def flash_sale(
    channel,
    variant,
    *,
    price=FLASH_PRICE,
    quantity_limit=None,
    per_customer_limit=None,
    start=None,
    end=None,
    kind=SpecialPriceKind.FLASH_SALE,
    funded_by=DiscountFunding.BRAND,
) -> SpecialPrice:
    return SpecialPrice.objects.create(
        name="限时秒杀",
        kind=kind,
        channel=channel,
        variant=variant,
        price_amount=price,
        starts_at=start or past(),
        ends_at=end or future(),
        quantity_limit=quantity_limit,
        per_customer_limit=per_customer_limit,
        funded_by=funded_by,
    )


def listed_variant(channel, warehouse, price=RICE_PRICE, *, stock=1000, tax_rate=VAT_FOOD, **kw):
    """A variant that needs no delivery (so a cart completes with a phone number and a
    payment), listed at `price`."""
    product_type = ProductTypeFactory(tax_rate=tax_rate, is_shipping_required=False)
    product = ProductFactory(product_type=product_type, **kw)
    return list_product(product, channel, prices=(price,), stock=stock, warehouse=warehouse)[0]


@transaction.atomic  # as the API's mutations run the checkout services
def cart(channel, lines, *, phone="13812345678", user=None, code="") -> Checkout:
    checkout = create_checkout(
        channel=channel,
        user=user,
        lines=[LineChange(variant=variant, quantity=quantity) for variant, quantity in lines],
    )
    checkout.phone = phone
    checkout.voucher_code = code
    checkout.save(update_fields=["phone", "voucher_code"])
    return checkout


def pay(checkout: Checkout, amount: Decimal | None = None) -> None:
    from backend.checkout.calculations import checkout_total

    TransactionItem.objects.create(
        checkout=checkout,
        gateway=Gateway.DUMMY,
        charged_value=amount if amount is not None else checkout_total(checkout).gross.amount,
        currency=checkout.currency,
    )


def pay_and_complete(checkout: Checkout, user=None):
    pay(checkout)
    order, _created = complete_checkout(checkout.pk, user=user)
    return order


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    from backend.catalog.schedule import clear_memo
    from backend.discount.rules import clear_snapshots

    clear_snapshots()
    clear_memo()
    yield
    clear_snapshots()
    clear_memo()
