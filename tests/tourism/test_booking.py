"""Booking through the checkout API: dates, cut-off and blackout at exact instants
(Asia/Shanghai), limits, visitor names, no delivery for vouchers, and vouchers issued on payment."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from backend.order.models import Order
from backend.tourism import booking, codes
from backend.tourism.error_codes import TourismErrorCode
from backend.tourism.models import (
    BlackoutDate,
    Capacity,
    TourismVoucher,
    TourismVoucherStatus,
    VenueLedgerEntry,
)
from tests.tourism.conftest import buy

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at_local(day: dt.date, hour: int, minute: int = 0, second: int = 0, micro: int = 0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=SHANGHAI)


def _check(rules, day, *, at, quantity=1):
    booking.check_booking(
        rules, visit_date=day, slot="", quantity=quantity, visitor_names=[], at=at
    )


def _code(excinfo) -> str:
    return next(iter(excinfo.value.error_dict.values()))[0].code


def test_same_day_tickets_close_at_the_cutoff_instant_in_shanghai(tickets):
    rules = tickets["rules"]
    today = booking.local_today()
    _check(rules, today, at=at_local(today, 13, 59, 59, 999999))
    with pytest.raises(ValidationError) as excinfo:
        _check(rules, today, at=at_local(today, 14))
    assert _code(excinfo) == TourismErrorCode.BOOKING_CLOSED
    # 14:00 in Shanghai is 06:00 UTC: the UTC clock reading must not matter.
    utc = at_local(today, 14).astimezone(dt.UTC)
    assert utc.hour == 6
    with pytest.raises(ValidationError):
        _check(rules, today, at=utc)
    # Tomorrow stays open all day today.
    _check(rules, today + dt.timedelta(days=1), at=at_local(today, 23, 59, 59))


def test_yesterday_and_beyond_the_window_are_closed(tickets):
    rules = tickets["rules"]
    today = booking.local_today()
    now = at_local(today, 9)
    for day in (today - dt.timedelta(days=1), today + dt.timedelta(days=61)):
        with pytest.raises(ValidationError) as excinfo:
            _check(rules, day, at=now)
        assert _code(excinfo) == TourismErrorCode.BOOKING_CLOSED


def test_a_blackout_date_is_refused_and_the_next_day_is_not(tickets):
    rules = tickets["rules"]
    day = booking.local_today() + dt.timedelta(days=3)
    BlackoutDate.objects.create(tourism_product=rules, date=day, reason="设备检修")
    # The blackout is the whole local day: from 00:00:00 to 23:59:59.999999 Shanghai time.
    with pytest.raises(ValidationError) as excinfo:
        _check(rules, day, at=at_local(day - dt.timedelta(days=1), 23, 59, 59, 999999))
    assert _code(excinfo) == TourismErrorCode.BLACKOUT_DATE
    _check(rules, day + dt.timedelta(days=1), at=at_local(day - dt.timedelta(days=1), 23, 59))
    days = {a.date: a for a in booking.availability(rules, day, day + dt.timedelta(days=1))}
    assert days[day].reason == TourismErrorCode.BLACKOUT_DATE and not days[day].is_bookable
    assert days[day + dt.timedelta(days=1)].is_bookable


def test_buying_a_dated_ticket_issues_one_voucher_per_unit_without_delivery(
    channel, tickets, django_capture_on_commit_callbacks
):
    from tests.tourism.conftest import shopper_gql

    gql = shopper_gql()
    day = booking.local_today() + dt.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        _, result = buy(gql, channel, tickets["adult"], quantity=3, date=day)
    assert result["errors"] == [], result
    assert result["order"]["chargeStatus"] == "FULL"
    order = Order.objects.get(number=result["order"]["number"])
    assert order.delivery_method_id == ""
    vouchers = list(TourismVoucher.objects.filter(order=order).order_by("unit"))
    assert [v.unit for v in vouchers] == [1, 2, 3]
    assert len({v.code for v in vouchers}) == 3
    assert all(codes.is_valid(v.code) for v in vouchers)
    assert all(v.status == TourismVoucherStatus.VALID for v in vouchers)
    assert vouchers[0].valid_from == at_local(day, 0)
    assert vouchers[0].valid_until == at_local(day + dt.timedelta(days=1), 0)
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 3
    ledger = VenueLedgerEntry.objects.filter(voucher__order=order)
    assert sorted(str(e.amount) for e in ledger) == ["60.00", "60.00", "60.00"]
    assert sorted(str(e.commission) for e in ledger) == ["2.40", "2.40", "2.40"]


def test_a_family_ticket_takes_three_places(channel, tickets):
    from tests.tourism.conftest import shopper_gql

    day = booking.local_today() + dt.timedelta(days=1)
    Capacity.objects.filter(tourism_product=tickets["rules"], date=day).update(capacity=5)
    _, first = buy(shopper_gql(), channel, tickets["family"], date=day)
    assert first["errors"] == []
    _, second = buy(shopper_gql(), channel, tickets["family"], date=day)
    assert second["errors"][0]["code"] == "SOLD_OUT"
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 3


def test_missing_date_and_names_are_typed_errors_that_write_nothing(channel, tickets, meal):
    from tests.tourism.conftest import shopper_gql

    _, result = buy(shopper_gql(), channel, tickets["adult"], date=None)
    assert result["errors"] == [
        {"field": "visitDate", "message": "请为“大伊山景区门票”选择游览日期。", "code": "REQUIRED"}
    ]
    _, result = buy(shopper_gql(), channel, meal["variant"], quantity=2, names=["王小梅"])
    assert result["errors"][0]["code"] == "REQUIRED"
    assert result["errors"][0]["field"] == "visitorNames"
    assert not Order.objects.exists()
    assert not TourismVoucher.objects.exists()


def test_a_checkout_without_a_date_cannot_complete(channel, tickets):
    """The date is checked again at completion: a line added but never given a date."""
    from tests.tourism.conftest import COMPLETE, CREATE, PAY, shopper_gql, vid

    gql = shopper_gql()
    created = gql.query(
        CREATE,
        {
            "input": {
                "channel": channel.slug,
                "lines": [{"variantId": vid(tickets["adult"]), "quantity": 1}],
                "phone": "13812345678",
            }
        },
    )["checkoutCreate"]
    checkout_id = created["checkout"]["id"]
    assert created["checkout"]["isShippingRequired"] is False
    assert gql.query(PAY, {"id": checkout_id})["transactionInitialize"]["errors"] == []
    result = gql.query(COMPLETE, {"id": checkout_id})["checkoutComplete"]
    assert result["order"] is None
    assert result["errors"][0]["code"] == "REQUIRED"
    assert not Order.objects.exists()


def test_open_dated_meal_voucher_is_valid_for_its_days_with_names(channel, meal):
    from tests.tourism.conftest import shopper_gql

    _, result = buy(shopper_gql(), channel, meal["variant"], quantity=2, names=["王小梅", "李华"])
    assert result["errors"] == []
    vouchers = list(TourismVoucher.objects.order_by("unit"))
    assert [v.visitor_name for v in vouchers] == ["王小梅", "李华"]
    assert vouchers[0].visit_date is None
    last_day = booking.local_today(vouchers[0].issued_at) + dt.timedelta(days=30)
    assert vouchers[0].valid_until == at_local(last_day + dt.timedelta(days=1), 0)


def test_an_unpaid_order_that_is_cancelled_gives_its_places_back(channel, tickets):
    from django.db import transaction

    from backend.order.services import cancel_order
    from tests.factories import order_with_lines

    day = booking.local_today() + dt.timedelta(days=4)
    order = order_with_lines(
        channel=channel, lines=[(tickets["child"], 2)], paid=False, allocate_stock=False
    )
    lines = list(order.lines.all())
    for line in lines:
        line.visit_date = day
        line.save(update_fields=["visit_date"])
    with transaction.atomic():
        booking.reserve_tourism_capacity(lines)
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 2
    cancel_order(order, user=None)
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 0


def test_the_codes_are_texted_to_the_order_phone_after_payment(channel, tickets, caplog):
    """The task queued on payment (backend.tourism.tasks.send_voucher_sms), run here in
    process, through the SMS backend of the settings (the log in tests, a provider in
    production)."""
    import logging

    from backend.tourism import tasks
    from tests.tourism.conftest import shopper_gql

    caplog.set_level(logging.INFO, logger="backend.account.sms")
    day = booking.local_today() + dt.timedelta(days=2)
    _, result = buy(shopper_gql(), channel, tickets["adult"], quantity=2, date=day)
    assert result["errors"] == []
    order = Order.objects.get(number=result["order"]["number"])
    assert tasks.send_voucher_sms(str(order.pk)) == 2
    texts = [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
    voucher_texts = [t for t in texts if "入园时出示券码或二维码" in t]
    assert len(voucher_texts) == 1
    for voucher in TourismVoucher.objects.all():
        assert codes.display(voucher.code) in voucher_texts[0]
    assert day.isoformat() in voucher_texts[0]


def test_a_mixed_order_ships_its_goods_and_issues_its_vouchers(channel, county, rice, tickets):
    """Rice and a ticket in one cart: the address and delivery are asked for the rice, the
    ticket gets a date; once paid, the rice is allocated and planned as before and the ticket
    becomes a voucher."""
    from backend.inventory.models import Allocation
    from tests.checkout.conftest import DELIVERY, SHIPPING_ADDRESS, in_county_address
    from tests.tourism.conftest import COMPLETE, CREATE, DETAILS, PAY, shopper_gql, vid

    gql = shopper_gql()
    created = gql.query(
        CREATE,
        {
            "input": {
                "channel": channel.slug,
                "lines": [
                    {"variantId": vid(rice), "quantity": 1},
                    {"variantId": vid(tickets["adult"]), "quantity": 1},
                ],
                "phone": "13812345678",
            }
        },
    )["checkoutCreate"]
    checkout_id = created["checkout"]["id"]
    assert created["checkout"]["isShippingRequired"] is True
    ticket_line = created["checkout"]["lines"][1]["id"]
    day = booking.local_today() + dt.timedelta(days=3)
    details = gql.query(DETAILS, {"id": checkout_id, "line": ticket_line, "date": day.isoformat()})[
        "checkoutLineTourismDetailsUpdate"
    ]
    assert details["errors"] == []
    address = gql.query(SHIPPING_ADDRESS, {"id": checkout_id, "address": in_county_address()})
    method = address["checkoutShippingAddressUpdate"]["checkout"]["shippingMethods"][0]["id"]
    gql.query(DELIVERY, {"id": checkout_id, "method": method})
    assert gql.query(PAY, {"id": checkout_id})["transactionInitialize"]["errors"] == []
    result = gql.query(COMPLETE, {"id": checkout_id})["checkoutComplete"]
    assert result["errors"] == []
    order = Order.objects.get(number=result["order"]["number"])
    assert order.delivery_method_id
    rice_line = order.lines.get(variant=rice)
    assert rice_line.is_shipping_required
    assert Allocation.objects.filter(order_line=rice_line).exists()
    voucher = TourismVoucher.objects.get(order=order)
    assert voucher.visit_date == day
    assert not order.lines.get(variant=tickets["adult"]).is_shipping_required


def test_an_order_of_vouchers_only_cannot_be_paid_at_a_station(channel, tickets, settings):
    """No parcel to collect, and vouchers are issued only on payment: refused at completion,
    nothing written."""
    from tests.tourism.conftest import COMPLETE, CREATE, DETAILS, shopper_gql, vid

    settings.PAY_AT_STATION_ENABLED = True
    gql = shopper_gql()
    created = gql.query(
        CREATE,
        {
            "input": {
                "channel": channel.slug,
                "lines": [{"variantId": vid(tickets["adult"]), "quantity": 1}],
                "phone": "13812345678",
            }
        },
    )["checkoutCreate"]
    checkout = created["checkout"]
    day = booking.local_today() + dt.timedelta(days=2)
    gql.query(DETAILS, {"id": checkout["id"], "line": checkout["lines"][0]["id"], "date": str(day)})
    pay = gql.query(
        """mutation($id: ID!) { transactionInitialize(id: $id,
             paymentGateway: {id: "pay_at_station"}) { errors { code } } }""",
        {"id": checkout["id"]},
    )["transactionInitialize"]
    assert pay["errors"] == []
    result = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert result["order"] is None
    assert result["errors"][0]["message"] == "文旅票券需在线支付，不支持到站付款。"
    assert not Order.objects.exists()
    assert Capacity.objects.get(tourism_product=tickets["rules"], date=day).sold == 0
