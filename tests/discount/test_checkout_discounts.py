"""Vouchers and promotions through the production checkout services: entering a code, pricing
the cart, completing it into an order with its discount rows, and giving back on cancel."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backend.catalog.cache import bump_catalog_version
from backend.checkout.calculations import load_checkout_info
from backend.checkout.complete import complete_checkout
from backend.checkout.models import Checkout
from backend.discount.error_codes import DiscountErrorCode
from backend.discount.models import (
    DiscountFunding,
    OrderDiscount,
    OrderLineDiscount,
    PromotionType,
    RewardValueType,
    SpecialPrice,
    SpecialPricePurchase,
    Voucher,
    VoucherCode,
    VoucherCustomer,
    VoucherType,
)
from backend.discount.vouchers import add_promo_code, remove_promo_code
from backend.order.models import Order, OrderStatus
from backend.order.services import cancel_order, expire_order
from tests.discount.conftest import (
    D,
    cart,
    flash_sale,
    future,
    listed_variant,
    past,
    pay,
    pay_and_complete,
    promotion,
    voucher,
)

pytestmark = pytest.mark.django_db


def codes_of(error: ValidationError, field: str = "promo_code") -> list[str]:
    return [e.code for e in error.error_dict[field]]


@pytest.fixture
def rice(channel, warehouse):
    return listed_variant(channel, warehouse, D("39.90"), name="东王集大米")


@pytest.fixture
def grapes(channel, warehouse):
    return listed_variant(channel, warehouse, D("25.00"), name="伊山葡萄")


def test_add_promo_code_stores_it_upper_case_and_the_cart_shows_the_discount(channel, rice, grapes):
    voucher(channel, "SAVE10", value=D("10.00"))
    checkout = cart(channel, [(rice, 2), (grapes, 1)])
    add_promo_code(checkout=checkout, code=" save10 ")
    checkout.refresh_from_db()
    assert checkout.voucher_code == "SAVE10"
    info = load_checkout_info(checkout)
    assert info.subtotal().gross.amount == D("104.80")
    assert info.discount().amount == D("10.00")
    assert info.discount_name() == "券SAVE10"
    assert info.total().gross.amount == D("94.80")
    remove_promo_code(checkout=checkout)
    assert load_checkout_info(checkout).total().gross.amount == D("104.80")


@pytest.mark.parametrize(
    ("voucher_kwargs", "lines", "code"),
    [
        ({"start": future()}, 1, DiscountErrorCode.VOUCHER_NOT_STARTED),
        ({"start": past(3), "end": past(1)}, 1, DiscountErrorCode.VOUCHER_EXPIRED),
        ({"min_spent": D("100.00")}, 1, DiscountErrorCode.MIN_SPENT_NOT_REACHED),
        ({"min_quantity": 3}, 2, DiscountErrorCode.MIN_QUANTITY_NOT_REACHED),
        ({"usage_limit": 1}, 1, DiscountErrorCode.VOUCHER_USAGE_LIMIT),
    ],
)
def test_a_code_that_does_not_apply_is_refused_with_its_reason_and_nothing_is_written(
    channel, rice, voucher_kwargs, lines, code
):
    v = voucher(channel, "WELCOME", **voucher_kwargs)
    if code == DiscountErrorCode.VOUCHER_USAGE_LIMIT:
        Voucher.objects.filter(pk=v.pk).update(used=1)
    checkout = cart(channel, [(rice, lines)])
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=checkout, code="welcome")
    assert codes_of(raised.value) == [code]
    assert Checkout.objects.get(pk=checkout.pk).voucher_code == ""


def test_unknown_inactive_and_wrong_channel_codes_are_refused(channel, rice):
    from tests.factories import ChannelFactory

    checkout = cart(channel, [(rice, 1)])
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=checkout, code="NOPE")
    assert codes_of(raised.value) == [DiscountErrorCode.NOT_FOUND]
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=checkout, code="  ")
    assert codes_of(raised.value) == [DiscountErrorCode.REQUIRED]
    v = voucher(channel, "OFF")
    VoucherCode.objects.filter(voucher=v).update(is_active=False)
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=checkout, code="off")
    assert codes_of(raised.value) == [DiscountErrorCode.VOUCHER_INACTIVE]
    elsewhere = voucher(ChannelFactory(slug="tourism", name="文旅馆"), "ELSEWHERE")
    assert elsewhere.pk
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=checkout, code="elsewhere")
    assert codes_of(raised.value) == [DiscountErrorCode.VOUCHER_NOT_APPLICABLE]
    assert Checkout.objects.get(pk=checkout.pk).voucher_code == ""


def test_a_customer_who_used_a_once_per_customer_code_cannot_enter_it_again(channel, rice):
    voucher(channel, "ONCE", once_per_customer=True)
    first = cart(channel, [(rice, 1)], phone="13800000001")
    add_promo_code(checkout=first, code="ONCE")
    pay_and_complete(first)
    again = cart(channel, [(rice, 1)], phone="13800000001")
    with pytest.raises(ValidationError) as raised:
        add_promo_code(checkout=again, code="ONCE")
    assert codes_of(raised.value) == [DiscountErrorCode.VOUCHER_ALREADY_USED]
    other = cart(channel, [(rice, 1)], phone="13800000002")
    add_promo_code(checkout=other, code="ONCE")


def test_completed_order_keeps_list_and_discounted_figures_and_its_discount_rows(
    channel, rice, grapes
):
    # Catalogue 10% on rice (vendor), 满 80 减 8 (platform), then 10% voucher on grapes (brand).
    promotion(channel, variants=[rice], value=D("10"), funded_by=DiscountFunding.VENDOR)
    promotion(
        channel,
        type=PromotionType.ORDER,
        value_type=RewardValueType.FIXED,
        value=D("8.00"),
        min_subtotal=D("80.00"),
        funded_by=DiscountFunding.PLATFORM,
        name="满80减8",
    )
    voucher(
        channel,
        "GRAPE10",
        type=VoucherType.SPECIFIC_PRODUCT,
        value_type=RewardValueType.PERCENTAGE,
        value=D("10"),
        variants=[grapes],
        funded_by=DiscountFunding.BRAND,
    )
    checkout = cart(channel, [(rice, 2), (grapes, 1)])
    add_promo_code(checkout=checkout, code="grape10")
    info = load_checkout_info(checkout)
    pricing = info.pricing()
    # rice 39.90 → 35.91 (10%), ×2 = 71.82; grapes 25.00; subtotal 96.82 ≥ 80 → −8.00,
    # allocated 71.82:25.00 → 5.93 / 2.07; voucher 10% of grapes' remaining 22.93 → 2.29.
    assert pricing.subtotal.gross.amount == D("96.82")
    assert pricing.order_promotion is not None and pricing.order_promotion.amount == D("8.00")
    assert pricing.voucher is not None and pricing.voucher.amount == D("2.29")
    assert pricing.total.gross.amount == D("86.53")

    order = pay_and_complete(checkout)

    assert order.total_gross_amount == D("86.53")
    assert order.subtotal_gross_amount == D("96.82")
    assert order.undiscounted_total_gross_amount == D("104.80")
    assert order.voucher_code == "GRAPE10"
    lines = {line.variant_id: line for line in order.lines.all()}
    assert lines[rice.pk].unit_price_gross_amount == D("35.91")
    assert lines[rice.pk].undiscounted_unit_price_gross_amount == D("39.90")
    discounts = OrderDiscount.objects.filter(order=order)
    assert sorted((d.type, d.amount, d.funded_by) for d in discounts) == [
        ("promotion", D("8.00"), "platform"),
        ("voucher", D("2.29"), "brand"),
    ]
    # Σ line totals + shipping − order discounts == total, to the fen.
    line_total = sum(line.total_price_gross_amount for line in order.lines.all())
    assert (
        line_total + order.shipping_price_gross_amount - sum(d.amount for d in discounts)
        == order.total_gross_amount
    )
    # Each order discount is allocated to lines exactly; the catalogue one stands alone.
    for d in discounts:
        assert sum(x.amount for x in d.line_discounts.all()) == d.amount
    standalone = OrderLineDiscount.objects.get(line__order=order, order_discount=None)
    assert (standalone.amount, standalone.funded_by) == (D("7.98"), "vendor")
    v = Voucher.objects.get(name="券GRAPE10")
    assert (v.used, v.codes.get().used) == (1, 1)


def test_completion_refuses_a_voucher_used_up_since_it_was_entered_and_writes_nothing(
    channel, rice
):
    v = voucher(channel, "LAST", usage_limit=1)
    checkout = cart(channel, [(rice, 1)])
    add_promo_code(checkout=checkout, code="LAST")
    pay(checkout)
    Voucher.objects.filter(pk=v.pk).update(used=1)  # someone else used the last one
    with pytest.raises(ValidationError) as raised:
        complete_checkout(checkout.pk, user=None)
    assert codes_of(raised.value) == [DiscountErrorCode.VOUCHER_USAGE_LIMIT]
    assert Order.objects.count() == 0
    assert Checkout.objects.filter(pk=checkout.pk).exists()


def test_flash_sale_price_applies_while_quantity_remains_then_completion_says_sold_out(
    channel, rice
):
    sale = flash_sale(channel, rice, price=D("19.90"), quantity_limit=3, per_customer_limit=2)
    first = cart(channel, [(rice, 2)], phone="13800000001")
    assert load_checkout_info(first).total().gross.amount == D("39.80")
    second = cart(channel, [(rice, 2)], phone="13800000002")
    order = pay_and_complete(first)
    assert order.total_gross_amount == D("39.80")
    sale.refresh_from_db()
    assert sale.quantity_sold == 2
    purchase = SpecialPricePurchase.objects.get(order=order)
    assert (purchase.customer_key, purchase.quantity) == ("phone:13800000001", 2)
    line_discount = OrderLineDiscount.objects.get(line__order=order)
    assert (line_discount.type, line_discount.amount, line_discount.funded_by) == (
        "flash_sale",
        D("40.00"),
        "brand",
    )
    pay(second)
    with pytest.raises(ValidationError) as raised:
        complete_checkout(second.pk, user=None)
    assert codes_of(raised.value, "lines") == [DiscountErrorCode.FLASH_SALE_SOLD_OUT]
    assert SpecialPrice.objects.get(pk=sale.pk).quantity_sold == 2


def test_the_per_customer_flash_sale_cap_is_checked_when_the_cart_line_changes(channel, rice):
    flash_sale(channel, rice, price=D("19.90"), quantity_limit=100, per_customer_limit=2)
    with pytest.raises(ValidationError) as raised:
        cart(channel, [(rice, 3)])
    assert codes_of(raised.value, "quantity") == [DiscountErrorCode.FLASH_SALE_LIMIT_EXCEEDED]
    pay_and_complete(cart(channel, [(rice, 2)], phone="13800000009"))
    checkout = cart(channel, [(rice, 1)], phone="13800000008")
    checkout.phone = "13800000009"
    checkout.save()
    from backend.checkout.services import LineChange, change_lines

    with pytest.raises(ValidationError) as raised:
        change_lines(checkout, [LineChange(variant=rice, quantity=1)])
    assert codes_of(raised.value, "quantity") == [DiscountErrorCode.FLASH_SALE_LIMIT_EXCEEDED]


def test_sold_out_flash_sale_shows_the_normal_price_once_the_catalog_moves_on(channel, rice):
    flash_sale(channel, rice, price=D("19.90"), quantity_limit=1)
    pay_and_complete(cart(channel, [(rice, 1)], phone="13800000001"))
    bump_catalog_version()  # done on commit by the completion that sold the last unit
    assert load_checkout_info(cart(channel, [(rice, 1)])).total().gross.amount == D("39.90")


@pytest.mark.parametrize("close", ["cancel", "expire"])
def test_closing_an_unpaid_order_gives_back_the_voucher_use_and_flash_quantity(
    channel, rice, grapes, close
):
    from django.utils import timezone

    v = voucher(channel, "BACK", usage_limit=1, once_per_customer=True)
    sale = flash_sale(channel, grapes, price=D("9.90"), quantity_limit=5)
    checkout = cart(channel, [(rice, 1), (grapes, 2)])
    add_promo_code(checkout=checkout, code="BACK")
    # Completed, then made unpaid with its payment deadline passed (as an online order whose
    # payment never came is before it expires).
    pay(checkout)
    order, _ = complete_checkout(checkout.pk, user=None)
    Order.objects.filter(pk=order.pk).update(charge_status="none", pay_by=timezone.now())
    order.refresh_from_db()
    assert Voucher.objects.get(pk=v.pk).used == 1
    assert SpecialPrice.objects.get(pk=sale.pk).quantity_sold == 2
    if close == "cancel":
        cancel_order(order, user=None)
        assert order.status == OrderStatus.CANCELED
    else:
        assert expire_order(order)
    v.refresh_from_db()
    assert (v.used, v.codes.get().used) == (0, 0)
    assert not VoucherCustomer.objects.filter(voucher=v).exists()
    assert SpecialPrice.objects.get(pk=sale.pk).quantity_sold == 0
    assert not SpecialPricePurchase.objects.filter(order=order).exists()


def test_a_gift_promotion_adds_a_free_line_that_keeps_its_list_price(channel, rice, grapes):
    promotion(
        channel,
        type=PromotionType.ORDER,
        reward_type="gift",
        gift_variant=grapes,
        min_subtotal=D("50.00"),
        funded_by=DiscountFunding.BRAND,
        name="满50送葡萄",
    )
    checkout = cart(channel, [(rice, 2)])
    pricing = load_checkout_info(checkout).pricing()
    assert pricing.order_promotion is not None
    assert pricing.order_promotion.gift_variant_id == grapes.pk
    assert pricing.total.gross.amount == D("79.80")  # the gift costs the shopper nothing

    order = pay_and_complete(checkout)

    gift = order.lines.get(variant=grapes)
    assert (gift.quantity, gift.total_price_gross_amount) == (1, D("0.00"))
    assert gift.undiscounted_unit_price_gross_amount == D("25.00")
    (line_discount,) = gift.discounts.all()
    assert (line_discount.amount, line_discount.funded_by) == (D("25.00"), "brand")
    assert order.total_gross_amount == D("79.80")
    assert order.discounts.get().amount == D("0.00")


def test_checkout_complete_over_graphql_names_the_used_up_voucher(gql, channel, rice):
    from graphql_relay import to_global_id

    from tests.checkout.conftest import COMPLETE

    v = voucher(channel, "GONE", usage_limit=1)
    checkout = cart(channel, [(rice, 1)])
    add_promo_code(checkout=checkout, code="GONE")
    pay(checkout)
    Voucher.objects.filter(pk=v.pk).update(used=1)

    result = gql.query(COMPLETE, {"id": to_global_id("Checkout", str(checkout.pk))})
    errors = result["checkoutComplete"]["errors"]

    assert [(e["field"], e["code"]) for e in errors] == [("promoCode", "VOUCHER_USAGE_LIMIT")]
    assert result["checkoutComplete"]["order"] is None
    assert Order.objects.count() == 0
