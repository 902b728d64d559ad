"""The storefront's pages pass axe-core's checks (WCAG 2 A/AA and best practices) with no
violation of impact "serious" or "critical": home, a category listing, a product page, the
cart, the checkout's contact and address steps (also with its errors shown), the login page
and an order page, on a phone-sized screen in Chinese.

axe-core is pinned in tools/axe/package.json (CI runs `npm ci --prefix tools/axe`). The
storefront sends a Content-Security-Policy that forbids inline scripts, so the scanning
browser context bypasses CSP to inject axe; the pages themselves are unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, _serve_media
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (
    Path(__file__).resolve().parents[2]
    / "tools"
    / "axe"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
BLOCKING = {"serious", "critical"}
MOBILE = "13912340003"
PASSWORD = "secret-password-1"  # tests.factories.UserFactory


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (npm ci --prefix tools/axe)")
    return AXE.read_text(encoding="utf-8")


class Scanner:
    """Runs axe on the page as it stands and keeps the blocking violations per page."""

    def __init__(self, page, *, axe_source: str, folder: Path) -> None:
        self.page = page
        self.axe_source = axe_source
        self.folder = folder
        self.found: dict[str, list[dict]] = {}

    def scan(self, name: str) -> None:
        self.page.screenshot(path=self.folder / f"a11y-{name}.png", full_page=True)
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.axe_source)
        results = self.page.evaluate("async () => await axe.run(document)")
        self.found[name] = [
            violation for violation in results["violations"] if violation["impact"] in BLOCKING
        ]

    def report(self) -> str:
        lines = []
        for name, violations in self.found.items():
            for violation in violations:
                lines.append(
                    f"{name}: [{violation['impact']}] {violation['id']}: {violation['help']}"
                    f" ({violation['helpUrl']})"
                )
                for node in violation["nodes"][:5]:
                    lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
                    lines.append(f"      {node['html'][:200]}")
        return "\n".join(lines)


def test_storefront_pages_have_no_serious_accessibility_violations(
    browser, seeded, screenshots, axe_source
):
    UserFactory(phone="+86" + MOBILE)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)
    context.route("**/media/**", _serve_media)
    page = context.new_page()
    axe = Scanner(page, axe_source=axe_source, folder=screenshots)
    try:
        page.goto(seeded + "/")
        axe.scan("home")
        page.goto(seeded + "/c/grain-oil/")
        axe.scan("category")
        page.goto(seeded + "/p/dongwangji-rice/")
        axe.scan("product")
        page.get_by_role("button", name="加入购物车").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        axe.scan("cart")

        page.goto(seeded + "/checkout/")
        page.wait_for_url(re.compile(r"/checkout/contact/$"))
        axe.scan("checkout-contact")
        page.locator("main").get_by_role("link", name="登录", exact=True).click()
        page.wait_for_url(re.compile(r"/account/login/"))
        axe.scan("login")
        page.fill("#id_phone", MOBILE)
        page.fill("#id_password", PASSWORD)
        page.locator("form").get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url(re.compile(r"/checkout/address/$"))
        axe.scan("checkout-address")
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/address/$"))
        axe.scan("checkout-address-errors")

        page.fill("#id_full_name", "王小梅")
        page.select_option("#id_town", label="伊山镇")
        page.select_option("#id_village", label="大伊山村")
        page.fill("#id_street_address", "三组 12 号")
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/delivery/$"))
        page.locator("label[for^=method-]", has_text="大伊山村电商服务站").click()
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/payment/$"))
        page.locator("label.variant", has_text="模拟支付").click()
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/review/$"))
        page.get_by_role("button", name=re.compile("^提交订单")).click()
        page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
        axe.scan("order")
    finally:
        context.close()

    assert axe.found.keys() == {
        "home",
        "category",
        "product",
        "cart",
        "checkout-contact",
        "login",
        "checkout-address",
        "checkout-address-errors",
        "order",
    }
    assert not any(axe.found.values()), (
        "serious or critical accessibility violations:\n" + axe.report()
    )


def test_the_scan_reports_a_serious_violation(browser, screenshots, axe_source):
    """The scan itself works: an image without a text alternative (axe's `image-alt`, critical)
    is reported, so a clean result above means clean pages, not a scan that never ran."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    axe = Scanner(page, axe_source=axe_source, folder=screenshots)
    try:
        page.set_content(
            '<html lang="zh-CN"><title>自检</title><main><img src="x.png"></main></html>'
        )
        axe.scan("self-check")
    finally:
        context.close()
    assert [violation["id"] for violation in axe.found["self-check"]] == ["image-alt"]
    assert "image-alt" in axe.report()
