"""Paying a checkout with the dummy and pay-at-station gateways, and the rules every gateway
shares: the amount must be the checkout's total, only the checkout's owner pays it, an empty
checkout cannot be paid, a retry with the same idempotency key returns the same payment."""

from __future__ import annotations

import logging
from decimal import Decimal

from backend.payment.models import TransactionEvent, TransactionItem
from backend.payment.services import checkout_payment_coverage
from tests.payment.conftest import PROCESS, initialize, process

GATEWAY_INITIALIZE = """
mutation($id: ID!, $gateways: [PaymentGatewayToInitialize!], $amount: PositiveDecimal) {
  paymentGatewayInitialize(id: $id, paymentGateways: $gateways, amount: $amount) {
    gatewayConfigs { id data errors { field code } }
    errors { field code }
  }
}"""


def test_dummy_gateway_charges_the_checkout_total_at_once(gql, checkout):
    result = initialize(gql, checkout, "dummy")

    assert result["errors"] == []
    transaction = result["transaction"]
    assert transaction["chargedAmount"] == {"amount": 25.6, "currency": "CNY"}
    assert transaction["authorizedAmount"]["amount"] == 0
    assert [e["type"] for e in transaction["events"]] == ["CHARGE_REQUEST", "CHARGE_SUCCESS"]
    assert result["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    coverage = checkout_payment_coverage(checkout)
    assert (coverage.charged, coverage.authorized, coverage.gateway) == (
        Decimal("25.60"),
        Decimal("0.00"),
        "dummy",
    )
    assert not coverage.pay_at_station


def test_dummy_failure_charges_nothing(gql, checkout):
    result = initialize(gql, checkout, "dummy", data={"result": "CHARGE_FAILURE"})

    assert result["errors"] == []
    assert result["transaction"]["chargedAmount"]["amount"] == 0
    assert result["transactionEvent"]["type"] == "CHARGE_FAILURE"
    assert checkout_payment_coverage(checkout).charged == 0


def test_dummy_authorization_is_captured_by_transaction_process(gql, checkout):
    result = initialize(gql, checkout, "dummy", data={"result": "AUTHORIZATION_SUCCESS"})
    transaction = result["transaction"]
    assert transaction["authorizedAmount"]["amount"] == 25.6
    assert transaction["chargedAmount"]["amount"] == 0

    processed = process(gql, transaction["id"], data={"result": "CHARGE_SUCCESS"})

    assert processed["errors"] == []
    assert processed["transaction"]["chargedAmount"]["amount"] == 25.6
    assert processed["transaction"]["authorizedAmount"]["amount"] == 0


def test_dummy_result_must_be_a_known_outcome(gql, checkout):
    result = initialize(gql, checkout, "dummy", data={"result": "FREE_MONEY"})

    assert result["transaction"] is None
    assert result["errors"][0]["code"] == "INVALID"
    assert not TransactionItem.objects.exists()


def test_dummy_gateway_is_off_in_production_unless_enabled(gql, checkout, settings):
    settings.IS_PRODUCTION = True
    refused = initialize(gql, checkout, "dummy")
    assert refused["errors"][0]["code"] == "GATEWAY_NOT_AVAILABLE"

    settings.DUMMY_PAYMENTS_ENABLED = True
    assert initialize(gql, checkout, "dummy")["errors"] == []


def test_pay_at_station_leaves_the_whole_amount_pending(gql, checkout):
    result = initialize(gql, checkout, "pay_at_station")

    assert result["errors"] == []
    transaction = result["transaction"]
    assert transaction["chargedAmount"]["amount"] == 0
    assert transaction["chargePendingAmount"]["amount"] == 25.6
    assert result["transactionEvent"]["type"] == "CHARGE_PENDING"
    coverage = checkout_payment_coverage(checkout)
    assert coverage.pay_at_station
    assert coverage.charged == 0
    assert coverage.gateway == "pay_at_station"


def test_amount_other_than_the_checkout_total_is_refused_and_logged(gql, checkout, caplog):
    with caplog.at_level(logging.WARNING, logger="backend.payment.services"):
        result = initialize(gql, checkout, "dummy", amount=Decimal("0.01"))

    assert result["transaction"] is None
    assert result["errors"] == [
        {"field": "amount", "message": result["errors"][0]["message"], "code": "AMOUNT_MISMATCH"}
    ]
    assert "refused" in caplog.text and str(checkout.pk) in caplog.text
    assert not TransactionItem.objects.exists()


def test_amount_equal_to_the_total_is_accepted(gql, checkout):
    result = initialize(gql, checkout, "dummy", amount=Decimal("25.60"))

    assert result["errors"] == []
    assert result["transaction"]["chargedAmount"]["amount"] == 25.6


def test_checkout_in_a_currency_the_gateway_does_not_take_is_refused(gql, make_checkout):
    checkout = make_checkout(currency="USD")

    result = initialize(gql, checkout, "dummy")

    assert result["errors"][0]["code"] == "CURRENCY_MISMATCH"
    assert not TransactionItem.objects.exists()


def test_empty_checkout_cannot_be_paid(gql, make_checkout):
    checkout = make_checkout(lines=False)

    result = initialize(gql, checkout, "dummy")

    assert result["errors"][0]["code"] == "EMPTY_CHECKOUT"


def test_paid_checkout_is_not_charged_again(gql, checkout):
    assert initialize(gql, checkout, "dummy")["errors"] == []

    again = initialize(gql, checkout, "dummy")

    assert again["errors"][0]["code"] == "CHECKOUT_ALREADY_PAID"
    assert TransactionItem.objects.filter(checkout=checkout).count() == 1


def test_retry_with_the_same_idempotency_key_returns_the_same_transaction(gql, checkout):
    first = initialize(gql, checkout, "pay_at_station", key="pay-1")
    second = initialize(gql, checkout, "pay_at_station", key="pay-1")

    assert first["errors"] == second["errors"] == []
    assert first["transaction"]["id"] == second["transaction"]["id"]
    assert TransactionItem.objects.filter(checkout=checkout).count() == 1
    assert TransactionEvent.objects.filter(type="charge_pending").count() == 1


def test_idempotency_key_of_another_gateway_is_refused(gql, checkout):
    initialize(gql, checkout, "pay_at_station", key="pay-1")

    other = initialize(gql, checkout, "dummy", key="pay-1")

    assert other["errors"][0]["code"] == "UNIQUE"


def test_another_users_checkout_cannot_be_paid(shopper_gql, gql, make_checkout, shopper):
    from tests.factories import UserFactory

    someone_else = UserFactory()
    checkout = make_checkout(user=someone_else)

    as_shopper = initialize(shopper_gql, checkout, "dummy")
    as_guest = initialize(gql, checkout, "dummy")

    assert as_shopper["errors"][0]["code"] == "PERMISSION_DENIED"
    assert as_guest["errors"][0]["code"] == "PERMISSION_DENIED"
    assert not TransactionItem.objects.exists()


def test_owner_pays_own_checkout_and_a_guest_checkout_is_paid_by_its_id(
    shopper_gql, gql, make_checkout, shopper
):
    own = make_checkout(user=shopper)
    guest = make_checkout()

    assert initialize(shopper_gql, own, "dummy")["errors"] == []
    assert initialize(gql, guest, "dummy")["errors"] == []


def test_another_users_transaction_cannot_be_processed(shopper_gql, gql, make_checkout, shopper):
    checkout = make_checkout(user=shopper)
    result = initialize(shopper_gql, checkout, "dummy", data={"result": "AUTHORIZATION_SUCCESS"})

    stolen = gql.query(
        PROCESS, {"id": result["transaction"]["id"], "data": {"result": "CHARGE_SUCCESS"}}
    )["transactionProcess"]

    assert stolen["errors"][0]["code"] == "PERMISSION_DENIED"
    assert TransactionItem.objects.get().charged_value == 0


def test_unknown_gateway_is_refused(gql, checkout):
    result = initialize(gql, checkout, "paypal")

    assert result["errors"][0] == {
        "field": "paymentGateway",
        "message": result["errors"][0]["message"],
        "code": "GATEWAY_NOT_AVAILABLE",
    }


def test_payment_gateway_initialize_lists_the_available_gateways(gql, checkout):
    result = gql.query(GATEWAY_INITIALIZE, {"id": _id(checkout)})["paymentGatewayInitialize"]

    assert result["errors"] == []
    ids = [config["id"] for config in result["gatewayConfigs"]]
    assert ids == ["pay_at_station", "dummy"]  # Stripe is off without its secret key


def test_payment_gateway_initialize_gives_stripe_its_publishable_key(gql, checkout, stripe_server):
    result = gql.query(
        GATEWAY_INITIALIZE,
        {"id": _id(checkout), "gateways": [{"id": "stripe"}, {"id": "paypal"}]},
    )["paymentGatewayInitialize"]

    stripe, paypal = result["gatewayConfigs"]
    assert stripe["data"] == {
        "api_key": "pk_test_countymarket_standin",
        "payment_method_types": "card,alipay,wechat_pay",
    }
    assert stripe["errors"] == []
    assert paypal["errors"] == [{"field": "paymentGateways", "code": "NOT_FOUND"}]


def test_payment_gateway_initialize_refuses_a_wrong_amount(gql, checkout):
    result = gql.query(GATEWAY_INITIALIZE, {"id": _id(checkout), "amount": "1.00"})[
        "paymentGatewayInitialize"
    ]

    assert result["errors"] == [{"field": "amount", "code": "AMOUNT_MISMATCH"}]


def _id(checkout) -> str:
    from tests.payment.conftest import checkout_id

    return checkout_id(checkout)


def test_switching_from_pay_at_station_to_another_gateway_cancels_the_station_payment(
    gql, checkout, place_order
):
    initialize(gql, checkout, "pay_at_station")

    assert initialize(gql, checkout, "dummy")["errors"] == []

    coverage = checkout_payment_coverage(checkout)
    assert not coverage.pay_at_station
    assert (coverage.charged, coverage.gateway) == (Decimal("25.60"), "dummy")
    station = TransactionItem.objects.get(gateway="pay_at_station")
    assert station.charge_pending_value == 0
    order = place_order(checkout)
    assert order.payment_gateway == "dummy"
    assert not order.events.filter(type="payment_pending_at_station").exists()


def test_pay_at_station_no_longer_covers_a_cart_changed_since(gql, checkout):
    initialize(gql, checkout, "pay_at_station")

    checkout.lines.update(quantity=3)

    assert not checkout_payment_coverage(checkout).pay_at_station
    assert initialize(gql, checkout, "pay_at_station")["errors"] == []
    assert checkout_payment_coverage(checkout).pay_at_station
