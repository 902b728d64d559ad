"""Voucher usage limits, once-per-customer and flash-sale caps hold under parallel checkout
completions (real PostgreSQL, real threads with their own connections)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from backend.checkout.complete import complete_checkout
from backend.discount.models import (
    OrderDiscount,
    SpecialPrice,
    SpecialPricePurchase,
    Voucher,
    VoucherCustomer,
)
from backend.discount.vouchers import add_promo_code
from backend.order.models import Order
from tests.checkout.test_concurrency import run_in_parallel
from tests.discount.conftest import D, cart, flash_sale, listed_variant, pay, voucher

pytestmark = pytest.mark.django_db(transaction=True)


def complete_call(checkout):
    def call():
        try:
            order, _created = complete_checkout(checkout.pk, user=None)
            return ("order", order.pk)
        except ValidationError as error:
            return ("error", [e.code for errors in error.error_dict.values() for e in errors])

    return call


@pytest.mark.parametrize(("shoppers", "limit"), [(8, 3)])
def test_parallel_completions_use_a_limited_voucher_exactly_limit_times(
    channel, warehouse, shoppers, limit
):
    rice = listed_variant(channel, warehouse, D("39.90"))
    v = voucher(channel, "LIMITED", usage_limit=limit)
    checkouts = []
    for index in range(shoppers):
        checkout = cart(channel, [(rice, 1)], phone=f"1380000{index:04d}")
        with transaction.atomic():
            add_promo_code(checkout=checkout, code="LIMITED")
        pay(checkout)
        checkouts.append(checkout)

    results = run_in_parallel([complete_call(c) for c in checkouts])

    placed = [r for r in results if r[0] == "order"]
    refused = [r for r in results if r[0] == "error"]
    assert len(placed) == limit
    assert len(refused) == shoppers - limit
    assert all(r[1] == ["VOUCHER_USAGE_LIMIT"] for r in refused)
    v.refresh_from_db()
    assert (v.used, v.codes.get().used) == (limit, limit)
    assert OrderDiscount.objects.filter(voucher=v).count() == limit
    assert Order.objects.count() == limit


def test_once_per_customer_holds_under_parallel_checkouts_of_one_customer(channel, warehouse):
    rice = listed_variant(channel, warehouse, D("39.90"))
    v = voucher(channel, "ONCE", once_per_customer=True)
    checkouts = []
    for _ in range(5):
        checkout = cart(channel, [(rice, 1)], phone="13812345678")
        with transaction.atomic():
            add_promo_code(checkout=checkout, code="ONCE")
        pay(checkout)
        checkouts.append(checkout)

    results = run_in_parallel([complete_call(c) for c in checkouts])

    assert [r[0] for r in results].count("order") == 1
    assert all(r[1] == ["VOUCHER_ALREADY_USED"] for r in results if r[0] == "error")
    assert VoucherCustomer.objects.filter(voucher=v).count() == 1
    assert Voucher.objects.get(pk=v.pk).used == 1


def test_a_flash_sale_is_never_oversold_nor_over_its_per_customer_cap(channel, warehouse):
    rice = listed_variant(channel, warehouse, D("39.90"))
    quantity_limit, per_customer = 5, 2
    sale = flash_sale(
        channel, rice, price=D("9.90"), quantity_limit=quantity_limit, per_customer_limit=2
    )
    checkouts = []
    # Four shoppers with two carts each of 2 units: 16 units asked for, 5 on sale.
    for shopper in range(4):
        for _ in range(2):
            checkout = cart(channel, [(rice, 2)], phone=f"1390000{shopper:04d}")
            pay(checkout)
            checkouts.append(checkout)

    results = run_in_parallel([complete_call(c) for c in checkouts])

    sale.refresh_from_db()
    assert sale.quantity_sold <= quantity_limit
    sold = sum(p.quantity for p in SpecialPricePurchase.objects.filter(special_price=sale))
    assert sold == sale.quantity_sold == 2 * [r[0] for r in results].count("order")
    for shopper in range(4):
        bought = sum(
            p.quantity
            for p in SpecialPricePurchase.objects.filter(
                special_price=sale, customer_key=f"phone:1390000{shopper:04d}"
            )
        )
        assert bought <= per_customer
    codes = {code for r in results if r[0] == "error" for code in r[1]}
    assert codes <= {"FLASH_SALE_SOLD_OUT", "FLASH_SALE_LIMIT_EXCEEDED"}
    assert SpecialPrice.objects.get(pk=sale.pk).quantity_sold == 4  # two carts of 2 fit in 5
