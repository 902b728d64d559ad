"""Redemption (核销) through the API: checks, history, multi-use passes, idempotency keys,
the undo window and limit, throttling after repeated failures, every attempt logged, and
scoping (staff of venue A can neither see nor redeem venue B's vouchers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from backend.tourism import booking, redemption
from backend.tourism.models import (
    RedemptionAttempt,
    TourismRedemption,
    TourismVoucher,
    TourismVoucherStatus,
    VenueStaff,
)
from tests.factories import UserFactory
from tests.tourism.conftest import buy, shopper_gql

pytestmark = pytest.mark.django_db

REDEEM = """
mutation($venue: ID!, $code: String!, $key: String) {
  tourismVoucherRedeem(venue: $venue, code: $code, idempotencyKey: $key) {
    tourismVoucher { code status usesCount usesLeft productName visitDate }
    redemption { id redeemedAt }
    repeated
    errors { field message code }
  }
}"""

UNDO = """
mutation($id: ID!, $reason: String!) {
  tourismVoucherRedemptionUndo(id: $id, reason: $reason) {
    tourismVoucher { status usesCount }
    redemption { undoneAt undoReason }
    errors { field message code }
  }
}"""

VENUE_VOUCHERS = """
query($venue: ID!, $code: String) {
  venueVouchers(venue: $venue, code: $code) { code status }
}"""

MY_VOUCHERS = """
{ me { tourismVouchers { code status usesLeft displayCode qrCodeUrl
       redemptions { redeemedAt venueName undoneAt }
       refundQuote { refundable amount { amount } fee { amount } } } } }
