"""The dashboard's promotion, voucher and flash-sale pages: brand managers only, the same
validation as the API (nothing saved on error), bulk code generation and CSV export."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.core.permissions import Permission
from backend.discount import management
from backend.discount.models import (
    DiscountFunding,
    Promotion,
    PromotionRule,
    RewardValueType,
    SpecialPrice,
    Voucher,
    VoucherCode,
    VoucherType,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["promotion", "voucher", "specialprice"]


def _local(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def manager_client(client, brand_manager):
    client.force_login(brand_manager)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_brand_manager_sees_the_discount_pages(manager_client, page):
    assert manager_client.get(f"/dashboard/discount/{page}/").status_code == 200
    assert manager_client.get(f"/dashboard/discount/{page}/add/").status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_other_staff_are_refused(client, db, page):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_PRODUCTS.codename)
    )
    client.force_login(user)
    assert client.get(f"/dashboard/discount/{page}/").status_code == 403


def _promotion_post(channel, product, window, **rule):
    data = {
        "name": "丰收节",
        "description": "",
        "type": "catalogue",
        "start_date_0": _local(window[0]).split()[0],
        "start_date_1": _local(window[0]).split()[1],
        "end_date_0": _local(window[1]).split()[0],
        "end_date_1": _local(window[1]).split()[1],
        "priority": "0",
        "funded_by": "brand",
        "is_active": "on",
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-name": "九折",
        "rules-0-channels": [str(channel.pk)],
        "rules-0-products": [str(product.pk)],
        "rules-0-reward_value_type": "percentage",
        "rules-0-reward_value": "10",
    }
    data.update({f"rules-0-{key}": value for key, value in rule.items()})
    return data


def test_promotion_with_rule_is_saved_from_the_dashboard(manager_client, channel, rice, window):
    product, _variants = rice
    response = manager_client.post(
        "/dashboard/discount/promotion/add/", _promotion_post(channel, product, window)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    promotion = Promotion.objects.get()
    assert promotion.rules.get().reward_value == Decimal("10.00")


@pytest.mark.parametrize(
    "rule",
    [{"reward_value": "120"}, {"reward_value": "-1"}, {"products": []}],
    ids=["over-100-percent", "negative", "no-predicate"],
)
def test_dashboard_refuses_what_the_api_refuses(manager_client, channel, rice, window, rule):
    product, _variants = rice
    response = manager_client.post(
        "/dashboard/discount/promotion/add/", _promotion_post(channel, product, window, **rule)
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()
    assert Promotion.objects.count() == PromotionRule.objects.count() == 0


def test_flash_sale_at_list_price_is_refused_in_the_dashboard(
    manager_client, channel, rice, window
):
    _product, variants = rice
    response = manager_client.post(
        "/dashboard/discount/specialprice/add/",
        {
            "name": "秒杀",
            "channel": str(channel.pk),
            "variant": str(variants[0].pk),
            "price_amount": "59.90",
            "starts_at_0": _local(window[0]).split()[0],
            "starts_at_1": _local(window[0]).split()[1],
            "ends_at_0": _local(window[1]).split()[0],
            "ends_at_1": _local(window[1]).split()[1],
            "quantity_limit": "10",
            "per_customer_limit": "2",
            "funded_by": "brand",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "秒杀价必须低于原价" in response.content.decode()
    assert SpecialPrice.objects.count() == 0


@pytest.fixture
def voucher(brand_manager, channel, now):
    return management.create_voucher(
        actor=brand_manager,
        data={
            "name": "伊山十元券",
            "type": VoucherType.ENTIRE_ORDER,
            "discount_value_type": RewardValueType.FIXED,
            "discount_value": Decimal("10"),
            "start_date": now - timedelta(days=1),
            "funded_by": DiscountFunding.PLATFORM,
            "channels": [channel],
        },
        codes=["YISHAN10"],
    )


def test_bulk_generate_and_export_codes(manager_client, voucher):
    response = manager_client.post(
        "/dashboard/discount/voucher/",
        {
            "action": "generate_codes",
            "_selected_action": [str(voucher.pk)],
            "quantity": "25",
            "prefix": "gy",
        },
    )
    assert response.status_code == 302
    assert VoucherCode.objects.filter(voucher=voucher, code__startswith="GY").count() == 25
    export = manager_client.post(
        "/dashboard/discount/voucher/",
        {"action": "export_codes", "_selected_action": [str(voucher.pk)]},
    )
    assert export["Content-Type"].startswith("text/csv")
    rows = export.content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 26
    assert "YISHAN10" in export.content.decode("utf-8-sig")


def test_used_voucher_cannot_be_deleted_from_the_dashboard(manager_client, voucher):
    Voucher.objects.filter(pk=voucher.pk).update(used=1)
    response = manager_client.post(
        f"/dashboard/discount/voucher/{voucher.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Voucher.objects.filter(pk=voucher.pk).exists()


def _voucher_post(channel, **overrides):
    data = {
        "name": "伊山伊水十元券",
        "type": "entire_order",
        "discount_value_type": "fixed",
        "discount_value": "10",
        "start_date_0": "2026-12-01",
        "start_date_1": "00:00:00",
        "funded_by": "platform",
        "channels": [str(channel.pk)],
        "codes-TOTAL_FORMS": "1",
        "codes-INITIAL_FORMS": "0",
        "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000",
        "codes-0-code": "yishan10",
        "codes-0-is_active": "on",
    }
    data.update(overrides)
    return data


def test_voucher_with_a_code_is_saved_and_audited_from_the_dashboard(manager_client, channel):
    from backend.core.models import AuditLogEntry

    response = manager_client.post("/dashboard/discount/voucher/add/", _voucher_post(channel))
    assert response.status_code == 302, response.content.decode()[:2000]
    voucher = Voucher.objects.get()
    assert list(voucher.codes.values_list("code", flat=True)) == ["YISHAN10"]
    assert AuditLogEntry.objects.filter(action="voucher.created_in_admin").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"discount_value_type": "percentage", "discount_value": "150"}, "折扣百分比不能超过 100%"),
        ({"channels": []}, "请至少选择一个销售渠道"),
        ({"codes-0-code": "TWO WORDS"}, "无效"),
    ],
    ids=["over-100-percent", "no-channel", "bad-code"],
)
def test_dashboard_refuses_a_bad_voucher(manager_client, channel, overrides, message):
    response = manager_client.post(
        "/dashboard/discount/voucher/add/", _voucher_post(channel, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Voucher.objects.count() == VoucherCode.objects.count() == 0


def test_flash_sale_list_shows_sold_and_remaining(
    manager_client, brand_manager, channel, rice, window
):
    _product, variants = rice
    sale = management.create_flash_sale(
        actor=brand_manager,
        data={
            "name": "大米秒杀",
            "channel": channel,
            "variant": variants[0],
            "price_amount": Decimal("39.90"),
            "starts_at": window[0],
            "ends_at": window[1],
            "quantity_limit": 50,
        },
    )
    SpecialPrice.objects.filter(pk=sale.pk).update(quantity_sold=12)
    html = manager_client.get("/dashboard/discount/specialprice/").content.decode()
    assert "大米秒杀" in html
    assert ">12<" in html and ">38<" in html


def test_voucher_page_lists_its_codes_fifty_at_a_time(manager_client, brand_manager, voucher):
    management.generate_voucher_codes(actor=brand_manager, voucher=voucher, quantity=300)
    response = manager_client.get(f"/dashboard/discount/voucher/{voucher.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 0 < len(re.findall(r'name="codes-\d+-code"', html)) <= 50
