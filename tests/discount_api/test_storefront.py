"""The shopper's side: the voucher box in the cart and the checkout review (plain POST forms,
refusals next to the box in Chinese), the discount rows, the order page's discounts, the
flash-sale page and its badge."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from backend.checkout.models import Checkout
from backend.discount import management
from backend.discount.models import (
    DiscountFunding,
    OrderDiscount,
    OrderDiscountType,
    RewardValueType,
    SpecialPrice,
    VoucherType,
)
from backend.order.models import Order
from tests.storefront_checkout.conftest import add_to_cart, checkout_to_review

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def yishan10(county, brand_manager):
    """¥10 off orders of ¥50 or more, paid by the platform."""
    now = timezone.now()
    return management.create_voucher(
        actor=brand_manager,
        data={
            "name": "伊山伊水十元券",
            "type": VoucherType.ENTIRE_ORDER,
            "discount_value_type": RewardValueType.FIXED,
            "discount_value": Decimal("10"),
            "min_spent_amount": Decimal("50"),
            "start_date": now - timedelta(days=1),
            "end_date": now + timedelta(days=30),
            "funded_by": DiscountFunding.PLATFORM,
            "channels": [county.channel],
        },
        codes=["YISHAN10"],
    )


def _box(html: str) -> str:
    match = re.search(r'<section class="voucher-box".*?</section>', html, re.S)
    assert match, "no voucher box on the page"
    return match.group(0)


def _cart(client) -> str:
    response = client.get("/cart/")
    assert response.status_code == 200
    return response.content.decode()


def test_code_applied_in_the_cart_lowers_the_total(client, county, yishan10):
    add_to_cart(client, county.rice, 4)  # 4 × ¥12.80 = ¥51.20
    response = client.post("/cart/voucher/", {"code": "yishan10", "next": "cart"})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    html = _cart(client)
    assert "已使用优惠券 <strong>YISHAN10</strong>" in _box(html)
    assert "优惠券 YISHAN10" in html and "−¥10.00" in html
    assert "商品原价" in html and "¥51.20" in html
    assert re.search(r'class="total">¥41\.20<', html)
    assert Checkout.objects.get().voucher_code == "YISHAN10"


@pytest.mark.parametrize(
    ("code", "quantity", "message"),
    [
        ("NOPE", 4, "没有这个优惠券码。"),
        ("YISHAN10", 1, "未达到优惠券的最低消费金额。"),
        ("  ", 4, "请输入优惠券码。"),
    ],
    ids=["unknown", "below-minimum", "blank"],
)
def test_refused_code_is_shown_next_to_the_box_and_not_kept(
    client, county, yishan10, code, quantity, message
):
    add_to_cart(client, county.rice, quantity)
    client.post("/cart/voucher/", {"code": code, "next": "cart"})
    box = _box(_cart(client))
    assert message in box
    assert 'role="alert"' in box and 'aria-invalid="true"' in box
    assert f'value="{code.strip()}"' in box  # what the shopper typed stays in the field
    assert Checkout.objects.get().voucher_code == ""
    # The reason is shown once, not on every later visit.
    assert message not in _box(_cart(client))


def test_expired_code_is_refused_with_its_reason(client, county, yishan10):
    yishan10.end_date = timezone.now() - timedelta(minutes=1)
    yishan10.start_date = yishan10.end_date - timedelta(days=2)
    yishan10.save()
    add_to_cart(client, county.rice, 4)
    client.post("/cart/voucher/", {"code": "YISHAN10", "next": "cart"})
    assert "这个优惠券已过期。" in _box(_cart(client))


def test_removing_the_code_restores_the_total(client, county, yishan10):
    add_to_cart(client, county.rice, 4)
    client.post("/cart/voucher/", {"code": "YISHAN10", "next": "cart"})
    response = client.post("/cart/voucher/remove/", {"next": "cart"})
    assert response["Location"] == "/cart/"
    html = _cart(client)
    assert "优惠券 YISHAN10" not in html
    assert re.search(r'class="total">¥51\.20<', html)


def test_box_only_returns_to_its_own_pages(client, county, yishan10):
    add_to_cart(client, county.rice, 4)
    response = client.post("/cart/voucher/", {"code": "X", "next": "https://evil.example/"})
    assert response["Location"] == "/cart/"


def test_review_has_the_box_and_an_order_records_the_voucher(client, county, yishan10):
    add_to_cart(client, county.rice, 4)
    html = checkout_to_review(client, county).content.decode()
    assert 'name="next" value="review"' in _box(html)
    response = client.post("/cart/voucher/", {"code": "YISHAN10", "next": "review"})
    assert response["Location"] == "/checkout/review/"
    html = client.get("/checkout/review/").content.decode()
    assert "优惠券 YISHAN10" in html and "−¥10.00" in html
    response = client.post("/checkout/place/")
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    assert order.voucher_code == "YISHAN10"
    assert order.total_gross_amount == Decimal("41.20")
    discount = OrderDiscount.objects.get(order=order)
    assert (discount.type, discount.amount, discount.funded_by) == (
        OrderDiscountType.VOUCHER,
        Decimal("10.00"),
        DiscountFunding.PLATFORM,
    )
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "优惠券 YISHAN10" in page and "−¥10.00" in page
    assert "商品原价" in page and "¥51.20" in page


@pytest.fixture
def flash_sales(county, brand_manager):
    now = timezone.now()
    running = management.create_flash_sale(
        actor=brand_manager,
        data={
            "name": "大米秒杀",
            "channel": county.channel,
            "variant": county.rice,
            "price_amount": Decimal("9.90"),
            "starts_at": now - timedelta(hours=1),
            "ends_at": now + timedelta(hours=5),
            "quantity_limit": 50,
            "per_customer_limit": 2,
            "funded_by": DiscountFunding.BRAND,
        },
    )
    upcoming = management.create_flash_sale(
        actor=brand_manager,
        data={
            "name": "小米秒杀",
            "channel": county.channel,
            "variant": county.millet,
            "price_amount": Decimal("5.00"),
            "starts_at": now + timedelta(days=1),
            "ends_at": now + timedelta(days=1, hours=2),
            "funded_by": DiscountFunding.BRAND,
        },
    )
    return running, upcoming


def test_flash_sale_page_lists_running_and_upcoming_sales(client, flash_sales):
    running, upcoming = flash_sales
    SpecialPrice.objects.filter(pk=running.pk).update(quantity_sold=8)
    response = client.get("/flash-sale/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>限时秒杀</h1>" in html
    now_part, soon_part = html.split("即将开始", 1)
    assert "东王集大米" in now_part and "¥9.90" in now_part and "¥12.80</del>" in now_part
    assert "剩余 42 / 50 件" in now_part and "每人限购 2 件" in now_part
    ends = running.ends_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    assert "截止 <time datetime=" in now_part and ends in now_part
    starts = upcoming.starts_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    assert "小米" in soon_part and starts in soon_part and "不限量" in soon_part
    assert "Content-Security-Policy" in response


def test_flash_sale_badge_on_product_cards_and_page(client, county, flash_sales):
    listing = client.get("/products/").content.decode()
    card = re.search(r'<li class="card">(?:(?!</li>).)*东王集大米.*?</li>', listing, re.S)
    assert card and "badge-flash-sale" in card.group(0)
    # Every page's footer leads to the flash-sale page.
    assert 'href="/flash-sale/"' in listing
    page = client.get("/p/dongwangji-rice/").content.decode()
    assert "限时秒杀 · 每人限购 2 件" in page
    assert "¥9.90" in page


def test_code_that_stops_applying_says_why_in_the_box(client, county, yishan10):
    add_to_cart(client, county.rice, 4)
    client.post("/cart/voucher/", {"code": "YISHAN10", "next": "cart"})
    line = Checkout.objects.get().lines.get()
    client.post("/cart/update/", {"line": str(line.pk), "quantity": "1"})
    html = _cart(client)
    box = _box(html)
    assert "优惠券 <strong>YISHAN10</strong> 暂不可用" in box
    assert "未达到优惠券的最低消费金额。" in box
    totals = re.search(r'<dl class="totals">.*?</dl>', html, re.S).group(0)
    assert "优惠券" not in totals
    assert re.search(r'class="total">¥12\.80<', html)


def test_flash_sale_order_shows_the_sale_on_the_order_page(client, county, flash_sales):
    add_to_cart(client, county.rice, 2)
    checkout_to_review(client, county)
    response = client.post("/checkout/place/")
    assert response.status_code == 302, response.content.decode()
    order = Order.objects.get()
    assert order.total_gross_amount == Decimal("19.80") + order.shipping_price_gross_amount
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "限时秒杀：大米秒杀" in page and "−¥5.80" in page
    assert SpecialPrice.objects.get(pk=flash_sales[0].pk).quantity_sold == 2
