"""The Saleor storefront's account operations, signed in as a shopper of the seeded county."""

from __future__ import annotations

import logging

import pytest

from backend.account.models import User

pytestmark = pytest.mark.django_db

ADDRESS = {
    "firstName": "小梅",
    "lastName": "王",
    "companyName": "",
    "streetAddress1": "大伊山村三组 12 号",
    "city": "连云港市",
    "cityArea": "灌云县",
    "countryArea": "江苏省",
    "postalCode": "222200",
    "country": "CN",
    "phone": "13812345678",
    "town": "320723100",
    "village": "320723100201",
}


def test_current_user_and_address_book(shopper_saleor):
    me = shopper_saleor("CurrentUser")["me"]
    assert (me["email"], me["firstName"], me["lastName"]) == ("xiaomei@example.com", "小梅", "王")
    assert me["avatar"] is None
    created = shopper_saleor("userAddressCreate", address=ADDRESS, type="SHIPPING")
    result = created["accountAddressCreate"]
    assert result["errors"] == []
    assert result["address"]["streetAddress1"] == "大伊山村三组 12 号"
    assert result["user"]["defaultShippingAddress"]["id"] == result["address"]["id"]
    profile = shopper_saleor("CurrentUserProfile")["me"]
    assert [a["id"] for a in profile["addresses"]] == [result["address"]["id"]]
    assert profile["addresses"][0]["companyName"] == ""
    orders = shopper_saleor("CurrentUserOrdersPaginated", first=5, languageCode="ZH_HANS")
    assert orders["me"]["orders"]["totalCount"] == 0


def test_saleor_address_without_county_fields_is_a_typed_error(shopper_saleor):
    saleor_only = {k: v for k, v in ADDRESS.items() if k not in ("town", "village")}
    result = shopper_saleor("AccountAddressCreate", input=saleor_only)["accountAddressCreate"]
    assert sorted(e["field"] for e in result["errors"]) == ["town", "village"]
    assert result["address"] is None


def test_password_reset_by_email_texts_the_accounts_phone(saleor, shopper, caplog):
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    User.objects.filter(pk=shopper.pk).update(phone="+8613812345678")
    result = saleor(
        "requestPasswordReset",
        email="XiaoMei@example.com",
        channel="guanyun",
        redirectUrl="https://shop.example/reset",
    )["requestPasswordReset"]
    assert result["errors"] == []
    texts = [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
    assert any("+8613812345678" in text for text in texts)
    unknown = saleor(
        "requestPasswordReset", email="nobody@example.com", channel="guanyun", redirectUrl="x"
    )["requestPasswordReset"]
    assert unknown["errors"] == []


def test_account_deletion_request_accepts_saleors_arguments(shopper_saleor, shopper, caplog):
    caplog.set_level(logging.INFO, logger="backend.account.sms")
    User.objects.filter(pk=shopper.pk).update(phone="+8613812345679")
    result = shopper_saleor(
        "AccountRequestDeletion", redirectUrl="https://shop.example/bye", channel="guanyun"
    )["accountRequestDeletion"]
    assert result["errors"] == []
    texts = [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]
    assert any("+8613812345679" in text for text in texts)
