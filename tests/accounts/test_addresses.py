"""The shopper's address book on China's divisions, through the GraphQL API (real PostgreSQL).

Inside the county (province, city and district are the seeded county's) an address names a
seeded town and one of its villages; elsewhere it is complete at district level. Only the
signed-in owner reads or changes an address.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.account.addresses import validate_address
from backend.account.jwt import create_access_token
from backend.account.models import Address
from backend.brand.models import PublicBrand
from tests.conftest import GraphQLClient
from tests.factories import AddressFactory, TownFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

ADDRESS_FIELDS = """
    id fullName firstName lastName phone country { code country } countryArea city cityArea
    town { code name } village { code name } townName villageName streetAddress1
    streetAddress2 postalCode isDefaultShippingAddress isDefaultBillingAddress
"""

CREATE = f"""
mutation($input: AddressInput!, $type: AddressTypeEnum) {{
  accountAddressCreate(input: $input, type: $type) {{
    address {{ {ADDRESS_FIELDS} }}
    user {{ defaultShippingAddress {{ id }} defaultBillingAddress {{ id }} }}
    errors {{ field message code }}
  }}
}}
"""

UPDATE = f"""
mutation($id: ID!, $input: AddressInput!) {{
  accountAddressUpdate(id: $id, input: $input) {{
    address {{ {ADDRESS_FIELDS} }}
    errors {{ field message code }}
  }}
}}
"""

DELETE = """
mutation($id: ID!) {
  accountAddressDelete(id: $id) {
    address { id }
    user { addresses { id } defaultShippingAddress { id } }
    errors { field message code }
  }
}
"""

SET_DEFAULT = """
mutation($id: ID!, $type: AddressTypeEnum!) {
  accountSetDefaultAddress(id: $id, type: $type) {
    user { defaultShippingAddress { id } defaultBillingAddress { id } }
    errors { field message code }
  }
}
"""


@pytest.fixture
def county(db):
    """The county as the seed stores it, with two of its towns."""
    PublicBrand.objects.create(
        slug="guanyun",
        name="伊山伊水",
        county_name="灌云县",
        county_code="320723",
        province="江苏省",
        city="连云港市",
    )
    dongwangji = TownFactory(code="320723109", name="东王集镇")
    xiaoyi = TownFactory(code="320723200", name="小伊乡", kind="乡")
    return {
        "东王集镇": dongwangji,
        "小伊乡": xiaoyi,
        "东王集村": VillageFactory(town=dongwangji, code="320723109201", name="东王集村"),
        "稻香村": VillageFactory(town=dongwangji, code="320723109203", name="稻香村"),
        "藕塘村": VillageFactory(town=xiaoyi, code="320723200202", name="藕塘村"),
    }


@pytest.fixture
def shopper(db):
    return UserFactory()


@pytest.fixture
def shopper_gql(client, shopper):
    return GraphQLClient(client, create_access_token(shopper))


def in_county(**changes) -> dict:
    address = {
        "fullName": "王芳",
        "phone": "138 1234 5678",
        "countryArea": "江苏省",
        "city": "连云港市",
        "cityArea": "灌云县",
        "town": "320723109",
        "village": "320723109203",
        "streetAddress1": "3 组 12 号",
        "postalCode": "222200",
    }
    address.update(changes)
    return address


def out_of_county(**changes) -> dict:
    address = {
        "fullName": "李雷",
        "phone": "13912345678",
        "countryArea": "江苏省",
        "city": "南京市",
        "cityArea": "玄武区",
        "streetAddress1": "中山路 1 号",
    }
    address.update(changes)
    return address


def create(gql, address: dict, type: str | None = None) -> dict:
    return gql.query(CREATE, {"input": address, "type": type})["accountAddressCreate"]


def errors_of(result: dict) -> dict[str, str]:
    return {error["field"]: error["code"] for error in result["errors"]}


def address_id(address: Address) -> str:
    return to_global_id("Address", address.pk)


def book_address(user, **fields) -> Address:
    address = AddressFactory(**fields)
    user.addresses.add(address)
    return address


# The county's towns ---------------------------------------------------------------------------


def test_towns_lists_the_county_towns_with_their_villages_to_anyone(gql, county):
    data = gql.query("{ towns { code name kind villages { code name isEconomicallyWeak } } }")

    assert data["towns"][0] == {
        "code": "320723109",
        "name": "东王集镇",
        "kind": "TOWN",
        "villages": [
            {"code": "320723109201", "name": "东王集村", "isEconomicallyWeak": False},
            {"code": "320723109203", "name": "稻香村", "isEconomicallyWeak": False},
        ],
    }
    assert data["towns"][1]["kind"] == "TOWNSHIP"


def test_listing_towns_costs_the_same_queries_however_many_villages(gql, county):
    query = "{ towns { name villages { name } } }"
    with CaptureQueriesContext(connection) as few:
        gql.query(query)
    for index in range(5):
        VillageFactory(town=county["小伊乡"], name=f"新村{index}")
    with CaptureQueriesContext(connection) as many:
        gql.query(query)
    assert len(many) == len(few)


def test_town_is_found_by_code_or_id(gql, county):
    town_id = to_global_id("Town", county["小伊乡"].pk)
    query = "query($id: ID, $code: String) { town(id: $id, code: $code) { name } }"

    assert gql.query(query, {"code": "320723109"})["town"] == {"name": "东王集镇"}
    assert gql.query(query, {"id": town_id})["town"] == {"name": "小伊乡"}
    assert gql.query(query, {"code": "999999999"})["town"] is None
    assert gql.query(query, {"id": "not-an-id"})["town"] is None


# Creating ---------------------------------------------------------------------------------------


def test_address_in_the_county_names_its_town_and_village(shopper_gql, shopper, county):
    result = create(shopper_gql, in_county())

    assert result["errors"] == []
    address = result["address"]
    assert address["town"] == {"code": "320723109", "name": "东王集镇"}
    assert address["village"] == {"code": "320723109203", "name": "稻香村"}
    assert (address["townName"], address["villageName"]) == ("东王集镇", "稻香村")
    assert address["phone"] == "+8613812345678"
    assert address["country"] == {"code": "CN", "country": "中国"}
    assert (address["fullName"], address["firstName"], address["lastName"]) == ("王芳", "王芳", "")
    assert (address["streetAddress1"], address["streetAddress2"]) == ("3 组 12 号", "")
    stored = shopper.addresses.get()
    assert stored.is_in_county and stored.village == county["稻香村"]


def test_town_and_village_may_be_given_by_id(shopper_gql, county):
    result = create(
        shopper_gql,
        in_county(
            town=to_global_id("Town", county["小伊乡"].pk),
            village=to_global_id("Village", county["藕塘村"].pk),
        ),
    )

    assert result["errors"] == []
    assert result["address"]["village"]["name"] == "藕塘村"


def test_division_names_without_their_suffix_still_mean_the_county(shopper_gql, county):
    result = create(shopper_gql, in_county(countryArea="江苏", city="连云港", cityArea="灌云"))

    assert result["errors"] == []
    address = result["address"]
    assert (address["countryArea"], address["city"], address["cityArea"]) == (
        "江苏省",
        "连云港市",
        "灌云县",
    )
    assert address["town"]["name"] == "东王集镇"


def test_village_of_another_town_is_refused(shopper_gql, shopper, county):
    result = create(shopper_gql, in_county(town="320723109", village="320723200202"))

    assert result["address"] is None
    assert errors_of(result) == {"village": "INVALID_VILLAGE"}
    assert "东王集镇" in result["errors"][0]["message"]
    assert not Address.objects.exists()


def test_village_given_by_id_of_another_town_is_refused(shopper_gql, county):
    village_id = to_global_id("Village", county["藕塘村"].pk)
    result = create(shopper_gql, in_county(village=village_id))

    assert errors_of(result) == {"village": "INVALID_VILLAGE"}


def test_town_that_is_not_the_countys_is_refused(shopper_gql, county):
    result = create(shopper_gql, in_county(town="320723999"))

    assert errors_of(result) == {"town": "INVALID_TOWN"}


def test_town_id_of_no_town_is_refused(shopper_gql, county):
    result = create(shopper_gql, in_county(town=to_global_id("Town", 999999)))

    assert errors_of(result) == {"town": "INVALID_TOWN"}


def test_address_in_the_county_needs_a_town_and_a_village(shopper_gql, county):
    result = create(shopper_gql, in_county(town=None, village=None))

    assert errors_of(result) == {"town": "REQUIRED", "village": "REQUIRED"}


def test_address_outside_the_county_is_complete_at_district_level(shopper_gql, county):
    result = create(shopper_gql, out_of_county())

    assert result["errors"] == []
    address = result["address"]
    assert (address["town"], address["village"], address["townName"]) == (None, None, "")
    assert Address.objects.get().is_in_county is False


def test_town_and_village_outside_the_county_are_free_text(shopper_gql, county):
    result = create(shopper_gql, out_of_county(townName="玄武门街道", villageName="台城社区"))

    assert result["errors"] == []
    address = result["address"]
    assert (address["townName"], address["villageName"]) == ("玄武门街道", "台城社区")
    assert address["town"] is None


def test_another_district_of_the_same_city_is_outside_the_county(shopper_gql, county):
    result = create(shopper_gql, in_county(cityArea="海州区", town=None, village=None))

    assert result["errors"] == []
    assert result["address"]["town"] is None


def test_missing_fields_are_each_reported(shopper_gql, county):
    result = create(shopper_gql, {"fullName": " ", "streetAddress1": "某路 1 号"})

    assert errors_of(result) == {
        "fullName": "REQUIRED",
        "phone": "REQUIRED",
        "countryArea": "REQUIRED",
        "city": "REQUIRED",
        "cityArea": "REQUIRED",
    }
    assert not Address.objects.exists()


def test_phone_must_be_a_mainland_mobile_or_landline(shopper_gql, county):
    refused = create(shopper_gql, out_of_county(phone="12345"))
    landline = create(shopper_gql, out_of_county(phone="0518-88881234"))

    assert errors_of(refused) == {"phone": "INVALID_PHONE"}
    assert landline["errors"] == []
    assert landline["address"]["phone"] == "+8651888881234"


def test_postal_code_has_six_digits(shopper_gql, county):
    result = create(shopper_gql, out_of_county(postalCode="2222"))

    assert errors_of(result) == {"postalCode": "INVALID_POSTAL_CODE"}


def test_only_mainland_addresses_are_accepted(shopper_gql, county):
    result = create(shopper_gql, out_of_county(country="US"))

    assert errors_of(result) == {"country": "INVALID"}


def test_saleor_first_and_last_name_make_the_full_name(shopper_gql, county):
    address = out_of_county(firstName="芳", lastName="王")
    del address["fullName"]

    result = create(shopper_gql, address)

    assert result["address"]["fullName"] == "王芳"


def test_created_address_with_a_type_becomes_that_default(shopper_gql, shopper, county):
    result = create(shopper_gql, in_county(), type="SHIPPING")

    assert result["address"]["isDefaultShippingAddress"] is True
    assert result["address"]["isDefaultBillingAddress"] is False
    assert result["user"]["defaultShippingAddress"] == {"id": result["address"]["id"]}
    assert result["user"]["defaultBillingAddress"] is None


# Updating ---------------------------------------------------------------------------------------


def test_update_changes_only_the_fields_sent(shopper_gql, shopper, county):
    created = create(shopper_gql, in_county())["address"]

    result = shopper_gql.query(UPDATE, {"id": created["id"], "input": {"village": "东王集村"}})[
        "accountAddressUpdate"
    ]

    assert result["errors"] == []
    address = result["address"]
    assert address["village"] == {"code": "320723109201", "name": "东王集村"}
    assert (address["fullName"], address["streetAddress1"]) == ("王芳", "3 组 12 号")


def test_update_to_a_village_of_another_town_is_refused(shopper_gql, county):
    created = create(shopper_gql, in_county())["address"]

    result = shopper_gql.query(UPDATE, {"id": created["id"], "input": {"village": "320723200202"}})[
        "accountAddressUpdate"
    ]

    assert errors_of(result) == {"village": "INVALID_VILLAGE"}
    assert Address.objects.get().village_name == "稻香村"


def test_moving_an_address_out_of_the_county_drops_its_town_and_village(shopper_gql, county):
    created = create(shopper_gql, in_county())["address"]

    result = shopper_gql.query(
        UPDATE, {"id": created["id"], "input": {"city": "南京市", "cityArea": "玄武区"}}
    )["accountAddressUpdate"]

    assert result["errors"] == []
    address = result["address"]
    assert (address["town"], address["village"], address["townName"]) == (None, None, "")
    assert Address.objects.get().is_in_county is False


def test_another_users_address_cannot_be_updated(shopper_gql, county):
    other = book_address(UserFactory())

    result = shopper_gql.query(UPDATE, {"id": address_id(other), "input": {"fullName": "X"}})[
        "accountAddressUpdate"
    ]

    assert errors_of(result) == {"id": "NOT_FOUND"}
    other.refresh_from_db()
    assert other.full_name == "王芳"


def test_staff_cannot_edit_a_shoppers_address(staff_gql, shopper, county):
    address = book_address(shopper)

    result = staff_gql.query(UPDATE, {"id": address_id(address), "input": {"fullName": "X"}})[
        "accountAddressUpdate"
    ]

    assert errors_of(result) == {"id": "NOT_FOUND"}


def test_malformed_address_id_is_not_found(shopper_gql, county):
    result = shopper_gql.query(UPDATE, {"id": "nonsense", "input": {"fullName": "X"}})[
        "accountAddressUpdate"
    ]

    assert errors_of(result) == {"id": "NOT_FOUND"}


# Deleting and defaults --------------------------------------------------------------------------


def test_deleting_the_default_address_leaves_no_default(shopper_gql, shopper, county):
    kept = book_address(shopper)
    default = create(shopper_gql, in_county(), type="SHIPPING")["address"]

    result = shopper_gql.query(DELETE, {"id": default["id"]})["accountAddressDelete"]

    assert result["errors"] == []
    assert result["address"] == {"id": default["id"]}
    assert result["user"]["addresses"] == [{"id": address_id(kept)}]
    assert result["user"]["defaultShippingAddress"] is None
    shopper.refresh_from_db()
    assert shopper.default_shipping_address is None
    assert Address.objects.count() == 1


def test_another_users_address_cannot_be_deleted(shopper_gql, county):
    other = book_address(UserFactory())

    result = shopper_gql.query(DELETE, {"id": address_id(other)})["accountAddressDelete"]

    assert errors_of(result) == {"id": "NOT_FOUND"}
    assert Address.objects.filter(pk=other.pk).exists()


def test_set_default_address_of_each_type(shopper_gql, shopper, county):
    first = book_address(shopper)
    second = book_address(shopper, full_name="张三")

    shipping = shopper_gql.query(SET_DEFAULT, {"id": address_id(first), "type": "SHIPPING"})
    billing = shopper_gql.query(SET_DEFAULT, {"id": address_id(second), "type": "BILLING"})

    assert shipping["accountSetDefaultAddress"]["errors"] == []
    assert billing["accountSetDefaultAddress"]["user"] == {
        "defaultShippingAddress": {"id": address_id(first)},
        "defaultBillingAddress": {"id": address_id(second)},
    }
    shopper.refresh_from_db()
    assert (shopper.default_shipping_address, shopper.default_billing_address) == (first, second)


def test_another_users_address_cannot_be_made_a_default(shopper_gql, shopper, county):
    other = book_address(UserFactory())

    result = shopper_gql.query(SET_DEFAULT, {"id": address_id(other), "type": "BILLING"})

    assert errors_of(result["accountSetDefaultAddress"]) == {"id": "NOT_FOUND"}
    shopper.refresh_from_db()
    assert shopper.default_billing_address is None


@pytest.mark.parametrize(
    ("mutation", "variables"),
    [
        (CREATE, {"input": {"fullName": "王芳"}}),
        (UPDATE, {"id": "QWRkcmVzczox", "input": {"fullName": "王芳"}}),
        (DELETE, {"id": "QWRkcmVzczox"}),
        (SET_DEFAULT, {"id": "QWRkcmVzczox", "type": "SHIPPING"}),
    ],
)
def test_anonymous_visitors_are_refused(gql, county, mutation, variables):
    body = gql.post(mutation, variables).json()

    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    assert not Address.objects.exists()


# Reading the book -------------------------------------------------------------------------------

ME = """
{ me { addresses { fullName town { name } village { name } isDefaultShippingAddress }
       defaultShippingAddress { fullName } defaultBillingAddress { fullName } } }
