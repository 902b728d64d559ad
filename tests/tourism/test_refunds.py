"""Refund rules (free until the deadline, a fee after, none after use or expiry) through the
payment gateway, places back, the venue's settlement reversed; and the expiry task."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from backend.payment.models import TransactionEvent, TransactionEventType
from backend.tourism import booking, selectors, tasks
from backend.tourism.models import (
    Capacity,
    ExpiryPolicy,
    TourismVoucher,
    TourismVoucherStatus,
    VenueLedgerEntry,
)
from tests.factories import UserFactory
from tests.tourism.conftest import buy, shopper_gql

pytestmark = pytest.mark.django_db

REFUND = """
mutation($ids: [ID!]!, $reason: String) {
  tourismVoucherRefund(ids: $ids, reason: $reason) {
    tourismVouchers { code status refundedAmount { amount } }
    amount { amount }
    errors { field message code }
  }
}"""


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.com")


def ids(vouchers):
    return [to_global_id("TourismVoucher", v.pk) for v in vouchers]


def bought(channel, variant, shopper, *, days_ahead=5, quantity=2):
    day = booking.local_today() + dt.timedelta(days=days_ahead)
    _, result = buy(shopper_gql(shopper), channel, variant, quantity=quantity, date=day)
    assert result["errors"] == []
    return list(TourismVoucher.objects.order_by("unit")), day


def test_free_cancellation_before_the_deadline_refunds_in_full_through_the_gateway(
    channel, tickets, shopper
):
    vouchers, day = bought(channel, tickets["adult"], shopper)
    result = shopper_gql(shopper).query(REFUND, {"ids": ids(vouchers[:1]), "reason": "行程变了"})[
        "tourismVoucherRefund"
    ]
    assert result["errors"] == []
    assert result["amount"]["amount"] == 60.0
    assert result["tourismVouchers"][0]["status"] == "REFUNDED"
    refunds = TransactionEvent.objects.filter(type=TransactionEventType.REFUND_SUCCESS)
    assert [e.amount_value for e in refunds] == [Decimal("60.00")]
    # The refund names the order line and the unit given back (OrderGrantedRefundLine).
    from backend.order.models import OrderGrantedRefundLine

    granted = OrderGrantedRefundLine.objects.get()
    assert (granted.order_line_id, granted.quantity) == (vouchers[0].order_line_id, 1)
    assert granted.amount_value == Decimal("60.00")
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 1
    reversal = VenueLedgerEntry.objects.get(kind="refund")
    assert (reversal.amount, reversal.commission, reversal.net) == (
        Decimal("-60.00"),
        Decimal("-2.40"),
        Decimal("-57.60"),
    )
    settled = selectors.venue_settlement(
        tickets["rules"].venue, booking.local_today(), booking.local_today()
    )
    assert settled["net"] == Decimal("57.60")  # one ticket sold, one reversed
    vouchers[1].refresh_from_db()
    assert vouchers[1].status == TourismVoucherStatus.VALID


def test_after_the_deadline_the_fee_is_kept(channel, tickets, shopper):
    # Visit tomorrow; free cancellation ends 24 h before the visit day starts, i.e. now passed.
    vouchers, _day = bought(channel, tickets["adult"], shopper, days_ahead=1, quantity=1)
    result = shopper_gql(shopper).query(REFUND, {"ids": ids(vouchers)})["tourismVoucherRefund"]
    assert result["errors"] == []
    assert result["amount"]["amount"] == 54.0  # 60.00 less the 10% fee
    from backend.order.models import OrderGrantedRefund

    assert OrderGrantedRefund.objects.get().amount_value == Decimal("54.00")
    reversal = VenueLedgerEntry.objects.get(kind="refund")
    assert reversal.amount == Decimal("-54.00")


def test_the_exact_deadline_instant(channel, tickets, shopper):
    from backend.tourism.refunds import quote

    vouchers, day = bought(channel, tickets["adult"], shopper, days_ahead=3, quantity=1)
    deadline = booking.day_start(day) - dt.timedelta(hours=24)
    assert quote(vouchers[0], at=deadline - dt.timedelta(microseconds=1)).fee == Decimal("0.00")
    assert quote(vouchers[0], at=deadline).fee == Decimal("6.00")


def test_used_expired_and_foreign_vouchers_are_not_refunded(
    channel, tickets, shopper, venue, venue_staff
):
    vouchers, _day = bought(channel, tickets["adult"], shopper)
    TourismVoucher.objects.filter(pk=vouchers[0].pk).update(uses_count=1, status="redeemed")
    result = shopper_gql(shopper).query(REFUND, {"ids": ids(vouchers)})["tourismVoucherRefund"]
    assert result["errors"][0]["code"] == "NOT_REFUNDABLE"
    # Someone else (even the venue's own staff) cannot refund the shopper's vouchers.
    other = shopper_gql(UserFactory(email="x@example.com"))
    assert (
        other.query(REFUND, {"ids": ids(vouchers[1:])})["tourismVoucherRefund"]["errors"][0]["code"]
        == "NOT_FOUND"
    )
    staff = shopper_gql(venue_staff).query(REFUND, {"ids": ids(vouchers[1:])})
    assert staff["tourismVoucherRefund"]["errors"][0]["code"] == "NOT_FOUND"
    assert not TransactionEvent.objects.filter(type=TransactionEventType.REFUND_SUCCESS).exists()
    assert not VenueLedgerEntry.objects.filter(kind="refund").exists()


def test_expiry_task_lapses_or_refunds_by_policy(channel, tickets, meal, shopper):
    dated, _day = bought(channel, tickets["adult"], shopper, quantity=1)
    _, result = buy(shopper_gql(shopper), channel, meal["variant"], names=["王小梅"])
    assert result["errors"] == []
    meal_voucher = TourismVoucher.objects.get(tourism_product=meal["rules"])
    meal["rules"].expiry_policy = ExpiryPolicy.REFUND
    meal["rules"].save(update_fields=["expiry_policy"])
    past = timezone.now() - dt.timedelta(seconds=1)
    TourismVoucher.objects.update(valid_from=past - dt.timedelta(days=1), valid_until=past)

    assert tasks.expire_vouchers() == {"expired": 1, "refunded": 1, "failed": 0}

    dated[0].refresh_from_db()
    meal_voucher.refresh_from_db()
    assert dated[0].status == TourismVoucherStatus.EXPIRED
    assert meal_voucher.status == TourismVoucherStatus.REFUNDED
    assert meal_voucher.refunded_amount == Decimal("50.00")  # in full, no fee
    assert tasks.expire_vouchers() == {"expired": 0, "refunded": 0, "failed": 0}
    assert selectors.no_show_rate(
        tickets["rules"].venue, dated[0].visit_date, dated[0].visit_date
    ) == Decimal("1.0000")


def test_the_expiry_task_runs_from_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["expire-tourism-vouchers"]
    assert entry["task"] == tasks.expire_vouchers.name


def test_an_order_discount_is_not_refunded_twice(channel, tickets, shopper):
    """满99减10 over two ¥60 tickets: the shopper paid ¥110, ¥55 a ticket. Refunding both gives
    back ¥110 (never the ¥120 list total, which the gateway would refuse), one ticket ¥55."""
    from backend.catalog.schedule import clear_memo
    from backend.discount.models import PromotionType, RewardValueType
    from backend.discount.rules import clear_snapshots
    from backend.order.models import Order
    from tests.discount.conftest import promotion

    promotion(
        channel,
        type=PromotionType.ORDER,
        value_type=RewardValueType.FIXED,
        value=Decimal("10.00"),
        min_subtotal=Decimal("99.00"),
        name="满99减10",
    )
    clear_snapshots()
    clear_memo()
    vouchers, _day = bought(channel, tickets["adult"], shopper, quantity=2)
    assert Order.objects.get().total_charged_amount == Decimal("110.00")
    assert [v.price_amount for v in vouchers] == [Decimal("55.00"), Decimal("55.00")]
    gql = shopper_gql(shopper)
    first = gql.query(REFUND, {"ids": ids(vouchers[:1])})["tourismVoucherRefund"]
    assert first["errors"] == []
    assert first["amount"]["amount"] == 55.0
    second = gql.query(REFUND, {"ids": ids(vouchers[1:])})["tourismVoucherRefund"]
    assert second["errors"] == []
    assert second["amount"]["amount"] == 55.0
    refunds = TransactionEvent.objects.filter(type=TransactionEventType.REFUND_SUCCESS)
    assert sum(e.amount_value for e in refunds) == Decimal("110.00")
    clear_snapshots()
    clear_memo()


def test_a_platform_funded_discount_is_not_taken_from_the_venue(channel, tickets, shopper):
    """满99减10 paid by the platform: the shopper pays ¥55 a ticket, the venue is settled the
    ¥60 list price (the marketplace pays it the subsidy, as for goods), and a refund takes
    back from the venue what it was settled, while the shopper gets back what they paid."""
    from backend.catalog.schedule import clear_memo
    from backend.discount.models import DiscountFunding, PromotionType, RewardValueType
    from backend.discount.rules import clear_snapshots
    from tests.discount.conftest import promotion

    promotion(
        channel,
        type=PromotionType.ORDER,
        value_type=RewardValueType.FIXED,
        value=Decimal("10.00"),
        min_subtotal=Decimal("99.00"),
        name="满99减10",
        funded_by=DiscountFunding.PLATFORM,
    )
    clear_snapshots()
    clear_memo()
    vouchers, _day = bought(channel, tickets["adult"], shopper, quantity=2)
    sales = VenueLedgerEntry.objects.filter(kind="sale").order_by("pk")
    assert [(e.amount, e.commission, e.net) for e in sales] == [
        (Decimal("60.00"), Decimal("2.40"), Decimal("57.60"))
    ] * 2
    result = shopper_gql(shopper).query(REFUND, {"ids": ids(vouchers[:1])})["tourismVoucherRefund"]
    assert result["errors"] == []
    assert result["amount"]["amount"] == 55.0
    reversal = VenueLedgerEntry.objects.get(kind="refund")
    assert (reversal.amount, reversal.net) == (Decimal("-60.00"), Decimal("-57.60"))
    clear_snapshots()
    clear_memo()
