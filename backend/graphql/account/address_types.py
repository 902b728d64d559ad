"""The address book in the API (Saleor: Address, AddressInput, AddressTypeEnum).

Saleor splits a name into firstName/lastName; a Chinese address has one 收货人, so the type
offers `fullName` and, for Saleor clients, `firstName` (the full name) and an empty `lastName`.
Saleor's `streetAddress1` is the 详细地址; `streetAddress2` is always empty.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType
from graphql_relay import from_global_id

from backend.account.addresses import AddressType
from backend.account.error_codes import AccountErrorCode
from backend.account.models import Address as AddressModel
from backend.divisions.models import Town as TownModel
from backend.divisions.models import Village as VillageModel
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.channel.types import COUNTRY_NAMES, CountryDisplay
from backend.graphql.divisions.types import Town, Village

AddressTypeEnum = enum_from_choices("AddressTypeEnum", AddressType)


class Address(DjangoObjectType):
    full_name = graphene.String(required=True, description="收货人.")
    first_name = graphene.String(required=True, description="Saleor compatibility: the full name.")
    last_name = graphene.String(required=True, description="Saleor compatibility: always empty.")
    phone = graphene.String(description="E.164, e.g. +8613812345678.")
    country = graphene.Field(CountryDisplay, required=True)
    country_area = graphene.String(required=True, description="Province (省份).")
    city = graphene.String(required=True, description="City (地级市).")
    city_area = graphene.String(required=True, description="District or county (区县).")
    town = graphene.Field(Town, description="The county's town; null outside the county.")
    village = graphene.Field(Village, description="The town's village; null outside the county.")
    town_name = graphene.String(required=True, description="Town (乡镇/街道) as text.")
    village_name = graphene.String(required=True, description="Village (村/社区) as text.")
    street_address_1 = graphene.String(required=True, description="Street and number (详细地址).")
    street_address_2 = graphene.String(required=True, description="Always empty.")
    company_name = graphene.String(
        required=True, description="Always empty: addresses here have no company line."
    )
    postal_code = graphene.String(required=True)
    is_default_shipping_address = graphene.Boolean(
        description="Whether this is the signed-in user's default shipping address."
    )
    is_default_billing_address = graphene.Boolean(
        description="Whether this is the signed-in user's default billing address."
    )

    class Meta:
        model = AddressModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = (
            "An address of the signed-in user's address book, on China's divisions: inside the "
            "county it names one of the county's towns and villages."
        )

    @staticmethod
    def resolve_first_name(root: AddressModel, info):
        return root.full_name

    @staticmethod
    def resolve_last_name(root: AddressModel, info):
        return ""

    @staticmethod
    def resolve_country(root: AddressModel, info):
        return CountryDisplay(
            code=root.country, country=COUNTRY_NAMES.get(root.country, root.country)
        )

    @staticmethod
    def resolve_street_address_1(root: AddressModel, info):
        return root.street_address

    @staticmethod
    def resolve_street_address_2(root: AddressModel, info):
        return ""

    @staticmethod
    def resolve_company_name(root: AddressModel, info):
        return ""

    @staticmethod
    def resolve_is_default_shipping_address(root: AddressModel, info):
        user = info.context.user
        return user.is_authenticated and user.default_shipping_address_id == root.pk

    @staticmethod
    def resolve_is_default_billing_address(root: AddressModel, info):
        user = info.context.user
        return user.is_authenticated and user.default_billing_address_id == root.pk

    @classmethod
    def get_node(cls, info, id):
        # Only the owner reads an address by its ID.
        user = info.context.user
        if not user.is_authenticated:
            return None
        return user.addresses.filter(pk=id).first()


class AddressInput(graphene.InputObjectType):
    full_name = graphene.String(description="收货人. Saleor clients may send firstName/lastName.")
    first_name = graphene.String(description="Used with lastName when fullName is not given.")
    last_name = graphene.String(description="Family name (姓), put before firstName.")
    phone = graphene.String(description="Mainland mobile number or landline with area code.")
    country = graphene.String(description="ISO 3166-1 code; CN (the default) only.")
    country_area = graphene.String(description="Province (省份), e.g. 江苏省.")
    city = graphene.String(description="City (地级市), e.g. 连云港市.")
    city_area = graphene.String(description="District or county (区县), e.g. 灌云县.")
    town = graphene.String(
        description="Inside the county (required there): the town's ID or division code, as "
        "listed by the `towns` query."
    )
    village = graphene.String(
        description="Inside the county (required there): the village's ID or division code; "
        "it must be a village of `town`."
    )
    town_name = graphene.String(description="Outside the county: the town (乡镇/街道) as text.")
    village_name = graphene.String(description="Outside the county: the village as text.")
    street_address_1 = graphene.String(description="Street and number (详细地址).")
    street_address_2 = graphene.String(description="Appended to streetAddress1.")
    postal_code = graphene.String(description="6 digits.")
    company_name = graphene.String(
        description="Accepted from Saleor clients and not kept: addresses here have no "
        "company line (write it in streetAddress1)."
    )


_PLAIN_FIELDS = (
    "full_name",
    "phone",
    "country",
    "country_area",
    "city",
    "city_area",
    "town_name",
    "village_name",
    "postal_code",
)


def _division(value: str | None, model, type_name: str, field: str, code: str):
    """A Town or Village global ID → the row (a typed error if there is none); anything else
    (a division code, or a name outside the county) is passed on as text."""
    if not value:
        return value
    text = value.strip()
    if not text.isdigit():
        try:
            decoded_type, pk = from_global_id(text)
        except (TypeError, ValueError, UnicodeDecodeError):
            decoded_type, pk = "", ""
        if decoded_type == type_name:
            row = model.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
            if row is None:
                raise ValidationError({field: ValidationError(_("找不到该行政区划。"), code=code)})
            return row
    return text


def address_input_data(input) -> dict:
    """AddressInput → the address services' data (model field names); only the fields sent,
    so an update changes just those. Checkout's address mutations use it too."""
    data = {key: input[key] for key in _PLAIN_FIELDS if key in input}
    if "full_name" in input:
        data["full_name"] = input["full_name"]
    elif "first_name" in input or "last_name" in input:
        data["full_name"] = f"{input.get('last_name') or ''}{input.get('first_name') or ''}"
    if "street_address_1" in input or "street_address_2" in input:
        parts = (input.get("street_address_1"), input.get("street_address_2"))
        data["street_address"] = " ".join(part.strip() for part in parts if part and part.strip())
    if "town" in input:
        data["town"] = _division(
            input["town"], TownModel, "Town", "town", AccountErrorCode.INVALID_TOWN
        )
    if "village" in input:
        data["village"] = _division(
            input["village"], VillageModel, "Village", "village", AccountErrorCode.INVALID_VILLAGE
        )
    return data
