"""Messages are Chinese by default and English when the client asks for it."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from graphql_relay import to_global_id

from tests.factories import ProductVariantFactory, list_product

pytestmark = pytest.mark.django_db

PRICES = """mutation($id: ID!, $c: ID!) { productVariantChannelListingUpdate(id: $id,
  input: [{channelId: $c, price: -1}]) { errors { field message code } } }"""


@pytest.fixture(scope="module", autouse=True)
def _compiled_messages():
    """`make test` compiles the catalogs first; compile here too so the test stands alone."""
    call_command("compilemessages", "--ignore=.venv", verbosity=0)


def _error(client, staff_gql, channel, language: str) -> dict:
    variant = ProductVariantFactory()
    list_product(variant.product, channel)
    body = {
        "query": PRICES,
        "variables": {
            "id": to_global_id("ProductVariant", variant.pk),
            "c": to_global_id("Channel", channel.pk),
        },
    }
    response = client.post(
        "/graphql/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {staff_gql.token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return response.json()["data"]["productVariantChannelListingUpdate"]["errors"][0]


def test_error_messages_follow_the_clients_language(client, staff_gql, channel):
    chinese = _error(client, staff_gql, channel, "zh-CN")
    english = _error(client, staff_gql, channel, "en")
    assert chinese["code"] == english["code"] == "INVALID_PRICE"
    assert chinese["message"] == "价格不能为负数。"
    assert english["message"] == "The price cannot be negative."
