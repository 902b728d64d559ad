import graphene
from graphene_django import DjangoObjectType

from backend.core.permissions import Permission, has_permissions
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.channel.types import CountryDisplay
from backend.graphql.core.connection import CountableConnection
from backend.inventory.models import Warehouse as WarehouseModel
from backend.inventory.models import WarehouseClickAndCollectOption
from backend.vendors.scoping import vendor_of

WarehouseClickAndCollectOptionEnum = enum_from_choices(
    "WarehouseClickAndCollectOptionEnum", WarehouseClickAndCollectOption
)


class WarehouseAddress(graphene.ObjectType):
    """A warehouse's postal address: province, city, district, town, street."""

    company_name = graphene.String(required=True)
    street_address_1 = graphene.String(required=True)
    street_address_2 = graphene.String(required=True)
    city = graphene.String(required=True)
    city_area = graphene.String(required=True)
    country_area = graphene.String(required=True)
    postal_code = graphene.String(required=True)
    country = graphene.Field(CountryDisplay, required=True)
    phone = graphene.String()


class Warehouse(DjangoObjectType):
    click_and_collect_option = graphene.Field(WarehouseClickAndCollectOptionEnum, required=True)
    address = graphene.Field(WarehouseAddress, required=True)

    class Meta:
        model = WarehouseModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "email", "is_private", "is_cold_chain")

    @classmethod
    def get_queryset(cls, queryset, info):
        """`node(id:)`: as `warehouse(id:)`, staff who manage products; a vendor's staff also
        see their own vendor's warehouses. A warehouse's address and phone are not public."""
        user = info.context.user
        if has_permissions(user, [Permission.MANAGE_PRODUCTS]) and user.is_staff:
            return queryset
        vendor = vendor_of(user)
        if vendor is None:
            return queryset.none()
        return queryset.filter(vendor=vendor)

    @staticmethod
    def resolve_address(root: WarehouseModel, info):
        return WarehouseAddress(
            company_name=root.company_name,
            street_address_1=root.street_address,
            street_address_2=root.town,
            city=root.city,
            city_area=root.city_area,
            country_area=root.country_area,
            postal_code=root.postal_code,
            country=CountryDisplay(code=root.country, country=root.country),
            phone=root.phone,
        )


class WarehouseCountableConnection(CountableConnection):
    class Meta:
        node = Warehouse