"""


def test_me_lists_the_address_book_and_defaults(shopper_gql, shopper, county):
    create(shopper_gql, in_county(), type="SHIPPING")
    create(shopper_gql, out_of_county())

    me = shopper_gql.query(ME)["me"]

    assert me["addresses"] == [
        {
            "fullName": "王芳",
            "town": {"name": "东王集镇"},
            "village": {"name": "稻香村"},
            "isDefaultShippingAddress": True,
        },
        {"fullName": "李雷", "town": None, "village": None, "isDefaultShippingAddress": False},
    ]
    assert me["defaultShippingAddress"] == {"fullName": "王芳"}
    assert me["defaultBillingAddress"] is None


def test_address_book_costs_the_same_queries_however_long(shopper_gql, shopper, county):
    create(shopper_gql, in_county())
    with CaptureQueriesContext(connection) as one:
        shopper_gql.query(ME)
    for _ in range(4):
        create(shopper_gql, in_county(village="东王集村"))
    with CaptureQueriesContext(connection) as five:
        shopper_gql.query(ME)
    assert len(five) == len(one)


def test_staff_do_not_see_a_shoppers_address_book(staff_gql, shopper, county):
    shopper.default_shipping_address = book_address(shopper)
    shopper.save()
    query = "query($id: ID!) { node(id: $id) { ... on User { addresses { id } "
    query += "defaultShippingAddress { id } } } }"

    node = staff_gql.query(query, {"id": to_global_id("User", shopper.pk)})["node"]

    assert node == {"addresses": [], "defaultShippingAddress": None}


def test_an_address_node_is_visible_to_its_owner_only(shopper_gql, staff_gql, shopper, county):
    address = book_address(shopper)
    query = "query($id: ID!) { node(id: $id) { ... on Address { fullName } } }"

    assert shopper_gql.query(query, {"id": address_id(address)})["node"] == {"fullName": "王芳"}
    assert staff_gql.query(query, {"id": address_id(address)})["node"] is None


# The service checkout shares -------------------------------------------------------------------


def test_validate_address_returns_every_field_for_a_copy(county):
    cleaned = validate_address(
        {
            "full_name": "王芳",
            "phone": "13812345678",
            "country_area": "江苏省",
            "city": "连云港市",
            "city_area": "灌云县",
            "town": "东王集镇",
            "village": "稻香村",
        }
    )

    assert cleaned["town"] == county["东王集镇"] and cleaned["village"] == county["稻香村"]
    assert set(cleaned) == {field.name for field in Address._meta.concrete_fields} - {"id"}
