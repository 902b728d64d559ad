"""A shopper and a gate attendant on phones (390×844), on the seeded county: the tourism page
with its date picker, a venue's calendar, the shopper's voucher with its QR code; the venue
desk's sign-in, the scan page (typed code: headless Chromium has no camera), what the voucher is
for, the redemption and the day report. Every page must fit the screen's width; the screenshots
(`tourism-<nn>-<step>.png`) illustrate docs/guides/venue-staff.md and docs/guides/shopper.md
(BROWSER_SCREENSHOTS=docs/guides/img)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.tourism import booking, codes
from backend.tourism.issuance import issue_vouchers
from backend.tourism.models import TourismVoucher
from tests.browser.conftest import PHONE, open_page
from tests.factories import UserFactory, order_with_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "shopper-demo-2026"


class Steps:
    def __init__(self, page, folder) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def check(self, step: str) -> None:
        self.count += 1
        self.page.wait_for_load_state()
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{step}: {widths[0]} px wide on a {widths[1]} px screen"
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size(
            {"width": PHONE["width"], "height": max(height, PHONE["height"])}
        )
        self.page.screenshot(path=self.folder / f"tourism-{self.count:02d}-{step}.png")
        self.page.set_viewport_size(PHONE)


def _voucher_for(shopper) -> TourismVoucher:
    """A paid order of a 伊芦山茶园民宿 night (open-dated: usable today) for the shopper."""
    channel = Channel.objects.get(slug="guanyun")
    variant = ProductVariant.objects.get(sku="YL-STAY-NIGHT")
    order = order_with_lines(
        channel=channel, lines=[(variant, 1)], allocate_stock=False, user=shopper
    )
    line = order.lines.get()
    line.visitor_names = ["王小梅"]
    line.product_name, line.variant_name = variant.product.name, variant.name
    line.save(update_fields=["visitor_names", "product_name", "variant_name"])
    with transaction.atomic():
        (voucher,) = issue_vouchers(order)
    return voucher


def test_a_shopper_and_a_gate_attendant_on_phones(browser, seeded, screenshots):
    shopper = UserFactory(phone="+8613800000077", email="xiaomei@example.com")
    shopper.set_password(PASSWORD)
    shopper.save()
    voucher = _voucher_for(shopper)
    # The farm stay's staff: the seeded demo account works at 大伊山 and 伊甸园; add the farm.
    from backend.account.models import User
    from backend.tourism.models import Venue, VenueStaff

    gate = User.objects.get(email="gate@dayishan.example")
    VenueStaff.objects.create(venue=Venue.objects.get(slug="yilu-tea-farm-stay"), user=gate)

    context, page = open_page(browser, viewport=PHONE)
    steps = Steps(page, screenshots)
    try:
        # Tomorrow: today's tickets close at the venue's cut-off (大伊山: 14:00 local time).
        tomorrow = booking.local_today() + dt.timedelta(days=1)
        page.goto(f"{seeded}/tourism/?date={tomorrow.isoformat()}")
        assert "大伊山景区" in page.content() and "余 500" in page.content()
        steps.check("venues")

        page.click("text=伊甸园景区")
        page.wait_for_url("**/tourism/yidianyuan/**")
        assert "未来 30 天余票" in page.content()
        steps.check("venue-calendar")

        page.goto(f"{seeded}/account/login/?next=/tourism/vouchers/")
        page.fill("#id_phone", "13800000077")
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url("**/tourism/vouchers/")
        steps.check("my-vouchers")
        page.click(".voucher-card")
        page.wait_for_url(f"**/tourism/vouchers/{voucher.code}/")
        assert codes.display(voucher.code) in page.content()
        assert page.locator(".qr img").evaluate("img => img.naturalWidth") > 0
        steps.check("voucher")
        context.close()

        context, page = open_page(browser, viewport=PHONE)
        steps.page = page
        page.goto(f"{seeded}/venue/")
        page.fill("#id_username", "gate@dayishan.example")
        page.fill("#id_password", "venue-demo-2026")
        steps.check("desk-login")
        page.click("button[type=submit]")
        page.wait_for_url(f"{seeded}/venue/")
        steps.check("desk-venues")
        page.click("text=伊芦山茶园民宿")
        page.wait_for_url("**/venue/*/")
        steps.check("desk-scan")
        page.fill("#id_code", codes.display(voucher.code).lower())
        page.click("form.card button[type=submit]")
        page.wait_for_url(f"**/voucher/{voucher.code}/")
        assert "王小梅" in page.content()
        steps.check("desk-voucher")
        page.click("text=确认核销")
        page.wait_for_selector("text=核销成功")
        steps.check("desk-redeemed")
        voucher.refresh_from_db()
        assert voucher.status == "redeemed"
        page.click("nav.tabs >> text=日报")
        page.wait_for_url("**/report/")
        steps.check("desk-report")
    finally:
        context.close()
