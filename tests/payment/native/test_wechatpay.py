"""WeChat Pay v3 through wechatpayv3 against the local stand-in (see conftest): Native, H5 and
JSAPI orders; the notification (platform signature, AEAD_AES_256_GCM resource) applied once;
forged, stale, wrong-amount and wrong-currency notifications refused; query before notify."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from backend.payment.models import (
    ProcessedWebhookEvent,
    TransactionEvent,
    TransactionEventType,
    TransactionItem,
)
from backend.payment.services import process_transaction
from tests.payment.conftest import initialize
from tests.payment.native.conftest import post_wechatpay, start

pytestmark = pytest.mark.django_db
Type = TransactionEventType


def number_of(step) -> str:
    return step.transaction.token.hex


def test_native_order_gives_a_code_url_for_the_exact_amount_in_fen(
    sandbox, checkout, shopper_gql, shopper
):
    checkout.user = shopper
    checkout.save(update_fields=["user"])
    result = initialize(shopper_gql, checkout, "wechatpay", data={"tradeType": "NATIVE"})
    assert result["errors"] == []
    assert result["data"]["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    trade = sandbox.wechatpay.trades[result["transaction"]["pspReference"]]
    assert (trade.trade_type, trade.total, trade.currency) == ("NATIVE", 2560, "CNY")
    assert trade.notify_url == "http://testserver/webhooks/wechatpay/"


def test_h5_order_sends_the_phone_to_wechat_and_back(sandbox, checkout):
    step = start(checkout, "wechatpay", tradeType="H5", returnUrl="http://testserver/wait/")
    url = step.data["redirect_url"]
    assert url.startswith(sandbox.url + "/wechatpay/h5pay?prepay_id=")
    assert parse_qs(urlsplit(url).query)["redirect_url"] == ["http://testserver/wait/"]
    assert sandbox.wechatpay.trades[number_of(step)].trade_type == "MWEB"


def test_jsapi_needs_the_openid_and_returns_parameters_signed_by_the_merchant(
    sandbox, checkout, shopper_gql, shopper
):
    checkout.user = shopper
    checkout.save(update_fields=["user"])
    refused = initialize(shopper_gql, checkout, "wechatpay", data={"tradeType": "JSAPI"})
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("data", "INVALID")]
    assert not TransactionItem.objects.exists()
    result = initialize(
        shopper_gql, checkout, "wechatpay", data={"tradeType": "JSAPI", "openid": "o-shopper"}
    )
    jsapi = result["data"]["jsapi"]
    trade = sandbox.wechatpay.trades[result["transaction"]["pspReference"]]
    assert jsapi["package"] == f"prepay_id={trade.prepay_id}"
    assert trade.payer["openid"] == "o-shopper"
    message = "\n".join(
        [jsapi["appId"], jsapi["timeStamp"], jsapi["nonceStr"], jsapi["package"], ""]
    )
    key = serialization.load_pem_public_key(sandbox.keys.wechat_merchant_public_key.encode())
    key.verify(  # raises if the signature is not the merchant's
        base64.b64decode(jsapi["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_notification_charges_once_even_replayed_ten_times(sandbox, checkout):
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(number_of(step))
    answers = [post_wechatpay(headers, body) for _ in range(11)]
    assert {a.status_code for a in answers} == {204}
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60")
    trade = sandbox.wechatpay.trades[number_of(step)]
    assert [e.psp_reference for e in item.events.filter(type=Type.CHARGE_SUCCESS)] == [
        trade.transaction_id
    ]
    assert ProcessedWebhookEvent.objects.filter(gateway="wechatpay").count() == 1


def test_a_tampered_body_or_signature_is_refused_and_writes_nothing(sandbox, checkout):
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(number_of(step))
    before = TransactionEvent.objects.count()
    tampered = json.loads(body)
    tampered["event_type"] = "TRANSACTION.SUCCESS "
    answer = post_wechatpay(headers, json.dumps(tampered).encode())
    assert answer.status_code == 400 and answer.json()["code"] == "FAIL"
    bad_signature = {**headers, "Wechatpay-Signature": base64.b64encode(b"x" * 256).decode()}
    assert post_wechatpay(bad_signature, body).status_code == 400
    unknown_serial = {**headers, "Wechatpay-Serial": "ABCDEF"}
    assert post_wechatpay(unknown_serial, body).status_code == 400
    assert TransactionEvent.objects.count() == before
    assert not ProcessedWebhookEvent.objects.exists()


def test_a_stale_notification_is_refused(sandbox, checkout):
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(number_of(step))
    stale = {**headers, "Wechatpay-Timestamp": str(int(headers["Wechatpay-Timestamp"]) - 3600)}
    assert post_wechatpay(stale, body).status_code == 400
    assert TransactionItem.objects.get(pk=step.transaction.pk).charged_value == 0


def test_a_resource_encrypted_with_another_key_is_refused(sandbox, checkout):
    step = start(checkout, "wechatpay")
    original = sandbox.wechatpay.keys
    from dataclasses import replace

    sandbox.wechatpay.keys = replace(original, wechat_apiv3_key="0" * 32)
    try:
        headers, body = sandbox.wechatpay.pay(number_of(step))
    finally:
        sandbox.wechatpay.keys = original
    assert post_wechatpay(headers, body).status_code == 400
    assert TransactionItem.objects.get(pk=step.transaction.pk).charged_value == 0


@pytest.mark.parametrize(
    ("forged", "problem"),
    [({"total": 1}, "amount 0.01 != 25.60"), ({"currency": "USD"}, "currency USD != CNY")],
)
def test_a_wrong_amount_or_currency_is_refused_and_logged(
    sandbox, checkout, caplog, forged, problem
):
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(number_of(step), **forged)
    assert post_wechatpay(headers, body).status_code == 400
    assert post_wechatpay(headers, body).status_code == 400  # and again on the retry
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == 0
    assert item.events.filter(type=Type.AMOUNT_MISMATCH).count() == 1
    assert problem in caplog.text


def test_a_notification_for_an_unknown_trade_is_refused(sandbox, checkout):
    step = start(checkout, "wechatpay")
    TransactionItem.objects.filter(pk=step.transaction.pk).update(psp_reference="someone-else")
    headers, body = sandbox.wechatpay.pay(number_of(step))
    assert post_wechatpay(headers, body).status_code == 400
    assert not ProcessedWebhookEvent.objects.exists()


def test_query_before_the_notification_shows_the_truth(sandbox, checkout):
    step = start(checkout, "wechatpay")
    assert process_transaction(step.transaction).transaction.charged_value == 0
    headers, body = sandbox.wechatpay.pay(number_of(step))
    assert process_transaction(step.transaction).transaction.charged_value == Decimal("25.60")
    assert post_wechatpay(headers, body).status_code == 204
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60")
    assert item.events.filter(type=Type.CHARGE_SUCCESS).count() == 1


def test_a_second_payment_closes_the_first_trade(sandbox, checkout):
    """Switching from WeChat Pay to Alipay withdraws the unpaid WeChat Pay order."""
    first = start(checkout, "wechatpay")
    start(checkout, "alipay")
    assert sandbox.wechatpay.trades[number_of(first)].state == "CLOSED"
    item = TransactionItem.objects.get(pk=first.transaction.pk)
    assert item.events.filter(type=Type.CANCEL_SUCCESS).exists()


def test_starting_another_payment_after_paying_the_first_is_refused(sandbox, checkout):
    """The shopper paid by QR a moment ago (no notification yet) and then picks Alipay: the
    WeChat Pay order cannot be closed because it is paid, so no second payment starts."""
    from django.core.exceptions import ValidationError

    first = start(checkout, "wechatpay")
    sandbox.wechatpay.pay(number_of(first))
    with pytest.raises(ValidationError) as refused:
        start(checkout, "alipay")
    assert refused.value.error_dict["id"][0].code == "CHECKOUT_ALREADY_PAID"
    assert sandbox.wechatpay.trades[number_of(first)].state == "SUCCESS"
    assert not TransactionItem.objects.filter(gateway="alipay").exists()


def test_the_wechatpay_public_key_mode_verifies_without_certificates(sandbox, checkout, settings):
    """Merchants created since 2024 verify WeChat Pay's signatures with "微信支付公钥" and its id
    (WECHATPAY_PUBLIC_KEY, WECHATPAY_PUBLIC_KEY_ID) instead of platform certificates."""
    from cryptography import x509

    certificate = x509.load_pem_x509_certificate(sandbox.keys.wechat_platform_certificate.encode())
    settings.WECHATPAY_PUBLIC_KEY = (
        certificate.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.WECHATPAY_PUBLIC_KEY_ID = "PUB_KEY_ID_0112345678902024"
    sandbox.wechatpay.public_key_id = settings.WECHATPAY_PUBLIC_KEY_ID
    step = start(checkout, "wechatpay")
    headers, body = sandbox.wechatpay.pay(number_of(step))
    assert headers["Wechatpay-Serial"] == "PUB_KEY_ID_0112345678902024"
    assert post_wechatpay(headers, body).status_code == 204
    assert TransactionItem.objects.get(pk=step.transaction.pk).charged_value == Decimal("25.60")
    assert not any(path == "/wechatpay/v3/certificates" for _m, path in sandbox.requests)
