"""The Saleor storefront's checkout operations, run in order against the seeded county: a cart
is filled, addressed, given a delivery method and a promo code, paid with the dummy gateway and
completed, each step with the storefront's own documents."""

from __future__ import annotations

import pytest

from backend.order.models import Order

pytestmark = pytest.mark.django_db

CHANNEL = "guanyun"
LANGUAGE = "ZH_HANS"

# The county address as a Saleor client sends it, plus our town and village (division codes).
SALEOR_ADDRESS = {
    "firstName": "小梅",
    "lastName": "王",
    "companyName": "",
    "streetAddress1": "大伊山村三组 12 号",
    "streetAddress2": "",
    "city": "连云港市",
    "cityArea": "灌云县",
    "countryArea": "江苏省",
    "postalCode": "222200",
    "country": "CN",
    "phone": "13812345678",
}
COUNTY_FIELDS = {"town": "320723100", "village": "320723100201"}


def _variant_id(saleor, sku: str) -> str:
    variant = saleor("ProductVariantForPdp", sku=sku, channel=CHANNEL, languageCode=LANGUAGE)
    return variant["productVariant"]["id"]


def _new_checkout(saleor) -> str:
    created = saleor("checkoutCreate", channel=CHANNEL, languageCode=LANGUAGE)["checkoutCreate"]
    assert created["errors"] == []
    return created["checkout"]["id"]


def test_a_saleor_client_fills_pays_and_completes_a_checkout(shopper_saleor):
    saleor = shopper_saleor
    checkout_id = _new_checkout(saleor)
    rice = _variant_id(saleor, "DWJ-RICE-2.5KG")
    added = saleor(
        "checkoutLinesAdd",
        checkoutId=checkout_id,
        lines=[{"variantId": rice, "quantity": 2}],
        languageCode=LANGUAGE,
    )["checkoutLinesAdd"]
    assert added["errors"] == []
    checkout = added["checkout"]
    assert [line["quantity"] for line in checkout["lines"]] == [2]
    assert checkout["lines"][0]["variant"]["translation"]["name"] == "2.5kg 袋装"
    assert checkout["chargeStatus"] == "NONE" and checkout["authorizeStatus"] == "NONE"
    assert checkout["giftCards"] == [] and checkout["delivery"] is None

    # A Saleor client that sends only Saleor's fields is told which county fields are missing.
    missing = saleor(
        "checkoutShippingAddressUpdate",
        checkoutId=checkout_id,
        shippingAddress=SALEOR_ADDRESS,
        languageCode=LANGUAGE,
    )["checkoutShippingAddressUpdate"]
    assert sorted(error["field"] for error in missing["errors"]) == ["town", "village"]
    assert {error["code"] for error in missing["errors"]} == {"REQUIRED"}
    assert missing["checkout"] is None

    addressed = saleor(
        "checkoutShippingAddressUpdate",
        checkoutId=checkout_id,
        shippingAddress={**SALEOR_ADDRESS, **COUNTY_FIELDS},
        saveAddress=False,
        validationRules={"checkRequiredFields": True},
        languageCode=LANGUAGE,
    )["checkoutShippingAddressUpdate"]
    assert addressed["errors"] == []
    address = addressed["checkout"]["shippingAddress"]
    assert (address["firstName"], address["companyName"]) == ("王小梅", "")
    assert address["country"]["code"] == "CN"

    options = saleor("deliveryOptionsCalculate", id=checkout_id)["deliveryOptionsCalculate"]
    assert options["errors"] == [] and options["deliveries"]
    delivery = options["deliveries"][0]
    assert delivery["id"] == delivery["shippingMethod"]["id"]
    chosen = saleor(
        "checkoutDeliveryMethodUpdate",
        checkoutId=checkout_id,
        deliveryMethodId=delivery["id"],
        languageCode=LANGUAGE,
    )["checkoutDeliveryMethodUpdate"]
    assert chosen["errors"] == []
    assert chosen["checkout"]["delivery"]["id"] == delivery["id"]
    assert chosen["checkout"]["problems"] == []

    bad_code = saleor(
        "checkoutAddPromoCode", checkoutId=checkout_id, promoCode="NOPE", languageCode=LANGUAGE
    )["checkoutAddPromoCode"]
    assert bad_code["errors"] and bad_code["errors"][0]["field"] == "promoCode"
    with_code = saleor(
        "checkoutAddPromoCode",
        checkoutId=checkout_id,
        promoCode="YISHAN10",
        languageCode=LANGUAGE,
    )["checkoutAddPromoCode"]
    assert with_code["errors"] == [], with_code["errors"]
    checkout = with_code["checkout"]
    assert checkout["voucherCode"] == "YISHAN10"
    assert checkout["discountName"] and checkout["discount"]["amount"] >= 10
    total = checkout["totalPrice"]["gross"]["amount"]

    refused = saleor(
        "transactionInitialize",
        checkoutId=checkout_id,
        action="AUTHORIZATION",
        paymentGateway={"id": "dummy"},
    )["transactionInitialize"]
    assert [e["field"] for e in refused["errors"]] == ["action"]
    paid = saleor(
        "transactionInitialize",
        checkoutId=checkout_id,
        action="CHARGE",
        paymentGateway={"id": "dummy"},
    )["transactionInitialize"]
    assert paid["errors"] == []
    assert paid["transaction"]["actions"] == ["REFUND"]
    after = saleor("checkout", id=checkout_id, languageCode=LANGUAGE)["checkout"]
    assert after["chargeStatus"] == "FULL" and after["authorizeStatus"] == "FULL"

    completed = saleor("checkoutComplete", checkoutId=checkout_id)["checkoutComplete"]
    assert completed["errors"] == []
    assert completed["order"]["channel"]["slug"] == CHANNEL
    order = saleor("order", id=completed["order"]["id"], languageCode=LANGUAGE)["order"]
    assert order["isPaid"] is True and order["chargeStatus"] == "FULL"
    assert order["authorizeStatus"] == "FULL"
    assert order["totalCaptured"]["amount"] == total
    assert order["total"]["gross"]["amount"] == total
    assert order["voucher"] == {"code": "YISHAN10"}
    assert order["deliveryMethod"]["name"] == delivery["shippingMethod"]["name"]
    assert any(d["amount"]["amount"] == 10 for d in order["discounts"])
    assert Order.objects.filter(number=order["number"]).exists()