"""


def venue_id(venue) -> str:
    return to_global_id("Venue", venue.pk)


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.com")


@pytest.fixture
def today_ticket(channel, tickets, shopper):
    day = booking.local_today()
    tickets["rules"].same_day_cutoff = None
    tickets["rules"].save(update_fields=["same_day_cutoff"])
    _, result = buy(shopper_gql(shopper), channel, tickets["adult"], date=day)
    assert result["errors"] == []
    return TourismVoucher.objects.get()


def redeem(user, venue, code, key=None):
    return shopper_gql(user).query(REDEEM, {"venue": venue_id(venue), "code": code, "key": key})[
        "tourismVoucherRedeem"
    ]


def test_staff_redeem_a_valid_ticket_once_and_the_shopper_sees_the_history(
    venue, venue_staff, today_ticket, shopper
):
    result = redeem(venue_staff, venue, today_ticket.code.lower())
    assert result["errors"] == []
    assert result["tourismVoucher"]["status"] == "REDEEMED"
    assert result["tourismVoucher"]["usesLeft"] == 0
    again = redeem(venue_staff, venue, today_ticket.code)
    assert again["errors"] == [
        {"field": "code", "message": "这张券已用完，不能再次核销。", "code": "NO_USES_LEFT"}
    ]
    mine = shopper_gql(shopper).query(MY_VOUCHERS)["me"]["tourismVouchers"]
    assert mine[0]["status"] == "REDEEMED"
    assert [r["venueName"] for r in mine[0]["redemptions"]] == ["大伊山景区"]
    assert mine[0]["refundQuote"]["refundable"] is False
    assert mine[0]["displayCode"].replace("-", "") == today_ticket.code
    outcomes = list(RedemptionAttempt.objects.order_by("at").values_list("outcome", flat=True))
    assert outcomes == ["redeemed", "NO_USES_LEFT"]


def test_a_five_visit_pass_decrements_and_refuses_the_sixth(
    channel, venue, venue_staff, tickets, shopper
):
    day = booking.local_today() + dt.timedelta(days=1)
    buy(shopper_gql(shopper), channel, tickets["pass"], date=day)
    voucher = TourismVoucher.objects.get()
    TourismVoucher.objects.filter(pk=voucher.pk).update(
        valid_from=timezone.now() - dt.timedelta(hours=1)
    )
    lefts = [
        redeem(venue_staff, venue, voucher.code)["tourismVoucher"]["usesLeft"] for _ in range(5)
    ]
    assert lefts == [4, 3, 2, 1, 0]
    assert redeem(venue_staff, venue, voucher.code)["errors"][0]["code"] == "NO_USES_LEFT"


def test_refusals_name_why(venue, venue_staff, today_ticket):
    wrong_check = today_ticket.code[:-1] + ("2" if today_ticket.code[-1] != "2" else "3")
    assert redeem(venue_staff, venue, wrong_check)["errors"][0]["code"] == "INVALID_CODE"
    assert redeem(venue_staff, venue, "")["errors"][0]["code"] == "REQUIRED"
    TourismVoucher.objects.filter(pk=today_ticket.pk).update(
        valid_from=timezone.now() + dt.timedelta(days=1),
        valid_until=timezone.now() + dt.timedelta(days=2),
    )
    assert redeem(venue_staff, venue, today_ticket.code)["errors"][0]["code"] == "NOT_YET_VALID"
    TourismVoucher.objects.filter(pk=today_ticket.pk).update(
        valid_from=timezone.now() - dt.timedelta(days=2),
        valid_until=timezone.now() - dt.timedelta(seconds=1),
    )
    assert redeem(venue_staff, venue, today_ticket.code)["errors"][0]["code"] == "EXPIRED"
    TourismVoucher.objects.filter(pk=today_ticket.pk).update(status=TourismVoucherStatus.REFUNDED)
    assert redeem(venue_staff, venue, today_ticket.code)["errors"][0]["code"] == "REFUNDED"
    assert not TourismRedemption.objects.exists()
    assert RedemptionAttempt.objects.count() == 5


def test_staff_of_venue_b_can_neither_see_nor_redeem_venue_a_vouchers(
    venue, other_venue, today_ticket
):
    b_staff = UserFactory(email="b@example.com")
    VenueStaff.objects.create(venue=other_venue, user=b_staff)
    # Their own venue: the voucher of A is reported exactly like a code that does not exist.
    result = redeem(b_staff, other_venue, today_ticket.code)
    assert result["errors"][0]["code"] == "WRONG_VENUE"
    # Venue A named directly: not theirs, NOT_FOUND, nothing about the voucher.
    result = redeem(b_staff, venue, today_ticket.code)
    assert result["errors"][0]["code"] == "NOT_FOUND"
    assert result["tourismVoucher"] is None
    data = (
        shopper_gql(b_staff)
        .post(VENUE_VOUCHERS, {"venue": venue_id(venue), "code": today_ticket.code})
        .json()
    )
    assert data["errors"][0]["extensions"]["exception"]["code"] == "NOT_FOUND"
    own = shopper_gql(b_staff).query(VENUE_VOUCHERS, {"venue": venue_id(other_venue)})
    assert own["venueVouchers"] == []
    node = shopper_gql(b_staff).query(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("TourismVoucher", today_ticket.pk)},
    )
    assert node["node"] is None
    today_ticket.refresh_from_db()
    assert today_ticket.uses_count == 0


def test_a_retry_with_the_same_idempotency_key_redeems_once(channel, venue, venue_staff, tickets):
    day = booking.local_today() + dt.timedelta(days=1)
    buy(shopper_gql(), channel, tickets["pass"], date=day)
    voucher = TourismVoucher.objects.get()
    TourismVoucher.objects.filter(pk=voucher.pk).update(
        valid_from=timezone.now() - dt.timedelta(hours=1)
    )
    first = redeem(venue_staff, venue, voucher.code, key="scan-1")
    retry = redeem(venue_staff, venue, voucher.code, key="scan-1")
    assert first["repeated"] is False and retry["repeated"] is True
    assert retry["redemption"]["id"] == first["redemption"]["id"]
    voucher.refresh_from_db()
    assert voucher.uses_count == 1
    assert (
        redeem(venue_staff, venue, voucher.code, key="scan-2")["tourismVoucher"]["usesCount"] == 2
    )


def test_undo_within_the_window_gives_the_use_back_and_is_limited(venue, venue_staff, today_ticket):
    gql = shopper_gql(venue_staff)
    first = redeem(venue_staff, venue, today_ticket.code)
    missing_reason = gql.query(UNDO, {"id": first["redemption"]["id"], "reason": " "})
    assert missing_reason["tourismVoucherRedemptionUndo"]["errors"][0]["code"] == "REQUIRED"
    undone = gql.query(UNDO, {"id": first["redemption"]["id"], "reason": "扫错了"})[
        "tourismVoucherRedemptionUndo"
    ]
    assert undone["errors"] == []
    assert undone["tourismVoucher"] == {"status": "VALID", "usesCount": 0}
    assert undone["redemption"]["undoReason"] == "扫错了"
    twice = gql.query(UNDO, {"id": first["redemption"]["id"], "reason": "再撤"})
    assert twice["tourismVoucherRedemptionUndo"]["errors"][0]["code"] == "ALREADY_UNDONE"
    second = redeem(venue_staff, venue, today_ticket.code)
    gql.query(UNDO, {"id": second["redemption"]["id"], "reason": "又扫错了"})
    third = redeem(venue_staff, venue, today_ticket.code)
    limited = gql.query(UNDO, {"id": third["redemption"]["id"], "reason": "第三次"})
    assert limited["tourismVoucherRedemptionUndo"]["errors"][0]["code"] == "UNDO_LIMIT_REACHED"


def test_undo_after_the_window_is_refused(venue, venue_staff, today_ticket):
    first = redeem(venue_staff, venue, today_ticket.code)
    TourismRedemption.objects.update(
        redeemed_at=timezone.now() - redemption.UNDO_WINDOW - dt.timedelta(seconds=1)
    )
    result = shopper_gql(venue_staff).query(
        UNDO, {"id": first["redemption"]["id"], "reason": "扫错了"}
    )["tourismVoucherRedemptionUndo"]
    assert result["errors"][0]["code"] == "UNDO_WINDOW_PASSED"
    today_ticket.refresh_from_db()
    assert today_ticket.uses_count == 1


def test_another_venue_cannot_undo(venue, other_venue, venue_staff, today_ticket):
    first = redeem(venue_staff, venue, today_ticket.code)
    b_staff = UserFactory(email="b2@example.com")
    VenueStaff.objects.create(venue=other_venue, user=b_staff)
    result = shopper_gql(b_staff).query(UNDO, {"id": first["redemption"]["id"], "reason": "x"})[
        "tourismVoucherRedemptionUndo"
    ]
    assert result["errors"][0]["code"] == "NOT_FOUND"


def test_repeated_failures_from_one_account_are_throttled(venue, venue_staff, today_ticket):
    for _ in range(redemption.REDEMPTION_FAILURE_LIMIT):
        assert redeem(venue_staff, venue, "22222222222")["errors"][0]["code"] == "INVALID_CODE"
    # Even the right code is refused now; another account is not affected.
    assert redeem(venue_staff, venue, today_ticket.code)["errors"][0]["code"] == (
        "TOO_MANY_ATTEMPTS"
    )
    colleague = UserFactory(email="colleague@example.com")
    VenueStaff.objects.create(venue=venue, user=colleague)
    assert redeem(colleague, venue, today_ticket.code)["errors"] == []
    # The window passes: the first account may redeem again.
    RedemptionAttempt.objects.update(
        at=timezone.now() - redemption.REDEMPTION_FAILURE_WINDOW - dt.timedelta(seconds=1)
    )
    assert redeem(venue_staff, venue, today_ticket.code)["errors"][0]["code"] == "NO_USES_LEFT"


def test_anonymous_and_shoppers_cannot_redeem(venue, today_ticket, shopper):
    assert redeem(None, venue, today_ticket.code)["errors"][0]["code"] == "NOT_FOUND"
    assert redeem(shopper, venue, today_ticket.code)["errors"][0]["code"] == "NOT_FOUND"
    today_ticket.refresh_from_db()
    assert today_ticket.uses_count == 0
