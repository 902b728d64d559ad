"""The dashboard on a 375 px phone, in Chromium, on the seeded county: the county office's demo
account signs in, the summary shows the ten targets with the demonstration mark and nothing
scrolls sideways; a target page draws its chart and keeps its wide table scrolling inside its
own box. Screenshots `county-<nn>-….png` illustrate docs/guides/county-office.md
(BROWSER_SCREENSHOTS=docs/guides/img)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_375 = {"width": 375, "height": 812}


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_county_office_reads_the_targets_on_a_phone(browser, seeded, screenshots):
    context, page = open_page(browser, viewport=PHONE_375)
    try:
        page.goto(seeded + "/dashboard/login/?next=/county/targets/")
        page.fill("input[name=username]", "county-office@guanyun.example")
        page.fill("input[name=password]", "county-demo-2026")
        page.locator("[type=submit]").click()
        page.wait_for_url(re.compile(r"/county/targets/$"))
        assert page.locator("li.card").count() == 10
        assert page.locator("svg.spark").count() == 10
        assert page.get_by_text("示例数据").count() >= 1
        assert _fits(page)
        page.screenshot(path=screenshots / "county-01-targets-summary.png")

        page.locator("#target-retail_growth h2 a").click()
        page.wait_for_url(re.compile(r"/county/targets/retail_growth/"))
        assert page.locator("svg.chart .target-line").count() == 1
        assert page.locator("table tbody tr").count() >= 1
        assert _fits(page)
        page.screenshot(path=screenshots / "county-02-target-retail-growth.png", full_page=True)
    finally:
        context.close()
