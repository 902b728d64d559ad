"""Staff order mutations through the API: what each does, every error code it answers with,
and who may call it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from backend.account.jwt import create_access_token
from backend.core.models import AuditLogEntry
from backend.core.permissions import Permission
from backend.inventory.models import Stock
from backend.order.models import (
    Fulfillment,
    Order,
    OrderEvent,
    OrderGrantedRefund,
    OrderStatus,
)
from backend.payment.models import Gateway, TransactionItem
from tests.conftest import GraphQLClient
from tests.factories import UserFactory, order_with_lines
from tests.graphql.conftest import staff_with
from tests.orders.conftest import gid

pytestmark = pytest.mark.django_db

CANCEL = """
mutation($id: ID!) {
  orderCancel(id: $id) { order { status } errors { field message code } }
}
"""
CONFIRM = """
mutation($id: ID!) {
  orderConfirm(id: $id) { order { status } errors { field code } }
}
"""
NOTE = """
mutation($order: ID!, $message: String!) {
  orderNoteAdd(order: $order, input: {message: $message}) {
    order { number events { type message } }
    event { type message user { email } }
    errors { field message code }
  }
}
"""
FULFILL = """
mutation($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    order { status lines { quantityFulfilled } }
    fulfillments { fulfillmentOrder trackingNumber lines { quantity } }
    errors { field message code orderLines }
  }
}
"""
GRANT = """
mutation($id: ID!, $amount: Decimal!, $reason: String) {
  orderGrantRefundCreate(id: $id, input: {amount: $amount, reason: $reason}) {
    order { totalGrantedRefund { amount } grantedRefunds { amount { amount } reason } }
    grantedRefund { amount { amount currency } reason createdBy { email } }
    errors { field message code }
  }
}
"""
MARK_PAID = """
mutation($id: ID!, $ref: String) {
  orderMarkAsPaid(id: $id, transactionReference: $ref) {
    order { isPaid chargeStatus totalCharged { amount } transactions { chargedAmount { amount } } }
    errors { field message code }
  }
}
"""
REFUND = """
mutation($id: ID!, $amount: Decimal!) {
  orderRefund(id: $id, amount: $amount) {
    order { totalRefunded { amount } }
    errors { field message code }
  }
}
"""


def _payload(data: dict) -> dict:
    return next(iter(data.values()))


def _lines(order):
    return list(order.lines.order_by("sort_order"))


def test_order_cancel(manager_gql, paid_order, stocked_variants):
    data = manager_gql.query(CANCEL, {"id": gid("Order", paid_order.pk)})["orderCancel"]
    assert data == {"order": {"status": "CANCELED"}, "errors": []}
    assert set(Stock.objects.values_list("quantity_allocated", flat=True)) == {0}

    again = manager_gql.query(CANCEL, {"id": gid("Order", paid_order.pk)})["orderCancel"]
    assert again["order"] is None
    assert again["errors"][0]["code"] == "CANNOT_CANCEL_ORDER"
    assert "已取消" in again["errors"][0]["message"]


def test_order_cancel_of_a_missing_or_malformed_order(manager_gql):
    missing = gid("Order", "00000000-0000-0000-0000-000000000000")
    data = manager_gql.query(CANCEL, {"id": missing})["orderCancel"]
    assert data["errors"] == [{"field": "id", "message": "找不到该订单。", "code": "NOT_FOUND"}]
    data = manager_gql.query(CANCEL, {"id": gid("Product", 1)})["orderCancel"]
    assert data["errors"][0]["code"] == "GRAPHQL_ERROR"


def test_order_confirm(manager_gql, paid_order):
    Order.objects.filter(pk=paid_order.pk).update(status=OrderStatus.UNCONFIRMED)
    data = manager_gql.query(CONFIRM, {"id": gid("Order", paid_order.pk)})["orderConfirm"]
    assert data == {"order": {"status": "UNFULFILLED"}, "errors": []}
    data = manager_gql.query(CONFIRM, {"id": gid("Order", paid_order.pk)})["orderConfirm"]
    assert data["errors"] == [{"field": "id", "code": "INVALID"}]


def test_order_note_add(manager_gql, manager, paid_order):
    data = manager_gql.query(NOTE, {"order": gid("Order", paid_order.pk), "message": "改约周六"})
    payload = data["orderNoteAdd"]
    assert payload["errors"] == []
    assert payload["event"] == {
        "type": "NOTE_ADDED",
        "message": "改约周六",
        "user": {"email": manager.email},
    }
    assert payload["order"]["events"] == [{"type": "NOTE_ADDED", "message": "改约周六"}]


@pytest.mark.parametrize(
    ("message", "code"), [(" ", "REQUIRED"), ("长" * 1001, "INVALID"), ("a\x00b", "INVALID")]
)
def test_order_note_add_refuses_empty_and_long_notes(manager_gql, paid_order, message, code):
    data = manager_gql.query(NOTE, {"order": gid("Order", paid_order.pk), "message": message})
    assert data["orderNoteAdd"]["errors"][0]["field"] == "message"
    assert data["orderNoteAdd"]["errors"][0]["code"] == code
    assert not OrderEvent.objects.exists()


def test_order_fulfill_in_two_steps(manager_gql, paid_order, stocked_variants):
    first, second = _lines(paid_order)
    data = manager_gql.query(
        FULFILL,
        {
            "order": gid("Order", paid_order.pk),
            "input": {
                "lines": [{"orderLineId": gid("OrderLine", first.pk), "quantity": 3}],
                "trackingNumber": "SF1001",
                "notifyCustomer": False,
            },
        },
    )["orderFulfill"]
    assert data["errors"] == []
    assert data["order"]["status"] == "PARTIALLY_FULFILLED"
    assert data["fulfillments"] == [
        {"fulfillmentOrder": 1, "trackingNumber": "SF1001", "lines": [{"quantity": 3}]}
    ]
    # Saleor clients give quantities per warehouse; they are added up.
    warehouse = Stock.objects.get(product_variant=stocked_variants[1]).warehouse
    data = manager_gql.query(
        FULFILL,
        {
            "order": gid("Order", paid_order.pk),
            "input": {
                "lines": [
                    {
                        "orderLineId": gid("OrderLine", second.pk),
                        "stocks": [{"quantity": 2, "warehouse": gid("Warehouse", warehouse.pk)}],
                    }
                ]
            },
        },
    )["orderFulfill"]
    assert data["errors"] == []
    assert data["order"] == {
        "status": "FULFILLED",
        "lines": [{"quantityFulfilled": 3}, {"quantityFulfilled": 2}],
    }
    assert sorted(Stock.objects.values_list("quantity", flat=True)) == [7, 8]


def _fulfill_error(manager_gql, order, lines, **extra) -> dict:
    data = manager_gql.query(
        FULFILL, {"order": gid("Order", order.pk), "input": {"lines": lines, **extra}}
    )["orderFulfill"]
    assert data["order"] is None
    assert len(data["errors"]) == 1
    return data["errors"][0]


def test_order_fulfill_error_codes(manager_gql, paid_order, channel, stocked_variants):
    first, _second = _lines(paid_order)
    line_id = gid("OrderLine", first.pk)

    too_many = _fulfill_error(manager_gql, paid_order, [{"orderLineId": line_id, "quantity": 4}])
    assert too_many["code"] == "FULFILL_ORDER_LINE"
    assert too_many["orderLines"] == [line_id]
    assert too_many["field"] == "quantity"

    zero = _fulfill_error(manager_gql, paid_order, [{"orderLineId": line_id, "quantity": 0}])
    assert (zero["code"], zero["orderLines"]) == ("INVALID_QUANTITY", [line_id])

    assert _fulfill_error(manager_gql, paid_order, [])["code"] == "REQUIRED"

    twice = [{"orderLineId": line_id, "quantity": 1}] * 2
    assert _fulfill_error(manager_gql, paid_order, twice)["code"] == "DUPLICATED_INPUT_ITEM"

    missing = gid("OrderLine", "00000000-0000-0000-0000-000000000000")
    error = _fulfill_error(manager_gql, paid_order, [{"orderLineId": missing, "quantity": 1}])
    assert (error["code"], error["orderLines"]) == ("NOT_FOUND", [missing])

    other = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)])
    foreign = gid("OrderLine", other.lines.get().pk)
    error = _fulfill_error(manager_gql, paid_order, [{"orderLineId": foreign, "quantity": 1}])
    assert error["code"] == "NOT_FOUND"

    for tracking in ("x" * 256, "SF\x00"):
        error = _fulfill_error(
            manager_gql,
            paid_order,
            [{"orderLineId": line_id, "quantity": 1}],
            trackingNumber=tracking,
        )
        assert (error["field"], error["code"]) == ("trackingNumber", "INVALID")

    assert not Fulfillment.objects.exists()
    assert sorted(Stock.objects.values_list("quantity", flat=True)) == [10, 10]


def test_order_fulfill_refuses_unpaid_closed_addressless_and_unallocated_orders(
    manager_gql, channel, stocked_variants
):
    variant = stocked_variants[0]

    def one_line(order):
        return [{"orderLineId": gid("OrderLine", order.lines.get().pk), "quantity": 1}]

    unpaid = order_with_lines(channel=channel, lines=[(variant, 1)], paid=False)
    error = _fulfill_error(manager_gql, unpaid, one_line(unpaid))
    assert error["code"] == "CANNOT_FULFILL_UNPAID_ORDER"

    canceled = order_with_lines(channel=channel, lines=[(variant, 1)])
    Order.objects.filter(pk=canceled.pk).update(status=OrderStatus.CANCELED)
    assert _fulfill_error(manager_gql, canceled, one_line(canceled))["code"] == "NOT_EDITABLE"

    no_address = order_with_lines(channel=channel, lines=[(variant, 1)], shipping_address=None)
    error = _fulfill_error(manager_gql, no_address, one_line(no_address))
    assert error["code"] == "ORDER_NO_SHIPPING_ADDRESS"

    unallocated = order_with_lines(channel=channel, lines=[(variant, 1)], allocate_stock=False)
    error = _fulfill_error(manager_gql, unallocated, one_line(unallocated))
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["orderLines"] == [gid("OrderLine", unallocated.lines.get().pk)]


def test_order_grant_refund_create(manager_gql, manager, paid_order):
    data = manager_gql.query(
        GRANT, {"id": gid("Order", paid_order.pk), "amount": "12.8", "reason": "破损一件"}
    )["orderGrantRefundCreate"]
    assert data["errors"] == []
    assert data["grantedRefund"] == {
        "amount": {"amount": 12.8, "currency": "CNY"},
        "reason": "破损一件",
        "createdBy": {"email": manager.email},
    }
    assert data["order"]["totalGrantedRefund"] == {"amount": 12.8}
    assert data["order"]["grantedRefunds"] == [{"amount": {"amount": 12.8}, "reason": "破损一件"}]


def test_order_grant_refund_reason_is_checked(manager_gql, paid_order):
    for reason in ("理" * 1001, "a\x00"):
        data = manager_gql.query(
            GRANT, {"id": gid("Order", paid_order.pk), "amount": "1", "reason": reason}
        )
        errors = data["orderGrantRefundCreate"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [("reason", "INVALID")]
    assert not OrderGrantedRefund.objects.exists()


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "INVALID"),
        ("-5", "INVALID"),
        ("12.805", "INVALID"),
        ("1e30", "INVALID"),
        ("64.01", "CANNOT_REFUND"),
    ],
)
def test_order_grant_refund_create_errors(manager_gql, paid_order, amount, code):
    data = manager_gql.query(GRANT, {"id": gid("Order", paid_order.pk), "amount": amount})
    assert data["orderGrantRefundCreate"]["errors"][0]["field"] == "amount"
    assert data["orderGrantRefundCreate"]["errors"][0]["code"] == code
    assert not OrderGrantedRefund.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_order_mark_as_paid(manager_gql, channel, stocked_variants):
    order = order_with_lines(
        channel=channel,
        lines=[(stocked_variants[0], 2)],
        paid=False,
        payment_gateway="pay_at_station",
    )
    data = manager_gql.query(MARK_PAID, {"id": gid("Order", order.pk), "ref": "站点收据-001"})
    payload = data["orderMarkAsPaid"]
    assert payload["errors"] == []
    assert payload["order"]["isPaid"] is True
    assert payload["order"]["chargeStatus"] == "FULL"
    assert payload["order"]["totalCharged"] == {"amount": 25.6}
    assert payload["order"]["transactions"] == [{"chargedAmount": {"amount": 25.6}}]
    assert TransactionItem.objects.get().gateway == Gateway.PAY_AT_STATION

    again = manager_gql.query(MARK_PAID, {"id": gid("Order", order.pk)})["orderMarkAsPaid"]
    assert again["errors"][0]["code"] == "ALREADY_PAID"


def test_order_mark_as_paid_checks_the_reference(manager_gql, channel, stocked_variants):
    order = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], paid=False)
    data = manager_gql.query(MARK_PAID, {"id": gid("Order", order.pk), "ref": "R\x00"})
    errors = data["orderMarkAsPaid"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("transactionReference", "INVALID")]
    assert not TransactionItem.objects.exists()


def test_order_mark_as_paid_refuses_a_cancelled_order(manager_gql, channel, stocked_variants):
    order = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], paid=False)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELED)
    data = manager_gql.query(MARK_PAID, {"id": gid("Order", order.pk)})["orderMarkAsPaid"]
    assert data["errors"][0]["code"] == "NOT_EDITABLE"
    assert not TransactionItem.objects.exists()


def test_order_refund_through_the_gateway(manager_gql, channel, stocked_variants):
    order = order_with_lines(channel=channel, lines=[(stocked_variants[0], 2)], paid=False)
    manager_gql.query(MARK_PAID, {"id": gid("Order", order.pk)})

    data = manager_gql.query(REFUND, {"id": gid("Order", order.pk), "amount": "10.00"})
    assert data["orderRefund"] == {"order": {"totalRefunded": {"amount": 10.0}}, "errors": []}

    too_much = manager_gql.query(REFUND, {"id": gid("Order", order.pk), "amount": "15.61"})
    assert too_much["orderRefund"]["errors"][0]["code"] == "CANNOT_REFUND"
    for amount in ("-1", "0.001", "1e30"):
        bad = manager_gql.query(REFUND, {"id": gid("Order", order.pk), "amount": amount})
        assert bad["orderRefund"]["errors"][0]["code"] == "INVALID", amount
    order.refresh_from_db()
    assert order.total_refunded_amount == Decimal("10.00")


ANY_ORDER = gid("Order", "00000000-0000-0000-0000-000000000000")
MUTATIONS = [
    f'orderCancel(id: "{ANY_ORDER}")',
    f'orderConfirm(id: "{ANY_ORDER}")',
    f'orderNoteAdd(order: "{ANY_ORDER}", input: {{message: "x"}})',
    f'orderFulfill(order: "{ANY_ORDER}", input: {{lines: []}})',
    f'orderGrantRefundCreate(id: "{ANY_ORDER}", input: {{amount: 1}})',
    f'orderMarkAsPaid(id: "{ANY_ORDER}")',
    f'orderRefund(id: "{ANY_ORDER}", amount: 1)',
]


def _call(client: GraphQLClient, mutation: str):
    return client.post(f"mutation {{ {mutation} {{ errors {{ code field }} }} }}")


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_order_mutations_refuse_anonymous_shoppers_and_other_staff(client, mutation):
    shopper = UserFactory()
    # A customer account holding MANAGE_ORDERS by mistake is refused all the same.
    shopper.user_permissions.add(DjangoPermission.objects.get(codename="manage_orders"))
    product_staff = staff_with(Permission.MANAGE_PRODUCTS, group_name="商品组（测试）")
    for token in (None, create_access_token(shopper), create_access_token(product_staff)):
        body = _call(GraphQLClient(client, token), mutation).json()
        assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_order_mutations_let_order_managers_through(manager_gql, mutation):
    body = _call(manager_gql, mutation).json()
    assert "errors" not in body
    payload = _payload(body["data"])
    assert payload["errors"][0]["code"] in ("NOT_FOUND", "REQUIRED")


def test_order_managers_group_holds_the_permission(client, paid_order):
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="订单管理员"))
    data = GraphQLClient(client, create_access_token(user)).query(
        CANCEL, {"id": gid("Order", paid_order.pk)}
    )
    assert data["orderCancel"]["errors"] == []


def test_an_expired_token_cannot_cancel(client, manager, settings, paid_order):
    settings.JWT_ACCESS_TTL_SECONDS = -1
    response = GraphQLClient(client, create_access_token(manager)).post(
        CANCEL, {"id": gid("Order", paid_order.pk)}
    )
    assert response.status_code == 401
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.UNFULFILLED


@pytest.fixture
def stripe_server(settings):
    """The Stripe stand-in server of the payment tests, with Stripe switched on."""
    from tests.payment import stripe_standin

    server = stripe_standin.StripeStandIn().start()
    settings.STRIPE_SECRET_KEY = stripe_standin.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = stripe_standin.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = stripe_standin.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def test_order_refund_refused_by_the_gateway_is_a_payment_error(
    manager_gql, channel, stocked_variants, stripe_server
):
    from backend.order.payments import update_charge_status
    from backend.payment import transactions

    order = order_with_lines(channel=channel, lines=[(stocked_variants[0], 1)], paid=False)
    # A card payment whose PaymentIntent Stripe does not know: Stripe refuses the refund.
    item = TransactionItem.objects.create(
        gateway=Gateway.STRIPE, order=order, psp_reference="pi_unknown_to_stripe"
    )
    transactions.record_event(item, type="charge_success", amount=Decimal("12.80"))
    transactions.recalculate(item)
    update_charge_status(order)

    data = manager_gql.query(REFUND, {"id": gid("Order", order.pk), "amount": "5.00"})

    assert data["orderRefund"]["order"] is None
    assert data["orderRefund"]["errors"][0]["code"] == "PAYMENT_ERROR"
    assert data["orderRefund"]["errors"][0]["field"] == "amount"
    order.refresh_from_db()
    assert order.total_refunded_amount == Decimal("0.00")
