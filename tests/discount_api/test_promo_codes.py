"""checkoutAddPromoCode / checkoutRemovePromoCode: the cart's figures with a code, and each
reason a code is refused (nothing written then)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from backend.discount import management
from backend.discount.models import DiscountFunding, RewardValueType, VoucherType
from tests.discount_api.conftest import gid
from tests.factories import ChannelFactory, CheckoutFactory, CheckoutLineFactory

pytestmark = pytest.mark.django_db

CHECKOUT_FIELDS = """
checkout { id voucherCode discount { amount } discountName
  subtotalPrice { gross { amount } } undiscountedSubtotalPrice { amount }
  totalPrice { gross { amount } }
  lines { undiscountedUnitPrice { amount } undiscountedTotalPrice { amount } } }
errors { field message code }
"""
ADD = f"""
mutation($id: ID!, $code: String!) {{
  checkoutAddPromoCode(id: $id, promoCode: $code) {{ {CHECKOUT_FIELDS} }}
}}
"""
REMOVE = f"""
mutation($id: ID!, $code: String) {{
  checkoutRemovePromoCode(id: $id, promoCode: $code) {{ {CHECKOUT_FIELDS} }}
}}
"""


@pytest.fixture
def cart(channel, rice):
    """Two bags of rice at ¥59.90: ¥119.80."""
    _product, variants = rice
    checkout = CheckoutFactory(channel=channel)
    CheckoutLineFactory(checkout=checkout, variant=variants[0], quantity=2)
    return checkout


def _voucher(actor, channel, now, *, code="YISHAN10", **fields):
    data = {
        "name": "伊山十元券",
        "type": VoucherType.ENTIRE_ORDER,
        "discount_value_type": RewardValueType.FIXED,
        "discount_value": Decimal("10"),
        "min_spent_amount": Decimal("50"),
        "start_date": now - timedelta(days=1),
        "end_date": now + timedelta(days=30),
        "funded_by": DiscountFunding.PLATFORM,
        "channels": [channel],
    }
    data.update(fields)
    return management.create_voucher(actor=actor, data=data, codes=[code])


def _add(gql, checkout, code):
    return gql.query(ADD, {"id": gid("Checkout", checkout.pk), "code": code})[
        "checkoutAddPromoCode"
    ]


def test_code_lowers_the_cart_total(gql, cart, brand_manager, channel, now):
    _voucher(brand_manager, channel, now)
    result = _add(gql, cart, " yishan10 ")
    assert result["errors"] == []
    checkout = result["checkout"]
    assert checkout["voucherCode"] == "YISHAN10"
    assert checkout["discount"] == {"amount": 10.0}
    assert checkout["discountName"] == "伊山十元券"
    assert checkout["undiscountedSubtotalPrice"] == {"amount": 119.8}
    assert checkout["subtotalPrice"]["gross"] == {"amount": 109.8}
    assert checkout["totalPrice"]["gross"] == {"amount": 109.8}
    assert checkout["lines"] == [
        {"undiscountedUnitPrice": {"amount": 59.9}, "undiscountedTotalPrice": {"amount": 119.8}}
    ]
    cart.refresh_from_db()
    assert cart.voucher_code == "YISHAN10"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ({}, "NOT_FOUND"),
        ({"start_date": -30, "end_date": -1}, "VOUCHER_EXPIRED"),
        ({"start_date": 1, "end_date": 30}, "VOUCHER_NOT_STARTED"),
        ({"other_channel": True}, "VOUCHER_NOT_APPLICABLE"),
        ({"usage_limit": 1, "used": 1}, "VOUCHER_USAGE_LIMIT"),
        ({"min_spent_amount": Decimal("200")}, "MIN_SPENT_NOT_REACHED"),
    ],
    ids=["unknown", "expired", "not-started", "wrong-channel", "used-up", "min-spend"],
)
def test_code_that_does_not_apply_is_refused_and_not_stored(
    gql, cart, brand_manager, channel, now, setup, code
):
    setup = dict(setup)
    if code != "NOT_FOUND":
        fields = {}
        for key in ("start_date", "end_date"):
            if key in setup:
                fields[key] = now + timedelta(days=setup.pop(key))
        if setup.pop("other_channel", False):
            fields["channels"] = [ChannelFactory(slug="tourism", name="文旅馆")]
        used = setup.pop("used", 0)
        voucher = _voucher(brand_manager, channel, now, **fields, **setup)
        if used:
            type(voucher).objects.filter(pk=voucher.pk).update(used=used)
    result = _add(gql, cart, "YISHAN10")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("promoCode", code)]
    assert result["errors"][0]["message"]  # a sentence for the shopper, in Chinese
    cart.refresh_from_db()
    assert cart.voucher_code == ""


def test_blank_code_is_required(gql, cart):
    result = _add(gql, cart, "  ")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("promoCode", "REQUIRED")]


def test_removing_the_code_restores_the_total(gql, cart, brand_manager, channel, now):
    _voucher(brand_manager, channel, now)
    _add(gql, cart, "YISHAN10")
    wrong = gql.query(REMOVE, {"id": gid("Checkout", cart.pk), "code": "OTHER"})
    assert [e["code"] for e in wrong["checkoutRemovePromoCode"]["errors"]] == ["NOT_FOUND"]
    result = gql.query(REMOVE, {"id": gid("Checkout", cart.pk), "code": "yishan10"})[
        "checkoutRemovePromoCode"
    ]
    assert result["errors"] == []
    assert result["checkout"]["voucherCode"] is None
    assert result["checkout"]["totalPrice"]["gross"] == {"amount": 119.8}


def test_someone_elses_cart_is_not_found(gql, cart, brand_manager, channel, now):
    from tests.factories import UserFactory

    cart.user = UserFactory()
    cart.save()
    _voucher(brand_manager, channel, now)
    result = _add(gql, cart, "YISHAN10")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]
