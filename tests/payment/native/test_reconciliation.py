"""Daily reconciliation against the statements the stand-ins serve as the providers do
(Alipay: a zip of GBK CSV files from the address alipay.data.dataservice.bill.downloadurl.query
gives; WeChat Pay: gzip CSV from /v3/bill/tradebill's download_url, its SHA1 checked)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.payment.models import ReconciliationReport, TransactionItem
from backend.payment.tasks import reconcile_yesterday
from tests.factories import UserFactory
from tests.payment.native.conftest import open_cashier, post_alipay, post_wechatpay, start

pytestmark = pytest.mark.django_db


def today():
    return timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date()


def pay(sandbox, checkout, gateway):
    step = start(checkout, gateway)
    number = step.transaction.token.hex
    if gateway == "alipay":
        open_cashier(step.data["redirect_url"])
        assert post_alipay(sandbox.alipay.pay(number)).content == b"success"
    else:
        assert post_wechatpay(*sandbox.wechatpay.pay(number)).status_code == 204
    return number


def test_a_clean_day_matches_every_row(sandbox, make_checkout, place_order):
    from backend.payment.services import refund_order

    numbers = [pay(sandbox, make_checkout(), "alipay") for _ in range(2)]
    order = place_order(TransactionItem.objects.get(psp_reference=numbers[0]).checkout)
    refund_order(order, Decimal("5.00"), user=UserFactory(is_staff=True))
    sandbox.alipay.extra_bill_rows.clear()
    out = StringIO()
    call_command("reconcile_payments", today().isoformat(), "--gateway", "alipay", stdout=out)
    report = ReconciliationReport.objects.get(gateway="alipay", day=today())
    mine = [m for m in report.mismatches if m["out_trade_no"] in numbers]
    assert mine == []
    assert "alipay" in out.getvalue()


def test_reconciliation_finds_each_planted_mismatch(sandbox, make_checkout, place_order):
    kept = pay(sandbox, make_checkout(), "alipay")
    unrecorded = pay(sandbox, make_checkout(), "alipay")
    altered = pay(sandbox, make_checkout(), "wechatpay")
    order = place_order(TransactionItem.objects.get(psp_reference=altered).checkout)
    # Planted: a payment Alipay has and we lost; one WeChat Pay reports for another amount;
    # and one the statement does not have at all.
    TransactionItem.objects.filter(psp_reference=unrecorded).delete()
    sandbox.wechatpay.trades[altered].total = 2500
    day = today().isoformat()
    foreign = ["2026T", "f" * 32, "交易", "x", day + " 10:00:00", day + " 10:00:01"]
    foreign += [""] * 5 + ["1.00", "1.00"] + ["0.00"] * 10 + ["", ""]
    sandbox.alipay.extra_bill_rows[day] = [foreign]
    missing = pay(sandbox, make_checkout(), "wechatpay")
    sandbox.wechatpay.trades[missing].success_time = "2000-01-01T00:00:00+08:00"

    out = StringIO()
    call_command("reconcile_payments", day, stdout=out)
    alipay = ReconciliationReport.objects.get(gateway="alipay", day=today())
    wechat = ReconciliationReport.objects.get(gateway="wechatpay", day=today())
    alipay_found = {(m["kind"], m["out_trade_no"]) for m in alipay.mismatches}
    assert ("missing_here", unrecorded) in alipay_found
    assert ("missing_here", "f" * 32) in alipay_found
    assert not any(m["out_trade_no"] == kept for m in alipay.mismatches)
    wechat_found = {(m["kind"], m["out_trade_no"]): m for m in wechat.mismatches}
    amount = wechat_found[("amount", altered)]
    assert (amount["statement_amount"], amount["our_amount"]) == ("25.00", "25.60")
    assert amount["order"] == str(order.number)
    assert ("missing_there", missing) in wechat_found
    assert f"order={order.number}" in out.getvalue()
    # The same day again replaces the report instead of adding one.
    call_command("reconcile_payments", day, stdout=StringIO())
    assert ReconciliationReport.objects.filter(day=today()).count() == 2


def test_the_daily_task_reconciles_yesterday(sandbox):
    results = reconcile_yesterday()
    assert {r["gateway"] for r in results} == {"alipay", "wechatpay"}
    assert ReconciliationReport.objects.count() == 2


def test_the_dashboard_lists_reports_and_shows_each_mismatch(admin_client):
    report = ReconciliationReport.objects.create(
        gateway="alipay",
        day=today(),
        statement_rows=2,
        matched=1,
        mismatches=[
            {
                "kind": "amount",
                "type": "payment",
                "out_trade_no": "a" * 32,
                "reference": "2026",
                "statement_amount": "25.00",
                "our_amount": "25.60",
                "order": "10001",
            }
        ],
    )
    listing = admin_client.get("/dashboard/payment/reconciliationreport/")
    assert listing.status_code == 200 and "对账报告" in listing.content.decode()
    page = admin_client.get(f"/dashboard/payment/reconciliationreport/{report.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "金额不一致" in html and "a" * 32 in html and "10001" in html
