"""Alipay through python-alipay-sdk against the local stand-in (see conftest): page and WAP
pay, the asynchronous notification (verified, applied once, refusals), query before the
notification, and what a shopper's return shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.payment.models import (
    ProcessedWebhookEvent,
    TransactionEvent,
    TransactionEventType,
    TransactionItem,
)
from backend.payment.services import process_transaction
from tests.payment.conftest import checkout_id, initialize
from tests.payment.native.conftest import open_cashier, post_alipay, query_of, start

pytestmark = pytest.mark.django_db
Type = TransactionEventType


def charges(item) -> list[TransactionEvent]:
    return list(item.events.filter(type=Type.CHARGE_SUCCESS))


def test_page_pay_sends_the_shopper_to_a_signed_cashier_for_the_exact_amount(
    sandbox, checkout, shopper_gql, shopper
):
    checkout.user = shopper
    checkout.save(update_fields=["user"])
    result = initialize(
        shopper_gql,
        checkout,
        "alipay",
        data={"tradeType": "PAGE", "returnUrl": "http://testserver/back/"},
    )
    assert result["errors"] == []
    url = result["data"]["redirect_url"]
    params = query_of(url)
    assert url.startswith(sandbox.alipay_gateway_url)
    assert params["method"] == "alipay.trade.page.pay"
    assert params["sign_type"] == "RSA2"
    assert params["notify_url"] == "http://testserver/webhooks/alipay/"
    assert params["return_url"] == "http://testserver/back/"
    number = open_cashier(url)
    trade = sandbox.alipay.trades[number]
    # 2 × 12.80 in whole fen, FAST_INSTANT_TRADE_PAY for a desktop browser.
    assert trade.total_fen == 2560
    assert trade.product_code == "FAST_INSTANT_TRADE_PAY"
    item = TransactionItem.objects.get(psp_reference=number)
    assert item.gateway == "alipay" and item.charged_value == 0
    assert result["transaction"]["pspReference"] == number


def test_wap_pay_is_the_mobile_product(sandbox, checkout):
    step = start(checkout, "alipay", tradeType="WAP")
    number = open_cashier(step.data["redirect_url"])
    assert sandbox.alipay.trades[number].product_code == "QUICK_WAP_PAY"
    assert step.transaction.payment_method_type == "alipay_wap"


def test_an_unknown_trade_type_is_a_typed_error_and_nothing_is_written(
    sandbox, checkout, shopper_gql, shopper
):
    checkout.user = shopper
    checkout.save(update_fields=["user"])
    result = initialize(shopper_gql, checkout, "alipay", data={"tradeType": "APP"})
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("data", "INVALID")]
    assert not TransactionItem.objects.exists()


def test_notification_charges_the_transaction_once_even_replayed_ten_times(sandbox, checkout):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    notification = sandbox.alipay.pay(number)
    answers = [post_alipay(notification) for _ in range(11)]
    assert {(a.status_code, a.content) for a in answers} == {(200, b"success")}
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60")
    assert [e.psp_reference for e in charges(item)] == [notification["trade_no"]]
    assert ProcessedWebhookEvent.objects.filter(gateway="alipay").count() == 1


def test_a_new_notification_of_the_same_payment_counts_it_once(sandbox, checkout):
    """Alipay may notify the same payment again with a new notify_id (TRADE_FINISHED later)."""
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    post_alipay(sandbox.alipay.pay(number))
    again = sandbox.alipay.notification(sandbox.alipay.trades[number])
    assert post_alipay(again).content == b"success"
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60") and len(charges(item)) == 1


def test_a_forged_signature_is_refused_and_writes_nothing(sandbox, checkout):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    notification = dict(sandbox.alipay.pay(number))
    events_before = TransactionEvent.objects.count()
    notification["total_amount"] = "0.01"  # changed after Alipay signed it
    answer = post_alipay(notification)
    assert (answer.status_code, answer.content) == (400, b"fail")
    unsigned = {k: v for k, v in sandbox.alipay.pay(number).items() if k != "sign"}
    assert post_alipay(unsigned).content == b"fail"
    assert TransactionEvent.objects.count() == events_before
    assert not ProcessedWebhookEvent.objects.exists()
    assert TransactionItem.objects.get(pk=step.transaction.pk).charged_value == 0


def test_a_notification_signed_by_another_key_is_refused(sandbox, checkout):
    from backend.payment.sandbox.keys import SandboxKeys

    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    original = sandbox.alipay.keys
    sandbox.alipay.keys = SandboxKeys.generate()
    try:
        forged = sandbox.alipay.pay(number)
    finally:
        sandbox.alipay.keys = original
    forged["app_id"] = original.alipay_app_id
    assert post_alipay(forged).content == b"fail"
    assert TransactionItem.objects.get(pk=step.transaction.pk).charged_value == 0


def test_a_wrong_amount_is_refused_logged_and_not_counted(sandbox, checkout, caplog):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    notification = sandbox.alipay.pay(number, amount_fen=1)
    answers = [post_alipay(notification) for _ in range(2)]
    assert [(a.status_code, a.content) for a in answers] == [(400, b"fail")] * 2
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == 0
    mismatch = item.events.get(type=Type.AMOUNT_MISMATCH)
    assert mismatch.amount_value == Decimal("0.01")
    assert "amount 0.01 != 25.60" in caplog.text


def test_a_wrong_currency_is_refused(sandbox, checkout):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    sandbox.alipay.pay(number)
    trade = sandbox.alipay.trades[number]
    params = sandbox.alipay.notification(trade)
    unsigned = {k: v for k, v in params.items() if k not in ("sign", "sign_type")}
    unsigned["trans_currency"] = "USD"
    forged = sandbox.alipay.sign_params(unsigned)
    assert post_alipay(forged).content == b"fail"
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == 0
    assert item.events.filter(type=Type.AMOUNT_MISMATCH, currency="USD").exists()


def test_a_notification_for_an_unknown_trade_is_refused(sandbox, checkout, caplog):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    TransactionItem.objects.filter(pk=step.transaction.pk).update(psp_reference="other")
    assert post_alipay(sandbox.alipay.pay(number)).content == b"fail"
    assert "unknown trade" in caplog.text
    assert not ProcessedWebhookEvent.objects.exists()


def test_a_shopper_back_before_the_notification_sees_the_payment_by_query(sandbox, checkout):
    step = start(checkout, "alipay")
    number = open_cashier(step.data["redirect_url"])
    before = process_transaction(step.transaction)
    assert before.transaction.charged_value == 0  # still on the cashier: nothing paid
    notification = sandbox.alipay.pay(number)  # paid; the notification is on its way
    after = process_transaction(step.transaction)
    assert after.transaction.charged_value == Decimal("25.60")
    assert post_alipay(notification).content == b"success"  # arrives late: counted once
    item = TransactionItem.objects.get(pk=step.transaction.pk)
    assert item.charged_value == Decimal("25.60") and len(charges(item)) == 1


def test_query_of_a_trade_never_opened_reports_nothing(sandbox, checkout):
    step = start(checkout, "alipay")
    assert process_transaction(step.transaction).transaction.charged_value == 0
    assert checkout_id(checkout)
