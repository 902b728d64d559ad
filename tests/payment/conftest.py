"""Fixtures for payment tests: a checkout with one listed product, shoppers with API tokens,
and the Stripe stand-in server (see `stripe_standin.py`) that the real `stripe` library is
pointed at through settings.STRIPE_API_BASE."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from tests.conftest import GraphQLClient
from tests.factories import (
    CheckoutFactory,
    CheckoutLineFactory,
    ProductFactory,
    UserFactory,
    list_product,
)
from tests.payment import stripe_standin

PRICE = Decimal("12.80")

INITIALIZE = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal,
         $key: String) {
  transactionInitialize(id: $id, paymentGateway: $gateway, amount: $amount,
                        idempotencyKey: $key) {
    transaction {
      id token name pspReference
      authorizedAmount { amount currency } chargedAmount { amount currency }
      chargePendingAmount { amount } refundedAmount { amount }
      events { type amount { amount currency } pspReference message }
    }
    transactionEvent { type amount { amount } pspReference }
    data
    errors { field message code }
  }
}"""

PROCESS = """
mutation($id: ID!, $data: JSON) {
  transactionProcess(id: $id, data: $data) {
    transaction { id chargedAmount { amount } authorizedAmount { amount }
                  events { type amount { amount } pspReference } }
    transactionEvent { type amount { amount } }
    data
    errors { field message code }
  }
}"""


@pytest.fixture
def variant(channel):
    return list_product(ProductFactory(), channel, prices=(PRICE,))[0]


@pytest.fixture
def make_checkout(channel, variant):
    """A checkout of `quantity` × the 12.80 product (no delivery chosen: total = lines)."""

    def make(*, user=None, quantity=2, lines=True, **fields):
        checkout = CheckoutFactory(channel=channel, user=user, **fields)
        if lines:
            CheckoutLineFactory(checkout=checkout, variant=variant, quantity=quantity)
        return checkout

    return make


@pytest.fixture
def checkout(make_checkout):
    return make_checkout()


def checkout_id(checkout) -> str:
    return to_global_id("Checkout", str(checkout.pk))


@pytest.fixture
def shopper(db):
    return UserFactory()


@pytest.fixture
def shopper_gql(client, shopper):
    return GraphQLClient(client, create_access_token(shopper))


@pytest.fixture
def stripe_server(settings):
    """The Stripe stand-in, with the settings that switch the Stripe gateway on."""
    server = stripe_standin.StripeStandIn().start()
    settings.STRIPE_SECRET_KEY = stripe_standin.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = stripe_standin.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = stripe_standin.WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def initialize(gql, checkout, gateway: str, *, data=None, amount=None, key=None) -> dict:
    variables = {
        "id": checkout_id(checkout),
        "gateway": {"id": gateway, "data": data},
        "amount": str(amount) if amount is not None else None,
        "key": key,
    }
    return gql.query(INITIALIZE, variables)["transactionInitialize"]


def process(gql, transaction_id: str, data=None) -> dict:
    return gql.query(PROCESS, {"id": transaction_id, "data": data})["transactionProcess"]


@pytest.fixture
def post_webhook(client):
    """Deliver a webhook body to /webhooks/stripe/ signed as Stripe signs it."""

    def post(body: bytes, *, signature: str | None = None):
        return client.post(
            "/webhooks/stripe/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature or stripe_standin.sign(body),
        )

    return post


@pytest.fixture
def place_order(channel):
    """Turn a paid checkout into an order the way checkoutComplete does: an order for the
    checkout's total, then `attach_checkout_transactions`."""
    from backend.checkout.calculations import checkout_total
    from backend.payment.services import attach_checkout_transactions
    from tests.factories import OrderFactory

    def place(checkout, *, user=None):
        total = checkout_total(checkout).gross.amount
        order = OrderFactory(
            channel=channel,
            checkout_token=checkout.pk,
            total_gross_amount=total,
            subtotal_gross_amount=total,
            user=checkout.user,
        )
        attach_checkout_transactions(checkout, order, user=user)
        order.refresh_from_db()
        return order

    return place
