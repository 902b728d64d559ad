"""A brand manager on the dashboard (desktop, 1280×900) and a shopper on a phone (390×844),
over one seeded county (`manage.py seed_catalog`): the brand profile, the licence queue with the
seeded request and granting it, promotions, vouchers with their codes, flash sales, home sections
with the preview link, campaigns, livestream events and rule collections; then the storefront's
home banner, /brand/, a licensed product's card and page with the struck-through 9折 price, the
running campaign, the livestream pages, /flash-sale/ and the cart with YISHAN10 applied.

Every step asserts what the page must show and keeps a screenshot `brand-<nn>-<step>.png` in the
screenshots folder (tests/browser/conftest.py); docs/guides/brand-manager.md and
docs/guides/shopper.md use them (BROWSER_SCREENSHOTS=docs/guides/img). Phone pages must fit the
390 px width."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from backend.brand.models import BrandLicence, LicenceStatus
from backend.merchandising.models import LivestreamEvent
from tests.browser.conftest import DESKTOP, PHONE, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN = "brand@example.com"
PASSWORD = "Yishan-brand-2026"


class Shots:
    """Numbered screenshots; on the phone the page must fit the screen's width, and the shot
    is the whole page (the screen made as tall as the page, so the sticky tab bar sits below
    the content)."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.count = 0

    def take(self, page, step: str, *, phone: bool = False, whole: bool | None = None) -> None:
        self.count += 1
        page.wait_for_load_state()
        path = self.folder / f"brand-{self.count:02d}-{step}.png"
        if not phone:  # the dashboard: the first screen unless the whole page is asked for
            page.screenshot(path=path, full_page=bool(whole))
            return
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{step}: {widths[0]} px wide on a {widths[1]} px screen"
        if whole is False:  # the first screen only (a long page would be unreadable in the guide)
            page.screenshot(path=path)
            return
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": PHONE["width"], "height": max(height, PHONE["height"])})
        page.screenshot(path=path)
        page.set_viewport_size(PHONE)


