"""Paying with Alipay on the web pages, through Stripe, without any JavaScript.

Stripe cannot be reached from a test machine: a local stand-in server
(tests/payment/stripe_standin.py) speaks Stripe's REST protocol, and the production code —
the official `stripe` client in backend/payment/gateways/stripe.py — talks to it through
STRIPE_API_BASE. The stand-in answers a server-side confirmation with `requires_action` and an
authorisation page; the test then plays the shopper approving (or not) on that page.
"""

from urllib.parse import urlsplit

import pytest

from backend.checkout.models import Checkout
from backend.order.models import Order
from backend.payment.models import TransactionItem
from tests.payment.stripe_standin import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET, StripeStandIn
from tests.storefront_checkout.conftest import add_to_cart, checkout_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_server(settings):
    server = StripeStandIn().start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def _to_alipay(client, county):
    """Cart → review with Alipay chosen → place: returns the approve page's response."""
    add_to_cart(client, county.rice, 2)
    review = checkout_to_review(client, county, gateway="stripe")
    assert review.status_code == 200
    response = client.post("/checkout/place/")
    assert response.status_code == 302 and response["Location"] == "/checkout/pay/approve/"
    return client.get("/checkout/pay/approve/")


def test_alipay_is_offered_on_the_payment_step(client, county, stripe_server):
    add_to_cart(client, county.rice)
    client.post("/checkout/contact/", {"phone": "13812345678"})
    from tests.storefront_checkout.conftest import address_form

    client.post("/checkout/address/", address_form(county.village))
    client.post("/checkout/delivery/", {"delivery_method": "pickup:GY-V1"})
    html = client.get("/checkout/payment/").content.decode()
    assert 'value="stripe"' in html and "支付宝" in html
    assert "网页版暂不支持在线支付" not in html


def test_paying_with_alipay_places_the_order_when_the_shopper_comes_back_paid(
    client, county, stripe_server
):
    approve = _to_alipay(client, county)
    html = approve.content.decode()
    intent_id, intent = next(iter(stripe_server.intents.items()))
    authorize = intent["next_action"]["redirect_to_url"]["url"]
    # The page sends the shopper on without script: a meta refresh and a link.
    assert f'content="0;url={authorize}"' in html and f'href="{authorize}"' in html
    assert "<script" not in html
    # Confirmed on the server for Alipay, in fen, coming back to our return page.
    create = stripe_server.calls("POST", "/v1/payment_intents")[-1].params
    assert create["confirm"] == "true" and create["payment_method_data"] == {"type": "alipay"}
    assert create["amount"] == str(int(intent["amount"]))
    assert urlsplit(create["return_url"]).path == "/checkout/pay/return/"
    assert Order.objects.count() == 0  # nothing placed while the shopper is away

    stripe_server.succeed(intent_id)  # the shopper approves on Alipay's page
    response = client.get(
        "/checkout/pay/return/", {"payment_intent": intent_id, "redirect_status": "succeeded"}
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert order.charge_status == "full"
    assert order.total_gross_amount * 100 == intent["amount"]
    assert not Checkout.objects.exists()
    # Coming back a second time (a reload) shows the same order, places nothing new.
    again = client.get("/checkout/pay/return/", {"payment_intent": intent_id})
    assert again["Location"] == f"/orders/{order.pk}/" and Order.objects.count() == 1


def test_the_query_string_cannot_claim_a_payment_stripe_has_not_seen(client, county, stripe_server):
    _to_alipay(client, county)
    intent_id = next(iter(stripe_server.intents))
    response = client.get(
        "/checkout/pay/return/", {"payment_intent": intent_id, "redirect_status": "succeeded"}
    )
    assert response.status_code == 302 and response["Location"] == "/checkout/review/"
    assert Order.objects.count() == 0
    unknown = client.get("/checkout/pay/return/", {"payment_intent": "pi_someone_else"})
    assert unknown["Location"] == "/checkout/payment/" and Order.objects.count() == 0


def test_a_declined_alipay_payment_sends_the_shopper_back_to_pay_again(
    client, county, stripe_server
):
    _to_alipay(client, county)
    intent_id = next(iter(stripe_server.intents))
    stripe_server.fail(intent_id, "The customer cancelled the payment.")
    response = client.get("/checkout/pay/return/", {"payment_intent": intent_id})
    assert response["Location"] == "/checkout/review/"
    assert Order.objects.count() == 0
    page = client.get("/checkout/review/").content.decode()
    assert "支付没有完成" in page
    # Paying again starts a new PaymentIntent and withdraws the unpaid one.
    client.post("/checkout/place/")
    assert len(stripe_server.intents) == 2
    assert stripe_server.intents[intent_id]["status"] in ("canceled", "requires_payment_method")


def test_a_payment_still_processing_shows_a_page_that_checks_again(client, county, stripe_server):
    _to_alipay(client, county)
    intent_id = next(iter(stripe_server.intents))
    stripe_server.update_intent(intent_id, status="processing")
    response = client.get("/checkout/pay/return/", {"payment_intent": intent_id})
    assert response.status_code == 200
    html = response.content.decode()
    assert "支付确认中" in html and '<meta http-equiv="refresh" content="5">' in html
    assert Order.objects.count() == 0
    stripe_server.succeed(intent_id)
    done = client.get("/checkout/pay/return/", {"payment_intent": intent_id})
    assert done.status_code == 302 and Order.objects.count() == 1
    assert TransactionItem.objects.get(psp_reference=intent_id).charged_value > 0


def test_the_approve_page_without_a_payment_goes_back_to_the_payment_step(client, county):
    add_to_cart(client, county.rice)
    response = client.get("/checkout/pay/approve/")
    assert response.status_code == 302 and response["Location"] == "/checkout/payment/"
