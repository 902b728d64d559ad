"""In Chromium on a phone: the seeded flash sale on /flash-sale/, rice into the cart, the
seeded code YISHAN10 applied in the cart's voucher box, a guest checkout with pickup at the
village station and the dummy payment, and the discount on the order page and in the Order
row. Screenshots: `voucher-<nn>-<step>.png`."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from backend.discount.models import DiscountFunding, OrderDiscount, OrderDiscountType
from backend.order.models import Order
from tests.browser.conftest import PHONE, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


def test_voucher_applied_in_the_cart_is_on_the_order(browser, seeded, screenshots):
    context, page = open_page(browser, viewport=PHONE)
    shots = iter(range(1, 20))

    def shot(step: str) -> None:
        _fits(page)
        page.screenshot(path=screenshots / f"voucher-{next(shots):02d}-{step}.png", full_page=True)

    try:
        # The seeded flash sale, on the page the footer links to.
        page.goto(seeded + "/flash-sale/")
        sale = page.locator(".flash-sale", has_text="东王集大米").first
        assert "¥39.90" in sale.inner_text() and "每人限购 2 件" in sale.inner_text()
        shot("flash-sale")

        page.goto(seeded + "/p/dongwangji-rice/")
        page.fill("#quantity", "2")
        page.get_by_role("button", name="加入购物车").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        # 2 × ¥29.90 at the running campaign's 9折 = ¥53.82.
        assert "¥53.82" in page.locator("main").inner_text()

        page.fill("#voucher-code", "nope")
        page.locator(".voucher-form").get_by_role("button", name="使用").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        assert page.locator("#voucher-error").inner_text() == "没有这个优惠券码。"
        shot("cart-refused")

        page.fill("#voucher-code", "yishan10")
        page.locator(".voucher-form").get_by_role("button", name="使用").click()
        page.wait_for_url(re.compile(r"/cart/$"))
        totals = page.locator("dl.totals").inner_text()
        assert "优惠券 YISHAN10" in totals and "−¥10.00" in totals
        assert page.locator("dl.totals .total").inner_text() == "¥43.82"
        shot("cart-voucher")

        page.goto(seeded + "/checkout/")
        page.wait_for_url(re.compile(r"/checkout/contact/$"))
        page.fill("#id_phone", "13912345601")
        page.get_by_role("button", name="下一步").click()
        page.wait_for_url(re.compile(r"/checkout/address/$"))
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
        assert "已使用优惠券 YISHAN10" in page.locator(".voucher-box").inner_text()
        assert "优惠券 YISHAN10" in page.locator(".checkout-summary").inner_text()
        shot("review")
        page.get_by_role("button", name=re.compile("^提交订单")).click()

        page.wait_for_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
        order = Order.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[1])
        totals = page.locator("dl.totals").inner_text()
        assert "优惠券 YISHAN10" in totals and "−¥10.00" in totals
        assert "丰收节地标好物9折" in totals
        shot("order")
        assert order.voucher_code == "YISHAN10"
        voucher = OrderDiscount.objects.get(order=order, type=OrderDiscountType.VOUCHER)
        assert voucher.amount == Decimal("10.00")
        assert voucher.funded_by == DiscountFunding.PLATFORM
        assert order.total_gross_amount == Decimal("43.82") + order.shipping_price_gross_amount
    finally:
        context.close()