def test_cart_operations_of_the_storefront(saleor):
    created = saleor("CheckoutCreate", channel=CHANNEL, languageCode="EN")["checkoutCreate"]
    assert created["errors"] == []
    checkout_id = created["checkout"]["id"]
    rice = _variant_id(saleor, "DWJ-RICE-5KG")
    added = saleor("CheckoutAddLine", id=checkout_id, productVariantId=rice)["checkoutLinesAdd"]
    assert added["errors"] == [], added["errors"]
    line_id = added["checkout"]["lines"][0]["id"]
    updated = saleor(
        "CheckoutLinesUpdate", checkoutId=checkout_id, lines=[{"lineId": line_id, "quantity": 2}]
    )["checkoutLinesUpdate"]
    assert updated["errors"] == [], updated["errors"]
    assert updated["checkout"]["lines"][0]["quantity"] == 2
    found = saleor("CheckoutFind", id=checkout_id, languageCode="EN")["checkout"]
    assert found["lines"][0]["variant"]["product"]["name"] == "东王集大米"
    assert found["lines"][0]["variant"]["translation"] is None  # no English names kept
    deleted = saleor(
        "checkoutLineDelete", checkoutId=checkout_id, lineId=line_id, languageCode="EN"
    )["checkoutLineDelete"]
    assert deleted["errors"] == [] and deleted["checkout"]["lines"] == []


def test_address_rules_and_channel_countries(saleor):
    rules = saleor("addressValidationRules", countryCode="CN")["addressValidationRules"]
    assert {"town", "village", "country_area", "city", "city_area"} <= set(rules["requiredFields"])
    assert {"raw": "江苏省", "verbose": "江苏省"} in rules["countryAreaChoices"]
    assert rules["postalCodeType"] == "postal"
    assert saleor("addressValidationRules", countryCode="US")["addressValidationRules"] is None
    assert saleor("channel", slug=CHANNEL)["channel"]["countries"] == [{"code": "CN"}]


def test_checkout_metadata_update_keeps_the_storefronts_keys(saleor, gql):
    from graphql_relay import from_global_id

    from backend.checkout.models import Checkout

    checkout_id = _new_checkout(saleor)
    result = saleor(
        "checkoutMetadataUpdate",
        id=checkout_id,
        input=[{"key": "utm_source", "value": "wechat"}, {"key": "ab", "value": "B"}],
    )["updateMetadata"]
    assert result["errors"] == [] and result["item"]["id"] == checkout_id
    # Saleor's interface: the metadata is readable on the returned item without a fragment.
    read = gql.query(
        "mutation($id: ID!) { updateMetadata(id: $id, input: []) "
        "{ item { metadata { key value } } } }",
        {"id": checkout_id},
    )["updateMetadata"]["item"]["metadata"]
    assert read == [{"key": "ab", "value": "B"}, {"key": "utm_source", "value": "wechat"}]
    token = from_global_id(checkout_id)[1]
    assert Checkout.objects.get(pk=token).metadata == {"utm_source": "wechat", "ab": "B"}
    empty_key = saleor(
        "checkoutMetadataUpdate", id=checkout_id, input=[{"key": " ", "value": "x"}]
    )["updateMetadata"]
    assert [(e["field"], e["code"]) for e in empty_key["errors"]] == [("input", "REQUIRED")]
    assert Checkout.objects.get(pk=token).metadata == {"utm_source": "wechat", "ab": "B"}


def test_a_shopper_cannot_change_a_products_metadata(saleor):
    product_id = saleor(
        "ProductDetails", slug="dongwangji-rice", channel=CHANNEL, languageCode=LANGUAGE
    )["product"]["id"]
    result = saleor("checkoutMetadataUpdate", id=product_id, input=[{"key": "k", "value": "v"}])[
        "updateMetadata"
    ]
    assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]
