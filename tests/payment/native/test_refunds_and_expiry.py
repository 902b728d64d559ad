"""Refunds of named order lines through Alipay and WeChat Pay, and closing an unpaid trade when
its order expires, against the local stand-ins (see conftest). The order app's granted-refund
lines were not there when this was written, so a refund names its lines itself and keeps them
in the refund request's metadata."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.order.models import OrderStatus
from backend.order.services import expire_order
from backend.payment.models import TransactionEvent, TransactionEventType, TransactionItem
from backend.payment.services import refund_order
from tests.factories import OrderLineFactory, UserFactory
from tests.payment.native.conftest import open_cashier, post_alipay, post_wechatpay, start

pytestmark = pytest.mark.django_db
Type = TransactionEventType


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def paid_order(sandbox, checkout, place_order, gateway):
    step = start(checkout, gateway)
    number = step.transaction.token.hex
    if gateway == "alipay":
        open_cashier(step.data["redirect_url"])
        assert post_alipay(sandbox.alipay.pay(number)).content == b"success"
    else:
        assert post_wechatpay(*sandbox.wechatpay.pay(number)).status_code == 204
    order = place_order(checkout)
    # Two lines of what was paid: 2 × 8.00 of honey, 1 × 9.60 of rice = 25.60.
    honey = OrderLineFactory(
        order=order,
        quantity=2,
        product_name="蜂蜜",
        product_sku="HONEY",
        unit_price_gross_amount=Decimal("8.00"),
        total_price_gross_amount=Decimal("16.00"),
    )
    rice = OrderLineFactory(
        order=order,
        quantity=1,
        product_name="大米",
        product_sku="RICE",
        unit_price_gross_amount=Decimal("9.60"),
        total_price_gross_amount=Decimal("9.60"),
    )
    return order, honey, rice, number


def test_alipay_partial_refund_of_one_named_line(sandbox, checkout, place_order, staff):
    order, honey, rice, number = paid_order(sandbox, checkout, place_order, "alipay")
    refund_order(order, None, user=staff, reason="破损", lines=[(honey, 1)])
    trade = sandbox.alipay.trades[number]
    (request,) = trade.refunds.values()
    assert request["fen"] == 800
    assert request["goods"] == [
        {"goods_id": "HONEY", "goods_name": "蜂蜜", "refund_amount": "8.00", "quantity": 1}
    ]
    item = TransactionItem.objects.get(psp_reference=number)
    assert (item.charged_value, item.refunded_value) == (Decimal("25.60"), Decimal("8.00"))
    event = item.events.get(type=Type.REFUND_REQUEST)
    assert event.metadata == {"lines": [{"line": str(honey.pk), "quantity": 1, "amount": "8.00"}]}
    # The other honey and the rice are still refundable; a third honey is not.
    with pytest.raises(ValidationError) as refused:
        refund_order(order, None, user=staff, lines=[(honey, 2)])
    assert refused.value.error_dict["lines"][0].code == "INVALID"
    assert TransactionEvent.objects.filter(type=Type.REFUND_REQUEST).count() == 1
    refund_order(order, None, user=staff, lines=[(honey, 1), (rice, 1)])
    item.refresh_from_db()
    assert item.refunded_value == Decimal("25.60")
    assert trade.status == "TRADE_CLOSED" and trade.refunded_fen == 2560


def test_a_refund_amount_that_is_not_the_lines_is_refused(sandbox, checkout, place_order, staff):
    order, honey, _rice, number = paid_order(sandbox, checkout, place_order, "alipay")
    with pytest.raises(ValidationError) as refused:
        refund_order(order, Decimal("5.00"), user=staff, lines=[(honey, 1)])
    assert refused.value.error_dict["amount"][0].code == "INVALID_AMOUNT"
    assert sandbox.alipay.trades[number].refunds == {}


def test_wechatpay_refund_is_pending_until_its_notification(sandbox, checkout, place_order, staff):
    order, honey, _rice, number = paid_order(sandbox, checkout, place_order, "wechatpay")
    refund_order(order, None, user=staff, lines=[(honey, 2)])
    trade = sandbox.wechatpay.trades[number]
    (record,) = trade.refunds.values()
    assert record["amount"]["refund"] == 1600 and record["amount"]["total"] == 2560
    assert record["goods_detail"][0] == {
        "merchant_goods_id": "HONEY",
        "goods_name": "蜂蜜",
        "unit_price": 800,
        "refund_amount": 1600,
        "refund_quantity": 2,
    }
    item = TransactionItem.objects.get(psp_reference=number)
    assert item.refunded_value == 0  # PROCESSING at WeChat Pay
    _url, headers, body = sandbox.wechatpay.settle_refund(record["out_refund_no"])
    for _ in range(3):
        assert post_wechatpay(headers, body).status_code == 204
    item.refresh_from_db()
    assert item.refunded_value == Decimal("16.00")
    assert item.events.filter(type=Type.REFUND_SUCCESS).count() == 1


@pytest.mark.parametrize("gateway", ["alipay", "wechatpay"])
def test_an_expired_unpaid_order_closes_its_trade(sandbox, checkout, place_order, gateway):
    step = start(checkout, gateway)
    number = step.transaction.token.hex
    if gateway == "alipay":
        open_cashier(step.data["redirect_url"])
    order = place_order(checkout)
    order.pay_by = timezone.now() - timedelta(minutes=1)
    order.save(update_fields=["pay_by"])
    assert expire_order(order) is True
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    state = (
        sandbox.alipay.trades[number].status
        if gateway == "alipay"
        else sandbox.wechatpay.trades[number].state
    )
    assert state in ("TRADE_CLOSED", "CLOSED")
    assert (
        TransactionItem.objects.get(psp_reference=number)
        .events.filter(type=Type.CANCEL_SUCCESS)
        .exists()
    )


def test_a_trade_paid_at_the_last_moment_keeps_its_order(sandbox, checkout, place_order):
    step = start(checkout, "alipay")
    number = step.transaction.token.hex
    open_cashier(step.data["redirect_url"])
    order = place_order(checkout)
    order.pay_by = timezone.now() - timedelta(minutes=1)
    order.save(update_fields=["pay_by"])
    sandbox.alipay.pay(number)  # paid; the notification has not arrived yet
    assert expire_order(order) is False
    order.refresh_from_db()
    assert order.status != OrderStatus.EXPIRED
    assert TransactionItem.objects.get(psp_reference=number).charged_value == Decimal("25.60")


def test_an_alipay_trade_never_opened_counts_as_closed(sandbox, checkout, place_order):
    start(checkout, "alipay")
    order = place_order(checkout)
    order.pay_by = timezone.now() - timedelta(minutes=1)
    order.save(update_fields=["pay_by"])
    assert expire_order(order) is True


GRANTED_REFUND = """
mutation($id: ID!) {
  transactionRequestRefundForGrantedRefund(grantedRefundId: $id) {
    transaction { pspReference refundedAmount { amount } }
    errors { field code message }
  }
}"""


def test_a_granted_refund_goes_to_alipay_with_its_lines_once(
    sandbox, checkout, place_order, client
):
    """Staff grant a refund of named lines (orderGrantRefundCreate, the order app's
    OrderGrantedRefundLine), then send it: Saleor's transactionRequestRefundForGrantedRefund."""
    from graphql_relay import to_global_id

    from backend.account.jwt import create_access_token
    from backend.core.permissions import Permission
    from backend.order.services import grant_refund
    from tests.conftest import GraphQLClient
    from tests.graphql.conftest import staff_with

    order, honey, rice, number = paid_order(sandbox, checkout, place_order, "alipay")
    manager = staff_with(Permission.MANAGE_ORDERS, group_name="订单管理员（支付测试）")
    granted = grant_refund(order, None, "破损", user=manager, lines=[(honey, 1, "破损")])
    gql = GraphQLClient(client, create_access_token(manager))
    variables = {"id": to_global_id("OrderGrantedRefund", granted.pk)}
    result = gql.query(GRANTED_REFUND, variables)["transactionRequestRefundForGrantedRefund"]
    assert result["errors"] == []
    assert result["transaction"]["refundedAmount"]["amount"] == 8.0
    (request,) = sandbox.alipay.trades[number].refunds.values()
    assert request["fen"] == 800 and request["goods"][0]["goods_id"] == "HONEY"
    event = TransactionEvent.objects.get(type=Type.REFUND_REQUEST)
    assert event.metadata["granted_refund"] == granted.pk
    assert event.metadata["lines"] == [{"line": str(honey.pk), "quantity": 1, "amount": "8.00"}]
    again = gql.query(GRANTED_REFUND, variables)["transactionRequestRefundForGrantedRefund"]
    assert [e["code"] for e in again["errors"]] == ["REFUND_ALREADY_PROCESSED"]
    assert len(sandbox.alipay.trades[number].refunds) == 1
    shopper = GraphQLClient(client, create_access_token(UserFactory()))
    refused = shopper.post(GRANTED_REFUND, variables).json()
    assert refused["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    assert refused["data"]["transactionRequestRefundForGrantedRefund"] is None
    assert rice.pk


def test_a_late_trade_closed_notification_after_a_full_refund_changes_nothing(
    sandbox, checkout, place_order, staff
):
    """Alipay closes a trade once it is fully refunded and notifies TRADE_CLOSED; arriving in
    any order, it neither takes back the charge nor counts it again."""
    order, _honey, _rice, number = paid_order(sandbox, checkout, place_order, "alipay")
    refund_order(order, Decimal("25.60"), user=staff)
    trade = sandbox.alipay.trades[number]
    assert trade.status == "TRADE_CLOSED"
    closed = sandbox.alipay.notification(trade)
    for _ in range(3):
        assert post_alipay(closed).content == b"success"
    item = TransactionItem.objects.get(psp_reference=number)
    assert (item.charged_value, item.refunded_value) == (Decimal("25.60"), Decimal("25.60"))
    assert item.events.filter(type=Type.CHARGE_SUCCESS).count() == 1
    assert not item.events.filter(type=Type.CANCEL_SUCCESS).exists()
