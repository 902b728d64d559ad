"""The demo's discounts: on the first `seed_catalog` the campaign is running, YISHAN10 works and
a flash sale is on; a rerun changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.checkout.calculations import load_checkout_info
from backend.discount.models import (
    Promotion,
    PromotionType,
    SpecialPrice,
    SpecialPriceKind,
    Voucher,
    VoucherCode,
)
from backend.discount.vouchers import add_promo_code
from tests.factories import CheckoutFactory, CheckoutLineFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Promotion.objects.count(),
        Voucher.objects.count(),
        VoucherCode.objects.count(),
        SpecialPrice.objects.filter(kind=SpecialPriceKind.FLASH_SALE).count(),
    )


def test_seed_starts_the_campaign_and_a_rerun_changes_nothing(seed_copy):
    call_command("seed_catalog", path=seed_copy, stdout=io.StringIO())
    now = timezone.now()
    campaign = Promotion.objects.get(name="丰收节地标好物9折")
    assert campaign.type == PromotionType.CATALOGUE
    assert campaign.start_date <= now < campaign.end_date
    assert Promotion.objects.get(name="满99减10").type == PromotionType.ORDER
    sale = SpecialPrice.objects.get(name="东王集大米限时秒杀")
    assert sale.starts_at <= now < sale.ends_at
    assert (sale.per_customer_limit, sale.quantity_limit) == (2, 50)
    counts = _counts()
    assert counts == (2, 1, 1, 1)

    stdout = io.StringIO()
    call_command("seed_catalog", path=seed_copy, stdout=stdout)
    assert _counts() == counts
    totals = [line for line in stdout.getvalue().splitlines() if line.startswith("合计")]
    assert "新建 0，更新 0" in totals[-1]


def test_seeded_voucher_works_on_a_cart_of_fifty_yuan(seed_copy):
    call_command("seed_catalog", path=seed_copy, stdout=io.StringIO())
    channel = Channel.objects.get(slug="guanyun")
    checkout = CheckoutFactory(channel=channel)
    rice = ProductVariant.objects.get(sku="DWJ-RICE-2.5KG")
    CheckoutLineFactory(checkout=checkout, variant=rice, quantity=2)
    add_promo_code(checkout=checkout, code="yishan10")
    info = load_checkout_info(checkout)
    # 2 × ¥29.90 at the campaign's 9折 = ¥53.82, then ¥10 off.
    assert info.subtotal().gross.amount == Decimal("53.82")
    assert info.discount().amount == Decimal("10.00")
    assert info.total().gross.amount == Decimal("43.82")
