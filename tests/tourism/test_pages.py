"""The venue desk (/venue/) and the shopper's tourism pages (/tourism/), through Django's test
client: what staff and shoppers see and what their forms do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from backend.brand.models import PublicBrand
from backend.tourism import booking, codes
from backend.tourism.models import (
    Capacity,
    RedemptionAttempt,
    TourismRedemption,
    TourismVoucher,
    VenueStaff,
)
from tests.factories import UserFactory
from tests.tourism.conftest import buy, shopper_gql

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(db):
    return PublicBrand.objects.create(
        name="伊山伊水", slug="yishan-yishui", county_name="灌云县", county_code="320723"
    )


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.com")


@pytest.fixture
def ticket_today(channel, tickets, shopper):
    tickets["rules"].same_day_cutoff = None
    tickets["rules"].save(update_fields=["same_day_cutoff"])
    _, result = buy(shopper_gql(shopper), channel, tickets["adult"], date=booking.local_today())
    assert result["errors"] == []
    return TourismVoucher.objects.get()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_type_a_code_see_what_it_is_for_and_redeem_it(venue, venue_staff, ticket_today):
    client = logged_in(venue_staff)
    home = client.get(reverse("venuedesk:home"))
    scan_url = reverse("venuedesk:scan", args=[venue.pk])
    assert home.status_code == 302 and home["Location"] == scan_url
    page = client.get(scan_url)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "tourism/scan.js" in page.content.decode()
    response = client.post(scan_url, {"code": codes.display(ticket_today.code).lower()})
    voucher_url = reverse("venuedesk:voucher", args=[venue.pk, ticket_today.code])
    assert response["Location"] == voucher_url
    page = client.get(voucher_url).content.decode()
    assert "大伊山景区门票" in page and "成人票" in page and "确认核销" in page
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(voucher_url, {"idempotency_key": key})
    client.post(voucher_url, {"idempotency_key": key})  # a double tap
    assert TourismRedemption.objects.count() == 1
    page = client.get(voucher_url).content.decode()
    assert "核销成功" in page and "撤销这次核销" in page
    redemption = TourismRedemption.objects.get()
    client.post(reverse("venuedesk:undo", args=[venue.pk, redemption.pk]), {"reason": "扫错了"})
    ticket_today.refresh_from_db()
    assert ticket_today.uses_count == 0


def test_a_wrong_code_is_shown_next_to_the_field_and_logged(venue, venue_staff, ticket_today):
    client = logged_in(venue_staff)
    wrong = ticket_today.code[:-1] + ("2" if ticket_today.code[-1] != "2" else "3")
    page = client.post(reverse("venuedesk:scan", args=[venue.pk]), {"code": wrong})
    assert page.status_code == 200
    assert "券码有误，请核对后重新输入。" in page.content.decode()
    assert RedemptionAttempt.objects.get().outcome == "INVALID_CODE"


def test_another_venue_desk_is_404_and_its_vouchers_unknown(
    venue, other_venue, venue_staff, ticket_today
):
    b_staff = UserFactory(email="b@example.com")
    VenueStaff.objects.create(venue=other_venue, user=b_staff)
    client = logged_in(b_staff)
    assert client.get(reverse("venuedesk:scan", args=[venue.pk])).status_code == 404
    assert (
        client.get(reverse("venuedesk:voucher", args=[venue.pk, ticket_today.code])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("venuedesk:voucher", args=[other_venue.pk, ticket_today.code])
        ).status_code
        == 404
    )
    page = client.post(
        reverse("venuedesk:scan", args=[other_venue.pk]), {"code": ticket_today.code}
    )
    assert "本场所没有这张券。" in page.content.decode()
    # A shopper is no staff at all.
    assert (
        logged_in(UserFactory(email="s@example.com")).get(reverse("venuedesk:home")).status_code
        == 403
    )


def test_the_report_shows_sales_redemptions_and_settlement(venue, venue_staff, ticket_today):
    page = logged_in(venue_staff).get(reverse("venuedesk:report", args=[venue.pk]))
    text = page.content.decode()
    assert "¥57.60" in text  # 60.00 less 4% commission
    assert "¥60.00" in text


def test_the_venues_page_shows_availability_for_the_chosen_date(brand, channel, tickets):
    day = booking.local_today() + dt.timedelta(days=2)
    Capacity.objects.filter(tourism_product=tickets["rules"], date=day).update(sold=7)
    page = Client().get(reverse("tourism:venues"), {"date": day.isoformat()})
    text = page.content.decode()
    assert page.status_code == 200
    assert "大伊山景区" in text and "余 13" in text
    assert Client().get(reverse("tourism:venues"), {"date": "nonsense"}).status_code == 200


def test_booking_from_the_venue_page_puts_the_dated_line_in_the_cart(brand, channel, tickets):
    client = Client()
    venue_page = client.get(reverse("tourism:venue", args=["dayishan"])).content.decode()
    assert "未来 30 天余票" in venue_page
    day = booking.local_today() + dt.timedelta(days=3)
    response = client.post(
        reverse("tourism:book", args=[tickets["rules"].product.slug]),
        {"variant": tickets["child"].pk, "quantity": 2, "visit_date": day.isoformat()},
    )
    assert response["Location"] == reverse("storefront:cart")
    from backend.checkout.models import CheckoutLine

    line = CheckoutLine.objects.get()
    assert (line.variant_id, line.quantity, line.visit_date) == (tickets["child"].pk, 2, day)


def test_a_refused_booking_writes_nothing(brand, channel, tickets):
    client = Client()
    response = client.post(
        reverse("tourism:book", args=[tickets["rules"].product.slug]),
        {"variant": tickets["child"].pk, "quantity": 2, "visit_date": ""},
        follow=True,
    )
    assert "请为“大伊山景区门票”选择游览日期。" in response.content.decode()
    from backend.checkout.models import CheckoutLine

    assert not CheckoutLine.objects.exists()


def test_my_vouchers_show_the_code_the_qr_and_a_refund(brand, channel, tickets, shopper):
    day = booking.local_today() + dt.timedelta(days=5)
    buy(shopper_gql(shopper), channel, tickets["adult"], date=day)
    voucher = TourismVoucher.objects.get()
    client = logged_in(shopper)
    listing = client.get(reverse("tourism:my-vouchers")).content.decode()
    assert reverse("tourism:voucher-qr", args=[voucher.code]) in listing
    detail = client.get(reverse("tourism:voucher", args=[voucher.code])).content.decode()
    assert codes.display(voucher.code) in detail and "现在退订可全额退 ¥60.00" in detail
    qr = client.get(reverse("tourism:voucher-qr", args=[voucher.code]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert Client().get(reverse("tourism:voucher-qr", args=["NOTACODE"])).status_code == 404
    # Someone else cannot open it.
    other = logged_in(UserFactory(email="o@example.com"))
    assert other.get(reverse("tourism:voucher", args=[voucher.code])).status_code == 404
    client.post(reverse("tourism:voucher-refund", args=[voucher.code]), {"reason": ""})
    voucher.refresh_from_db()
    assert voucher.status == "refunded"
