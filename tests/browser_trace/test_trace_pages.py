"""Traceability on a phone (390×844), on the seeded county: the shopper follows the product
page's link to the batch's trace page; the cooperative's batch list, batch page and pack label;
the inspector's home, batch page and report. Every page must fit the screen's width; each
step's screenshot is kept as `trace-<nn>-<step>.png` in the screenshots folder — the guides
(shopper, cooperative, inspector) use them (BROWSER_SCREENSHOTS=docs/guides/img)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from backend.trace.models import Batch
from backend.vendors.models import VendorStaff
from tests.browser.conftest import PHONE, open_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
        self.page.screenshot(path=self.folder / f"trace-{self.count:02d}-{step}.png")
        self.page.set_viewport_size(PHONE)


def signed_in(context, base: str, user) -> None:
    """The browser carries the session of `user` (signed in by Django's test client)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])


def test_trace_pages_on_a_phone(browser, seeded, screenshots):
    batch = Batch.objects.get(variant__product__name="东王集大米")
    context, page = open_page(browser, viewport=PHONE)
    steps = Steps(page, screenshots)
    try:
        page.goto(f"{seeded}/p/{batch.variant.product.slug}/")
        page.get_by_role("link", name="查看产品追溯").click()
        page.wait_for_url(f"**/trace/{batch.code}/")
        assert page.get_by_role("heading", name="流转记录").is_visible()
        assert "东王集镇物流中转服务站" in page.content()
        steps.check("shopper-trace-page")
        page.goto(f"{seeded}/trace/FORGED1234/")
        assert "查不到这个追溯码" in page.content()
        steps.check("unknown-code")
    finally:
        context.close()

    owner = UserFactory(phone="+8613900008888", first_name="东王集负责人")
    VendorStaff.objects.create(vendor=batch.vendor, user=owner, role="owner")
    context, page = open_page(browser, viewport=PHONE)
    steps.page = page
    try:
        signed_in(context, seeded, owner)
        page.goto(f"{seeded}/trace/mine/")
        assert batch.lot_number in page.content()
        steps.check("vendor-batches")
        page.goto(f"{seeded}/trace/mine/{batch.code}/")
        steps.check("vendor-batch")
        page.goto(f"{seeded}/trace/mine/new/")
        steps.check("vendor-new-batch")
    finally:
        context.close()

    inspector = get_user_model().objects.get(email="inspector@guanyun.example")
    context, page = open_page(browser, viewport=PHONE)
    steps.page = page
    try:
        signed_in(context, seeded, inspector)
        page.goto(f"{seeded}/inspect/")
        steps.check("inspector-home")
        page.fill("#code", batch.code)
        page.get_by_role("button", name="查找批次").click()
        page.wait_for_url(f"**/inspect/batch/{batch.code}/")
        assert "哈希链完整" in page.content()
        steps.check("inspector-batch")
        page.goto(f"{seeded}/inspect/report/")
        steps.check("inspector-report")
    finally:
        context.close()