def test_brand_manager_dashboard_and_the_shoppers_pages(browser, seeded, screenshots):
    call_command("brand_manager", LOGIN, "--password", PASSWORD, stdout=StringIO())
    requested = BrandLicence.objects.get(
        product__slug="yangji-asparagus", status=LicenceStatus.REQUESTED
    )
    shots = Shots(screenshots)

    # The brand manager, on the dashboard.
    context, page = open_page(browser, viewport=DESKTOP)
    try:
        page.goto(seeded + "/dashboard/login/?next=/dashboard/brand/publicbrand/")
        page.fill("input[name=username]", LOGIN)
        page.fill("input[name=password]", PASSWORD)
        page.locator("[type=submit]").click()
        page.wait_for_url(re.compile(r"/dashboard/brand/publicbrand/$"))
        page.get_by_role("link", name="伊山伊水").first.click()
        page.wait_for_url(re.compile(r"/dashboard/brand/publicbrand/\d+/change/$"))
        assert page.locator("#id_name").input_value() == "伊山伊水"
        assert page.locator("#id_packaging_rules").input_value()
        shots.take(page, "profile")

        page.goto(seeded + "/dashboard/brand/brandlicence/")
        first_row = page.locator("#result_list tbody tr").first
        assert requested.product.name in first_row.inner_text()  # requests come first
        shots.take(page, "licence-queue")

        first_row.locator("input[name=_selected_action]").check()
        page.select_option("select[name=action]", "grant_selected")
        page.fill("input[name=valid_until]", "2099-12-31")
        shots.take(page, "licence-grant")
        page.locator("button[name=index]").click()
        page.wait_for_load_state()
        assert page.get_by_text("已批准 1 项授权").count() == 1
        requested.refresh_from_db()
        assert requested.status == LicenceStatus.ACTIVE
        assert requested.number
        shots.take(page, "licence-granted")

        page.goto(seeded + "/dashboard/discount/promotion/")
        assert page.get_by_text("丰收节地标好物9折").count() >= 1
        assert page.get_by_text("满99减10").count() >= 1
        shots.take(page, "promotions")
        page.get_by_role("link", name="丰收节地标好物9折").first.click()
        page.wait_for_url(re.compile(r"/dashboard/discount/promotion/\d+/change/$"))
        assert page.locator("#id_name").input_value() == "丰收节地标好物9折"
        shots.take(page, "promotion", whole=True)

        page.goto(seeded + "/dashboard/discount/voucher/")
        assert page.get_by_text("伊山伊水十元券").count() >= 1
        shots.take(page, "vouchers")
        page.get_by_role("link", name="伊山伊水十元券").first.click()
        page.wait_for_url(re.compile(r"/dashboard/discount/voucher/\d+/change/$"))
        assert page.locator("input[value=YISHAN10]").count() == 1  # its code, inline
        shots.take(page, "voucher", whole=True)

        page.goto(seeded + "/dashboard/discount/specialprice/")
        assert page.get_by_text("东王集大米限时秒杀").count() >= 1
        shots.take(page, "flash-sales")

        page.goto(seeded + "/dashboard/merchandising/homesection/")
        assert page.get_by_text("年货节 · 灌云好物过大年").count() >= 1
        preview = page.get_by_role("link", name="预览").first
        assert "preview_section=" in (preview.get_attribute("href") or "")
        shots.take(page, "home-sections")

        page.goto(seeded + "/dashboard/merchandising/campaign/")
        assert page.get_by_text("年货节").count() >= 1
        shots.take(page, "campaigns")

        page.goto(seeded + "/dashboard/merchandising/livestreamevent/")
        assert page.get_by_text("燕尾港海鲜直播专场").count() >= 1
        shots.take(page, "livestreams")

        page.goto(seeded + "/dashboard/merchandising/rulecollection/")
        for name in ("地理标志产品", "本周新品", "品牌授权产品"):
            assert page.get_by_text(name).count() >= 1
        shots.take(page, "rule-collections")
    finally:
        context.close()

    # A shopper, on a phone.
    context, page = open_page(browser, viewport=PHONE)
    try:
        page.goto(seeded + "/")
        assert page.locator(".banner", has_text="年货节 · 灌云好物过大年").count() == 1
        shots.take(page, "home", phone=True, whole=False)

        page.goto(seeded + "/brand/")
        assert page.locator("h1").first.inner_text() == "伊山伊水"
        assert page.get_by_text("东王集大米").count() >= 1
        shots.take(page, "brand-page", phone=True)

        # The card: the badge, and the 9折 price next to the struck-through list price.
        card = page.locator(".card", has_text="东王集大米").first
        assert card.locator(".badge-brand").count() == 1
        assert card.locator(".price").inner_text().startswith("¥26.91")
        assert card.locator("del.original-price").inner_text() == "¥29.90"

        page.goto(seeded + "/p/dongwangji-rice/")
        summary = page.locator("main")
        assert summary.locator(".badge-brand").first.inner_text().strip() == "伊山伊水 授权"
        struck = summary.locator("del.original-price").first.inner_text()
        assert struck == "¥29.90"
        assert "¥26.91" in summary.inner_text()  # 9折 of ¥29.90
        shots.take(page, "product", phone=True)

        page.goto(seeded + "/campaigns/nianhuo/")
        assert page.locator("#campaign-name").inner_text() == "年货节"
        offers = page.locator("main").inner_text()
        assert "丰收节地标好物9折" in offers and "满99减10" in offers
        shots.take(page, "campaign", phone=True)

        page.goto(seeded + "/live/")
        assert page.get_by_text("燕尾港海鲜直播专场").count() >= 1
        shots.take(page, "live-list", phone=True)

        event = LivestreamEvent.objects.get(title="燕尾港海鲜直播专场")
        page.goto(seeded + f"/live/{event.pk}/")
        assert page.locator("#live-title").inner_text() == "燕尾港海鲜直播专场"
        assert "直播价 ¥79.00" in page.locator("main").inner_text()
        shots.take(page, "live-event", phone=True)

        page.goto(seeded + "/flash-sale/")
        sale = page.locator(".flash-sale", has_text="东王集大米").first
        assert "¥39.90" in sale.inner_text() and "每人限购 2 件" in sale.inner_text()
        shots.take(page, "flash-sale", phone=True)

        page.goto(seeded + "/p/dongwangji-rice/")
        page.fill("#quantity", "2")
        page.get_by_role("button", name="加入购物车").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        page.fill("#voucher-code", "YISHAN10")
        page.locator(".voucher-form").get_by_role("button", name="使用").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        totals = page.locator("dl.totals").inner_text()
        assert "优惠券 YISHAN10" in totals and "−¥10.00" in totals
        assert page.locator("dl.totals .total").inner_text() == "¥43.82"  # 2 × ¥26.91 − ¥10
        shots.take(page, "cart-voucher", phone=True)
    finally:
        context.close()
