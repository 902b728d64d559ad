"""The zone on a phone and the county office's report, in Chromium, on the seeded county: the
home page's 助农专区 tile leads to /poverty-zone/ (counters with the progress bar, certified
products, stories), a product from the zone shows its badge and the mechanism in plain words,
nothing scrolls sideways at 390 px; a zone staff member signs in to the dashboard and opens the
report. Screenshots `poverty-<nn>-<step>.png` illustrate docs/guides/county-office.md
(BROWSER_SCREENSHOTS=docs/guides/img)."""

from __future__ import annotations

import re

import pytest

from backend.poverty.seed import poverty_staff_group
from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_shopper_finds_the_zone_and_a_county_officer_reads_the_report(
    browser, seeded, screenshots
):
    context, page = open_page(browser, viewport=PHONE)
    try:
        page.goto(seeded + "/")
        page.locator(".tile-zone").click()
        page.wait_for_url(re.compile(r"/poverty-zone/$"))
        assert page.locator("h1").inner_text() == "扶贫专区"
        assert page.locator("progress.zone-progress").count() == 1
        assert page.locator(".zone-figures strong").first.inner_text() != "0"
        assert page.locator(".grid .card").count() == 4
        assert page.get_by_text("藕塘村：一池好藕").count() == 1
        assert no_horizontal_overflow(page)
        page.screenshot(path=screenshots / "poverty-01-zone.png", full_page=True)

        page.locator(".zone-mechanisms").get_by_role("link", name="小伊浅水藕").click()
        page.wait_for_url(re.compile(r"/p/xiaoyi-lotus-root/$"))
        assert page.locator(".summary .badge-poverty").count() == 1
        assert "收购价每公斤 3.2 元" in page.locator(".poverty-mechanism").inner_text()
        assert no_horizontal_overflow(page)
        page.screenshot(path=screenshots / "poverty-02-product.png")
    finally:
        context.close()

    officer = UserFactory(is_staff=True, email="fupin@example.com")
    officer.groups.add(poverty_staff_group())
    context, page = open_page(browser, viewport=DESKTOP)
    try:
        page.goto(seeded + "/dashboard/login/?next=/dashboard/poverty-zone/report/")
        page.fill("input[name=username]", "fupin@example.com")
        page.fill("input[name=password]", "secret-password-1")
        page.locator("[type=submit]").click()
        page.wait_for_url(re.compile(r"/dashboard/poverty-zone/report/$"))
        assert page.locator("meter").count() >= 12
        assert page.get_by_text("经济薄弱村覆盖").count() >= 1
        page.screenshot(path=screenshots / "poverty-03-report.png", full_page=True)

        page.goto(seeded + "/dashboard/poverty/household/")
        assert page.get_by_text("170****0001").count() == 1  # masked in the list
        assert page.get_by_text("17000000001").count() == 0
        page.screenshot(path=screenshots / "poverty-04-registry.png")
    finally:
        context.close()
