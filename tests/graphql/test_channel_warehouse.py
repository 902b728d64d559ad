"""Channel and warehouse mutations."""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from backend.channel.models import Channel
from backend.inventory.models import Warehouse

pytestmark = pytest.mark.django_db


def test_channel_create_update_delete(staff_api_client):
    data = staff_api_client.query(
        """mutation { channelCreate(input: {name: "连云港馆", slug: "lyg", currencyCode: "CNY",
             defaultCountry: "CN"}) { channel { id slug currencyCode } errors { code } } }"""
    )["channelCreate"]
    assert data["errors"] == [] and data["channel"]["slug"] == "lyg"
    channel_id = data["channel"]["id"]
    data = staff_api_client.query(
        """mutation($id: ID!) { channelUpdate(id: $id, input: {isActive: false})
             { channel { isActive } errors { code } } }""",
        {"id": channel_id},
    )["channelUpdate"]
    assert data == {"channel": {"isActive": False}, "errors": []}
    staff_api_client.query(
        "mutation($id: ID!) { channelDelete(id: $id) { errors { code } } }", {"id": channel_id}
    )
    assert not Channel.objects.filter(slug="lyg").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ('currencyCode: "yuan", defaultCountry: "CN"', "currencyCode"),
        ('currencyCode: "CNY", defaultCountry: "China"', "defaultCountry"),
        ('currencyCode: "CNY", defaultCountry: "CN", timeZone: "Mars/Base"', "timeZone"),
    ],
)
def test_channel_with_bad_codes_is_refused(staff_api_client, fields, field):
    data = staff_api_client.query(
        f'mutation {{ channelCreate(input: {{name: "x", {fields}}}) '
        "{ errors { field code } } }"
    )["channelCreate"]
    assert data["errors"] == [{"field": field, "code": "INVALID"}]
    assert not Channel.objects.exists()


def test_warehouse_create_with_address_and_channels(staff_api_client, channel):
    data = staff_api_client.query(
        """mutation($c: [ID!]) { warehouseCreate(input: {name: "县级物流配送分拨中心",
             clickAndCollectOption: ALL_WAREHOUSES, isColdChain: true, channels: $c,
             address: {streetAddress1: "振兴路 1 号", cityArea: "灌云县", countryArea: "江苏省"}})
             { warehouse { slug clickAndCollectOption address { streetAddress1 cityArea } }
               errors { field code } } }""",
        {"c": [to_global_id("Channel", channel.pk)]},
    )["warehouseCreate"]
    assert data["errors"] == []
    assert data["warehouse"]["clickAndCollectOption"] == "ALL_WAREHOUSES"
    assert data["warehouse"]["address"] == {"streetAddress1": "振兴路 1 号", "cityArea": "灌云县"}
    warehouse = Warehouse.objects.get()
    assert warehouse.is_cold_chain and list(warehouse.channels.all()) == [channel]


def test_warehouse_update_delete_and_unique_slug(staff_api_client, warehouse):
    gid = to_global_id("Warehouse", warehouse.pk)
    data = staff_api_client.query(
        """mutation($id: ID!) { warehouseUpdate(id: $id, input: {name: "杨集仓"})
             { warehouse { name } errors { code } } }""",
        {"id": gid},
    )["warehouseUpdate"]
    assert data == {"warehouse": {"name": "杨集仓"}, "errors": []}
    clash = staff_api_client.query(
        """mutation($slug: String) { warehouseCreate(input: {name: "x", slug: $slug})
             { errors { field code } } }""",
        {"slug": warehouse.slug},
    )["warehouseCreate"]
    assert clash["errors"] == [{"field": "slug", "code": "UNIQUE"}]
    staff_api_client.query(
        "mutation($id: ID!) { warehouseDelete(id: $id) { errors { code } } }", {"id": gid}
    )
    assert not Warehouse.objects.exists()
