"""Checkout through the GraphQL API: lines and their rules, addresses on the county's
divisions, delivery methods and their prices, problems, ownership and completion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.catalog.models import ProductChannelListing
from backend.checkout.models import Checkout
from backend.inventory.models import Reservation, Stock
from backend.order.models import Order
from backend.vendors.models import VendorStatus
from tests.checkout.conftest import (
    COMPLETE,
    CREATE,
    DELIVERY,
    LINES_ADD,
    LINES_DELETE,
    LINES_UPDATE,
    PAY,
    SHIPPING_ADDRESS,
    in_county_address,
    out_of_county_address,
)
from tests.conftest import GraphQLClient
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def vid(variant) -> str:
    return to_global_id("ProductVariant", variant.pk)


def create(gql, channel, lines, **extra):
    data = gql.query(CREATE, {"input": {"channel": channel.slug, "lines": lines, **extra}})
    return data["checkoutCreate"]


def ready_checkout(gql, channel, variant, *, quantity=2, address=None):
    """A checkout with a line, an in-county address and the county delivery chosen."""
    result = create(gql, channel, [{"variantId": vid(variant), "quantity": quantity}])
    assert result["errors"] == []
    checkout_id = result["checkout"]["id"]
    result = gql.query(
        SHIPPING_ADDRESS, {"id": checkout_id, "address": address or in_county_address()}
    )["checkoutShippingAddressUpdate"]
    assert result["errors"] == []
    method = result["checkout"]["shippingMethods"][0]["id"]
    result = gql.query(DELIVERY, {"id": checkout_id, "method": method})
    assert result["checkoutDeliveryMethodUpdate"]["errors"] == []
    return result["checkoutDeliveryMethodUpdate"]["checkout"]


def pay_dummy(gql, checkout_id, amount=None):
    variables = {"id": checkout_id, "gateway": {"id": "dummy"}}
    if amount is not None:
        variables["amount"] = amount
    return gql.query(PAY, variables)["transactionInitialize"]


def test_create_prices_lines_and_totals(gql, channel, county, rice):
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": 2}], email="A@Example.com")
    assert result["errors"] == []
    checkout = result["checkout"]
    assert checkout["email"] == "a@example.com"
    assert checkout["quantity"] == 2
    assert checkout["isShippingRequired"] is True
    line = checkout["lines"][0]
    assert line["unitPrice"]["gross"]["amount"] == 39.90
    assert line["totalPrice"]["gross"]["amount"] == 79.80
    # 79.80 / 1.09 = 73.21 net; tax is the rest.
    assert checkout["subtotalPrice"]["net"]["amount"] == 73.21
    assert checkout["subtotalPrice"]["tax"]["amount"] == 6.59
    assert checkout["shippingPrice"]["gross"]["amount"] == 0
    assert checkout["totalPrice"]["gross"] == {"amount": 79.80, "currency": "CNY"}
    # No address yet: no delivery method can be offered.
    assert checkout["shippingMethods"] == []


def test_lines_add_accumulates_and_update_sets_and_zero_removes(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    added = gql.query(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(rice), "quantity": 2}]}
    )
    assert added["checkoutLinesAdd"]["checkout"]["lines"][0]["quantity"] == 3
    line_id = added["checkoutLinesAdd"]["checkout"]["lines"][0]["id"]
    updated = gql.query(
        LINES_UPDATE, {"id": checkout["id"], "lines": [{"lineId": line_id, "quantity": 5}]}
    )
    assert updated["checkoutLinesUpdate"]["checkout"]["lines"][0]["quantity"] == 5
    removed = gql.query(
        LINES_UPDATE, {"id": checkout["id"], "lines": [{"lineId": line_id, "quantity": 0}]}
    )
    assert removed["checkoutLinesUpdate"]["checkout"]["lines"] == []


def test_lines_delete(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    line_id = checkout["lines"][0]["id"]
    result = gql.query(LINES_DELETE, {"id": checkout["id"], "ids": [line_id]})[
        "checkoutLinesDelete"
    ]
    assert result["errors"] == []
    assert result["checkout"]["lines"] == []
    again = gql.query(LINES_DELETE, {"id": checkout["id"], "ids": [line_id]})["checkoutLinesDelete"]
    assert again["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("quantity", "code", "field"),
    [
        (0, "ZERO_QUANTITY", "quantity"),
        (-1, "ZERO_QUANTITY", "quantity"),
        (51, "QUANTITY_GREATER_THAN_LIMIT", "quantity"),
    ],
)
def test_line_quantity_rules(gql, channel, county, rice, quantity, code, field):
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": quantity}])
    assert result["checkout"] is None
    assert result["errors"][0]["code"] == code
    assert result["errors"][0]["field"] == field
    assert Checkout.objects.count() == 0


def test_line_limit_is_configurable_and_per_customer_limit_applies(
    gql, channel, county, rice, settings
):
    settings.MAX_CHECKOUT_LINE_QUANTITY = 3
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": 4}])
    assert result["errors"][0]["code"] == "QUANTITY_GREATER_THAN_LIMIT"
    assert result["errors"][0]["variants"] == [vid(rice)]
    settings.MAX_CHECKOUT_LINE_QUANTITY = 50
    rice.quantity_limit_per_customer = 2
    rice.save()
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": 3}])
    assert result["errors"][0]["code"] == "QUANTITY_GREATER_THAN_LIMIT"


def test_unpublished_and_not_yet_available_products_are_refused(gql, channel, county, rice):
    listing = ProductChannelListing.objects.get(product=rice.product, channel=channel)
    listing.available_for_purchase_at = timezone.now() + timezone.timedelta(days=3)
    listing.save()
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])
    assert result["errors"][0]["code"] == "PRODUCT_UNAVAILABLE_FOR_PURCHASE"
    listing.is_published = False
    listing.save()
    result = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])
    assert result["errors"][0]["code"] == "PRODUCT_NOT_PUBLISHED"
    assert result["errors"][0]["variants"] == [vid(rice)]


def test_insufficient_stock_names_the_line(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 8}])["checkout"]
    result = gql.query(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(rice), "quantity": 3}]}
    )
    error = result["checkoutLinesAdd"]["errors"][0]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["lines"] == [checkout["lines"][0]["id"]]
    assert Checkout.objects.get().lines.get().quantity == 8


def test_unknown_channel_and_variant(gql, channel, county, rice):
    result = gql.query(CREATE, {"input": {"channel": "nowhere", "lines": []}})["checkoutCreate"]
    assert result["errors"][0] == {
        "field": "channel",
        "message": result["errors"][0]["message"],
        "code": "NOT_FOUND",
        "lines": None,
        "variants": None,
    }
    result = create(
        gql, channel, [{"variantId": to_global_id("ProductVariant", 999999), "quantity": 1}]
    )
    assert result["errors"][0]["code"] == "NOT_FOUND"
    assert result["errors"][0]["field"] == "variantId"


def test_reservations_hold_stock_for_the_cart(gql, channel, county, rice, settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 10
    first = create(gql, channel, [{"variantId": vid(rice), "quantity": 7}])
    assert first["errors"] == []
    assert Reservation.objects.get().quantity_reserved == 7
    second = create(gql, channel, [{"variantId": vid(rice), "quantity": 4}])
    assert second["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    # Once the first reservation has expired the units are free again.
    Reservation.objects.update(reserved_until=timezone.now() - timezone.timedelta(seconds=1))
    third = create(gql, channel, [{"variantId": vid(rice), "quantity": 4}])
    assert third["errors"] == []


def test_expired_reservations_are_deleted_by_the_beat_task(gql, channel, county, rice, settings):
    from backend.inventory.tasks import release_expired_reservations_task

    settings.CHECKOUT_RESERVATION_MINUTES = 10
    create(gql, channel, [{"variantId": vid(rice), "quantity": 2}])
    assert release_expired_reservations_task() == 0
    Reservation.objects.update(reserved_until=timezone.now() - timezone.timedelta(minutes=1))
    assert release_expired_reservations_task() == 1
    assert Reservation.objects.count() == 0


def test_county_address_offers_flat_rate_free_over_threshold(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    result = gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": in_county_address()})
    checkout = result["checkoutShippingAddressUpdate"]["checkout"]
    assert checkout["shippingAddress"] == {
        "fullName": "王小梅",
        "townName": "伊山镇",
        "villageName": "大伊山村",
    }
    assert [(m["id"], m["price"]["amount"]) for m in checkout["shippingMethods"]] == [
        ("county-flat", 5.0)
    ]
    chosen = gql.query(DELIVERY, {"id": checkout["id"], "method": "county-flat"})
    checkout = chosen["checkoutDeliveryMethodUpdate"]["checkout"]
    assert checkout["deliveryMethod"]["id"] == "county-flat"
    assert checkout["totalPrice"]["gross"]["amount"] == 44.90
    # Above ¥99 the county delivery is free.
    more = gql.query(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(rice), "quantity": 2}]}
    )
    assert more["checkoutLinesAdd"]["checkout"]["shippingPrice"]["gross"]["amount"] == 0


def test_out_of_county_address_is_priced_by_weight(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 2}])["checkout"]
    result = gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": out_of_county_address()})
    methods = result["checkoutShippingAddressUpdate"]["checkout"]["shippingMethods"]
    # 2 × 5 kg = 10 kg: ¥12 for the first kilogram and ¥5 for each of the other nine.
    assert [(m["id"], m["price"]["amount"]) for m in methods] == [("express-weight", 57.0)]
    refused = gql.query(DELIVERY, {"id": checkout["id"], "method": "county-flat"})
    assert (
        refused["checkoutDeliveryMethodUpdate"]["errors"][0]["code"]
        == "DELIVERY_METHOD_NOT_APPLICABLE"
    )


def test_village_of_another_town_is_refused(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    address = in_county_address(village="320723101001")
    result = gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": address})
    errors = result["checkoutShippingAddressUpdate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("village", "INVALID_VILLAGE")]
    assert Checkout.objects.get().shipping_address is None


def test_changing_the_address_drops_a_method_no_longer_offered(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice)
    result = gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": out_of_county_address()})
    assert result["checkoutShippingAddressUpdate"]["checkout"]["deliveryMethod"] is None


def test_delivery_needs_an_address_first(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    result = gql.query(DELIVERY, {"id": checkout["id"], "method": "county-flat"})
    assert result["checkoutDeliveryMethodUpdate"]["errors"][0]["code"] == "SHIPPING_ADDRESS_NOT_SET"


def test_problems_show_a_line_that_went_out_of_stock(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 4}])["checkout"]
    Stock.objects.filter(product_variant=rice).update(quantity=2)
    data = gql.query(
        "query($id: ID!) { checkout(id: $id) { problems { __typename "
        "... on CheckoutLineProblemInsufficientStock { availableQuantity line { id } } } } }",
        {"id": checkout["id"]},
    )
    assert data["checkout"]["problems"] == [
        {
            "__typename": "CheckoutLineProblemInsufficientStock",
            "availableQuantity": 2,
            "line": {"id": checkout["lines"][0]["id"]},
        }
    ]


def test_a_suspended_vendors_products_leave_carts_too(gql, channel, county, rice):
    vendor = VendorFactory()
    rice.product.vendor = vendor
    rice.product.save()
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    vendor.status = VendorStatus.SUSPENDED
    vendor.save()
    refused = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])
    assert refused["errors"][0]["code"] == "PRODUCT_NOT_PUBLISHED"
    data = gql.query(
        "query($id: ID!) { checkout(id: $id) { problems { __typename "
        "... on CheckoutLineProblemVariantNotAvailable { line { id } } } } }",
        {"id": checkout["id"]},
    )
    assert data["checkout"]["problems"] == [
        {
            "__typename": "CheckoutLineProblemVariantNotAvailable",
            "line": {"id": checkout["lines"][0]["id"]},
        }
    ]


def test_an_accounts_cart_is_invisible_to_others(client, channel, county, rice):
    owner, stranger = UserFactory(), UserFactory()
    owner_gql = GraphQLClient(client, create_access_token(owner))
    checkout = create(owner_gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    stranger_gql = GraphQLClient(client, create_access_token(stranger))
    query = "query($id: ID!) { checkout(id: $id) { id } }"
    assert stranger_gql.query(query, {"id": checkout["id"]})["checkout"] is None
    assert GraphQLClient(client).query(query, {"id": checkout["id"]})["checkout"] is None
    assert owner_gql.query(query, {"id": checkout["id"]})["checkout"]["id"] == checkout["id"]
    result = stranger_gql.query(
        LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(rice), "quantity": 1}]}
    )
    assert result["checkoutLinesAdd"]["errors"][0]["code"] == "NOT_FOUND"


def test_guest_cart_merges_into_the_account_on_login(client, channel, county, rice):
    from tests.factories import ProductFactory, list_product

    user = UserFactory()
    user_gql = GraphQLClient(client, create_access_token(user))
    vinegar = list_product(
        ProductFactory(),
        channel,
        prices=(Decimal("9.90"),),
        stock=5,
        warehouse=rice.stocks.get().warehouse,
    )[0]
    older = create(user_gql, channel, [{"variantId": vid(vinegar), "quantity": 2}])["checkout"]
    guest = create(GraphQLClient(client), channel, [{"variantId": vid(rice), "quantity": 1}])[
        "checkout"
    ]
    attach = """mutation($id: ID!) { checkoutCustomerAttach(id: $id) {
        checkout { id lines { quantity variant { sku } } } errors { code } } }"""
    result = user_gql.query(attach, {"id": guest["id"]})["checkoutCustomerAttach"]
    assert result["errors"] == []
    assert sorted(line["variant"]["sku"] for line in result["checkout"]["lines"]) == sorted(
        [rice.sku, vinegar.sku]
    )
    assert not Checkout.objects.filter(pk=older["token"]).exists()
    assert Checkout.objects.get(pk=guest["token"]).user == user
    anonymous = GraphQLClient(client).query(attach, {"id": guest["id"]})["checkoutCustomerAttach"]
    assert anonymous["errors"][0]["code"] in {"PERMISSION_DENIED", "NOT_FOUND"}


def test_complete_needs_payment_then_places_one_order(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice)
    unpaid = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert unpaid["order"] is None
    assert unpaid["errors"][0]["code"] == "CHECKOUT_NOT_FULLY_PAID"
    assert Order.objects.count() == 0
    assert pay_dummy(gql, checkout["id"])["errors"] == []
    placed = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert placed["errors"] == []
    order = placed["order"]
    assert order["status"] == "UNFULFILLED"
    assert order["chargeStatus"] == "FULL"
    assert order["total"]["gross"]["amount"] == 84.80  # 2 × 39.90 + ¥5 county delivery
    assert order["lines"] == [
        {
            "productName": "东王集大米",
            "productSku": rice.sku,
            "quantity": 2,
            "unitPrice": {"gross": {"amount": 39.90}},
        }
    ]
    stock = Stock.objects.get(product_variant=rice)
    assert (stock.quantity, stock.quantity_allocated) == (10, 2)
    # Completing again (a retry after a lost response) returns the same order.
    again = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert again["errors"] == []
    assert again["order"]["id"] == order["id"]
    assert Order.objects.count() == 1
    assert Stock.objects.get(product_variant=rice).quantity_allocated == 2


def test_complete_refuses_when_the_cart_changed_after_paying(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice)
    assert pay_dummy(gql, checkout["id"])["errors"] == []
    gql.query(LINES_ADD, {"id": checkout["id"], "lines": [{"variantId": vid(rice), "quantity": 1}]})
    result = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert result["errors"][0]["code"] == "CHECKOUT_NOT_FULLY_PAID"
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ("no_address", "SHIPPING_ADDRESS_NOT_SET"),
        ("no_method", "SHIPPING_METHOD_NOT_SET"),
        ("empty", "NO_LINES"),
    ],
)
def test_complete_checks_every_step(gql, channel, county, rice, step, code):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    if step == "no_method":
        gql.query(SHIPPING_ADDRESS, {"id": checkout["id"], "address": in_county_address()})
    if step == "empty":
        gql.query(LINES_DELETE, {"id": checkout["id"], "ids": [checkout["lines"][0]["id"]]})
    result = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert result["errors"][0]["code"] == code
    assert Order.objects.count() == 0


def test_complete_with_stock_gone_writes_nothing(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice, quantity=3)
    assert pay_dummy(gql, checkout["id"])["errors"] == []
    Stock.objects.filter(product_variant=rice).update(quantity=2)
    result = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert result["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert result["errors"][0]["variants"] == [vid(rice)]
    assert Order.objects.count() == 0
    assert Checkout.objects.filter(pk=checkout["token"]).exists()
    assert Stock.objects.get(product_variant=rice).quantity_allocated == 0


def test_pay_at_station_places_an_unpaid_order(gql, channel, county, rice):
    checkout = ready_checkout(gql, channel, rice)
    result = gql.query(PAY, {"id": checkout["id"], "gateway": {"id": "pay_at_station"}})
    assert result["transactionInitialize"]["errors"] == []
    placed = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert placed["errors"] == []
    assert placed["order"]["chargeStatus"] == "NONE"
    order = Order.objects.get()
    assert order.payment_gateway == "pay_at_station"
    assert order.pay_by is None


def test_me_checkouts_lists_only_the_users_own_carts(client, channel, county, rice):
    user = UserFactory()
    api = GraphQLClient(client, create_access_token(user))
    mine = create(api, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    create(GraphQLClient(client), channel, [{"variantId": vid(rice), "quantity": 1}])
    query = "query($c: String) { me { checkouts(channel: $c) { id quantity } } }"
    assert api.query(query, {"c": channel.slug})["me"]["checkouts"] == [
        {"id": mine["id"], "quantity": 1}
    ]
    assert api.query(query, {"c": "elsewhere"})["me"]["checkouts"] == []


def test_overpaid_checkout_still_completes_as_overcharged(gql, channel, county, rice):
    """Two payments that both went through (e.g. a card payment landing just as the shopper
    switched to Alipay) must not leave a paid cart that can never become an order: it is
    placed as overcharged so staff refund the difference."""
    checkout = ready_checkout(gql, channel, rice)
    assert pay_dummy(gql, checkout["id"])["errors"] == []
    # A second charge that went through at the provider although the first had (the API
    # refuses a second payment of a paid cart, so it is recorded as the webhook would).
    from backend.payment.models import TransactionItem
    from backend.payment.transactions import recalculate, record_event

    first = TransactionItem.objects.get()
    second = TransactionItem.objects.create(
        gateway="stripe", checkout=first.checkout, currency="CNY", psp_reference="pi_late"
    )
    record_event(second, type="charge_success", amount=first.charged_value, psp_reference="pi_late")
    recalculate(second)
    placed = gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]
    assert placed["errors"] == []
    assert placed["order"]["chargeStatus"] == "OVERCHARGED"


def test_carts_and_orders_do_not_empty_the_catalog_cache(
    gql, channel, county, rice, settings, django_capture_on_commit_callbacks
):
    """Reservations and allocations are inventory rows, but writing them must not bump the
    catalog version (every cart would empty the storefront's cache); a stock edit still does."""
    from backend.catalog.cache import catalog_version

    settings.CHECKOUT_RESERVATION_MINUTES = 10
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        checkout = ready_checkout(gql, channel, rice)
        assert pay_dummy(gql, checkout["id"])["errors"] == []
        assert gql.query(COMPLETE, {"id": checkout["id"]})["checkoutComplete"]["errors"] == []
    assert catalog_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        stock = Stock.objects.get(product_variant=rice)
        stock.quantity = 20
        stock.save()
    assert catalog_version() > before


def test_email_and_phone_updates(gql, channel, county, rice):
    checkout = create(gql, channel, [{"variantId": vid(rice), "quantity": 1}])["checkout"]
    email = """mutation($id: ID!, $v: String!) { checkoutEmailUpdate(id: $id, email: $v) {
        checkout { email } errors { field code } } }"""
    phone = """mutation($id: ID!, $v: String!) { checkoutPhoneUpdate(id: $id, phone: $v) {
        checkout { phone } errors { field code } } }"""
    ok = gql.query(email, {"id": checkout["id"], "v": "Mei@Example.com"})["checkoutEmailUpdate"]
    assert ok == {"checkout": {"email": "mei@example.com"}, "errors": []}
    bad = gql.query(email, {"id": checkout["id"], "v": "not-an-address"})["checkoutEmailUpdate"]
    assert bad["errors"] == [{"field": "email", "code": "INVALID"}]
    ok = gql.query(phone, {"id": checkout["id"], "v": "138 1234 5678"})["checkoutPhoneUpdate"]
    assert ok == {"checkout": {"phone": "+8613812345678"}, "errors": []}
    bad = gql.query(phone, {"id": checkout["id"], "v": "12345"})["checkoutPhoneUpdate"]
    assert bad["errors"] == [{"field": "phone", "code": "INVALID"}]
