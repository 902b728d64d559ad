"""What a storefront sees of payments: the gateways a checkout offers, its transactions, and
the errors for IDs and data that make no sense."""

from __future__ import annotations

from graphql_relay import to_global_id

from tests.payment.conftest import PROCESS, checkout_id, initialize

CHECKOUT_PAYMENTS = """
query($id: ID!) {
  checkout(id: $id) {
    availablePaymentGateways { id name currencies config { field value } }
    transactions { id chargedAmount { amount currency } events { type } }
  }
}"""


def test_checkout_offers_the_enabled_gateways_with_their_public_config(
    gql, checkout, stripe_server
):
    data = gql.query(CHECKOUT_PAYMENTS, {"id": checkout_id(checkout)})["checkout"]

    gateways = {g["id"]: g for g in data["availablePaymentGateways"]}
    assert list(gateways) == ["stripe", "pay_at_station", "dummy"]
    assert gateways["stripe"]["currencies"] == ["CNY"]
    assert {"field": "api_key", "value": "pk_test_countymarket_standin"} in gateways["stripe"][
        "config"
    ]
    assert gateways["pay_at_station"]["name"] == "到站付款"
    assert "sk_test" not in str(data)


def test_checkout_lists_its_transactions(gql, checkout):
    initialize(gql, checkout, "dummy")

    data = gql.query(CHECKOUT_PAYMENTS, {"id": checkout_id(checkout)})["checkout"]

    (transaction,) = data["transactions"]
    assert transaction["chargedAmount"] == {"amount": 25.6, "currency": "CNY"}
    assert [e["type"] for e in transaction["events"]] == ["CHARGE_REQUEST", "CHARGE_SUCCESS"]


def test_gateway_data_may_be_sent_as_a_json_string(gql, checkout):
    result = initialize(gql, checkout, "dummy", data='{"result": "AUTHORIZATION_SUCCESS"}')

    assert result["errors"] == []
    assert result["transaction"]["authorizedAmount"]["amount"] == 25.6


def test_gateway_data_that_is_not_an_object_is_refused(gql, checkout):
    result = initialize(gql, checkout, "dummy", data="[1, 2]")

    assert result["errors"] == [
        {"field": "paymentGateway", "message": result["errors"][0]["message"], "code": "INVALID"}
    ]


def test_an_id_of_another_type_is_an_input_error(gql, checkout):
    result = gql.query(PROCESS, {"id": checkout_id(checkout), "data": None})["transactionProcess"]

    assert result["errors"][0]["code"] == "GRAPHQL_ERROR"
    assert result["errors"][0]["field"] == "id"


def test_unknown_transaction_is_not_found(gql, db):
    unknown = to_global_id("TransactionItem", "0d4f1f0e-7f5e-4c9c-9a55-9f4f4c3f1b11")

    result = gql.query(PROCESS, {"id": unknown, "data": None})["transactionProcess"]

    assert result["errors"][0]["code"] == "NOT_FOUND"


def test_unknown_checkout_is_not_found(gql, db):
    unknown = to_global_id("Checkout", "0d4f1f0e-7f5e-4c9c-9a55-9f4f4c3f1b11")

    result = gql.query(
        """mutation($id: ID!) {
          transactionInitialize(id: $id, paymentGateway: {id: "dummy"}) { errors { code } }
        }""",
        {"id": unknown},
    )["transactionInitialize"]

    assert result["errors"] == [{"code": "NOT_FOUND"}]


def test_transaction_event_types_use_saleors_names(gql, checkout):
    result = initialize(gql, checkout, "pay_at_station")

    assert result["transactionEvent"]["type"] == "CHARGE_PENDING"
    assert result["transaction"]["id"] == to_global_id(
        "TransactionItem", result["transaction"]["token"]
    )
