"""Fixtures for checkout tests: a county with a town and village, a listed product with stock,
and helpers that drive the checkout API the way a storefront does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.brand.models import PublicBrand
from backend.divisions.models import Town, Village
from tests.factories import ProductFactory, ProductTypeFactory, list_product

CHECKOUT_FIELDS = """
    id token email phone quantity isShippingRequired
    lines { id quantity variant { id sku } unitPrice { gross { amount } }
            totalPrice { gross { amount } net { amount } } requiresShipping }
    subtotalPrice { gross { amount currency } net { amount } tax { amount } }
    shippingPrice { gross { amount } }
    totalPrice { gross { amount currency } }
    shippingMethods { id name price { amount } }
    deliveryMethod { id name }
    shippingAddress { fullName townName villageName }
    problems {
      __typename
      ... on CheckoutLineProblemInsufficientStock { availableQuantity line { id } }
      ... on CheckoutLineProblemVariantNotAvailable { line { id } }
    }
"""

ERRORS = "errors { field message code lines variants }"

CREATE = f"""
mutation($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""

LINES_ADD = f"""
mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesAdd(id: $id, lines: $lines) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""

LINES_UPDATE = f"""
mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {{
  checkoutLinesUpdate(id: $id, lines: $lines) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""

LINES_DELETE = f"""
mutation($id: ID!, $ids: [ID!]!) {{
  checkoutLinesDelete(id: $id, linesIds: $ids) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""

SHIPPING_ADDRESS = f"""
mutation($id: ID!, $address: AddressInput!) {{
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}"""

DELIVERY = f"""
mutation($id: ID!, $method: ID) {{
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}"""

PAY = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!, $amount: PositiveDecimal) {
  transactionInitialize(id: $id, paymentGateway: $gateway, amount: $amount) {
    transaction { id chargedAmount { amount } }
    errors { field message code }
  }
}"""

COMPLETE = """
mutation($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number status chargeStatus total { gross { amount } }
            lines { productName productSku quantity unitPrice { gross { amount } } } }
    errors { field message code lines variants }
  }
}"""


@pytest.fixture
def county(db):
    PublicBrand.objects.create(
        name="伊山伊水",
        slug="yishan-yishui",
        county_name="灌云县",
        county_code="320723",
        province="江苏省",
        city="连云港市",
    )
    town = Town.objects.create(code="320723100", name="伊山镇", kind="镇")
    village = Village.objects.create(town=town, code="320723100001", name="大伊山村")
    other_town = Town.objects.create(code="320723101", name="杨集镇", kind="镇")
    Village.objects.create(town=other_town, code="320723101001", name="杨集村")
    return town, village


@pytest.fixture
def rice(channel, warehouse):
    product_type = ProductTypeFactory(weight_grams=5000, tax_rate=Decimal("0.09"))
    product = ProductFactory(product_type=product_type, name="东王集大米")
    return list_product(
        product, channel, prices=(Decimal("39.90"),), stock=10, warehouse=warehouse
    )[0]


def in_county_address(**overrides) -> dict:
    address = {
        "fullName": "王小梅",
        "phone": "13812345678",
        "countryArea": "江苏省",
        "city": "连云港市",
        "cityArea": "灌云县",
        "town": "320723100",
        "village": "320723100001",
        "streetAddress1": "大伊山村三组 12 号",
    }
    address.update(overrides)
    return address


def out_of_county_address(**overrides) -> dict:
    address = {
        "fullName": "李华",
        "phone": "13900001111",
        "countryArea": "江苏省",
        "city": "南京市",
        "cityArea": "玄武区",
        "streetAddress1": "珠江路 1 号",
    }
    address.update(overrides)
    return address
