"""Concurrency where places and uses change hands: parallel checkout completions never sell
more places than a date has, and the same code redeemed from several phones at the same moment
succeeds once. Real PostgreSQL, real threads with their own connections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from backend.order.models import Order
from backend.tourism import booking
from backend.tourism.models import Capacity, TourismRedemption, TourismVoucher, VenueStaff
from tests.checkout.test_concurrency import run_in_parallel
from tests.factories import UserFactory
from tests.tourism.conftest import COMPLETE, buy, shopper_gql
from tests.tourism.test_redemption import REDEEM

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_completions_never_oversell_a_date(channel, tickets):
    day = booking.local_today() + dt.timedelta(days=5)
    Capacity.objects.filter(tourism_product=tickets["rules"], date=day).update(capacity=5)
    checkouts = []
    for _ in range(8):  # 8 shoppers × 2 tickets for 5 places: at most 2 orders fit
        checkout_id, _none = buy(
            shopper_gql(), channel, tickets["adult"], quantity=2, date=day, complete=False
        )
        checkouts.append(checkout_id)

    def complete(checkout_id):
        return lambda: shopper_gql().query(COMPLETE, {"id": checkout_id})["checkoutComplete"]

    results = run_in_parallel([complete(c) for c in checkouts])

    placed = [r for r in results if r and r["order"]]
    refused = [r for r in results if r and r["errors"]]
    assert len(placed) == 2
    assert len(refused) == 6
    assert {r["errors"][0]["code"] for r in refused} == {"INSUFFICIENT_STOCK"}
    row = Capacity.objects.get(tourism_product=tickets["rules"], date=day)
    assert (row.sold, row.capacity) == (4, 5)
    assert Order.objects.count() == 2
    assert TourismVoucher.objects.count() == 4


def test_the_same_code_from_several_phones_at_once_is_redeemed_once(channel, venue, tickets):
    day = booking.local_today() + dt.timedelta(days=1)
    buy(shopper_gql(), channel, tickets["adult"], date=day)
    voucher = TourismVoucher.objects.get()
    TourismVoucher.objects.filter(pk=voucher.pk).update(
        valid_from=timezone.now() - dt.timedelta(hours=1)
    )
    phones = []
    for index in range(6):
        user = UserFactory(email=f"gate{index}@example.com")
        VenueStaff.objects.create(venue=venue, user=user)
        phones.append(user)

    def call(user):
        variables = {"venue": to_global_id("Venue", venue.pk), "code": voucher.code}
        return lambda: shopper_gql(user).query(REDEEM, variables)["tourismVoucherRedeem"]

    results = run_in_parallel([call(u) for u in phones])

    assert sum(1 for r in results if r["errors"] == []) == 1
    assert sorted(r["errors"][0]["code"] for r in results if r["errors"]) == ["NO_USES_LEFT"] * 5
    assert TourismRedemption.objects.count() == 1
    voucher.refresh_from_db()
    assert voucher.uses_count == 1


def test_parallel_retries_with_one_idempotency_key_redeem_once(channel, venue, tickets):
    day = booking.local_today() + dt.timedelta(days=1)
    buy(shopper_gql(), channel, tickets["pass"], date=day)
    voucher = TourismVoucher.objects.get()
    TourismVoucher.objects.filter(pk=voucher.pk).update(
        valid_from=timezone.now() - dt.timedelta(hours=1)
    )
    user = UserFactory(email="gate@example.com")
    VenueStaff.objects.create(venue=venue, user=user)
    variables = {"venue": to_global_id("Venue", venue.pk), "code": voucher.code, "key": "k-1"}

    results = run_in_parallel(
        [
            lambda: shopper_gql(user).query(REDEEM, variables)["tourismVoucherRedeem"]
            for _ in range(4)
        ]
    )

    assert all(r["errors"] == [] for r in results)
    assert len({r["redemption"]["id"] for r in results}) == 1
    voucher.refresh_from_db()
    assert voucher.uses_count == 1
