"""Staff mutations of warehouses and stock (Saleor names)."""

from __future__ import annotations

import graphene

from backend.catalog.models import ProductVariant as ProductVariantModel
from backend.channel.models import Channel as ChannelModel
from backend.core.permissions import Permission
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.catalog.types import ProductVariant
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance, get_instances
from backend.graphql.core.mutations import BaseMutation, model_mutations
from backend.graphql.inventory.types import Warehouse, WarehouseClickAndCollectOptionEnum
from backend.inventory import services
from backend.inventory.error_codes import StockErrorCode, WarehouseErrorCode
from backend.inventory.models import Warehouse as WarehouseModel
from backend.vendors.models import Vendor

WarehouseErrorCodeEnum = enum_from_choices("WarehouseErrorCode", WarehouseErrorCode)
StockErrorCodeEnum = enum_from_choices("StockErrorCode", StockErrorCode)
WarehouseError = error_type("WarehouseError", WarehouseErrorCodeEnum)
StockError = error_type("StockError", StockErrorCodeEnum)
PRODUCTS = [Permission.MANAGE_PRODUCTS]


class WarehouseAddressInput(graphene.InputObjectType):
    company_name = graphene.String()
    street_address_1 = graphene.String()
    street_address_2 = graphene.String(description="Town (乡镇/街道).")
    city = graphene.String()
    city_area = graphene.String(description="District or county (区县).")
    country_area = graphene.String(description="Province (省份).")
    postal_code = graphene.String()
    country = graphene.String()
    phone = graphene.String()


ADDRESS_FIELDS = {
    "company_name": "company_name",
    "street_address_1": "street_address",
    "street_address_2": "town",
    "city": "city",
    "city_area": "city_area",
    "country_area": "country_area",
    "postal_code": "postal_code",
    "country": "country",
    "phone": "phone",
}


class WarehouseInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    email = graphene.String()
    address = WarehouseAddressInput()
    is_private = graphene.Boolean()
    is_cold_chain = graphene.Boolean()
    click_and_collect_option = graphene.Argument(WarehouseClickAndCollectOptionEnum)
    vendor = graphene.ID()
    channels = graphene.List(graphene.NonNull(graphene.ID))


def _warehouse_data(data: dict) -> dict:
    result = {
        k: data[k]
        for k in ("name", "slug", "email", "is_private", "is_cold_chain")
        if k in data and data[k] is not None
    }
    option = data.get("click_and_collect_option")
    if option is not None:
        result["click_and_collect_option"] = getattr(option, "value", option)
    for key, field in ADDRESS_FIELDS.items():
        if data.get("address") and key in data["address"]:
            result[field] = data["address"][key] or ""
    if "vendor" in data:
        result["vendor"] = (
            get_instance(Vendor.objects, data["vendor"], "Vendor", field="vendor")
            if data["vendor"]
            else None
        )
    if "channels" in data:
        result["channels"] = get_instances(
            ChannelModel.objects.all(), data["channels"] or [], "Channel", field="channels"
        )
    return result


WarehouseCreate, WarehouseUpdate, WarehouseDelete = model_mutations(
    type_name="Warehouse",
    model=WarehouseModel,
    graphene_type=Warehouse,
    field_name="warehouse",
    create_input=WarehouseInput,
    update_input=WarehouseInput,
    to_data=_warehouse_data,
    save=lambda instance, data: services.save_warehouse(warehouse=instance, data=data),
    permissions=PRODUCTS,
    error_class=WarehouseError,
)


class StockInput(graphene.InputObjectType):
    warehouse = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


def stocks_from_input(items) -> list[dict]:
    warehouses = get_instances(
        WarehouseModel.objects.all(),
        [item["warehouse"] for item in items],
        "Warehouse",
        field="warehouse",
    )
    return [
        {"warehouse": warehouse, "quantity": item["quantity"]}
        for item, warehouse in zip(items, warehouses, strict=True)
    ]


class _StocksMutation(BaseMutation):
    product_variant = graphene.Field(ProductVariant)

    class Meta:
        abstract = True

    @staticmethod
    def variant(variant_id):
        return get_instance(
            ProductVariantModel.objects, variant_id, "ProductVariant", field="variant_id"
        )


class ProductVariantStocksCreate(_StocksMutation):
    class Arguments:
        variant_id = graphene.ID(required=True)
        stocks = graphene.List(graphene.NonNull(StockInput), required=True)

    class Meta:
        description = "Adds stock of a variant in warehouses that hold none yet."
        permissions = PRODUCTS
        error_type_class = StockError

    @classmethod
    def perform_mutation(cls, root, info, variant_id, stocks):
        variant = cls.variant(variant_id)
        services.set_stocks(
            variant=variant,
            stocks=stocks_from_input(stocks),
            actor=info.context.user,
            create_only=True,
        )
        return cls(product_variant=variant)


class ProductVariantStocksUpdate(_StocksMutation):
    class Arguments:
        variant_id = graphene.ID(required=True)
        stocks = graphene.List(graphene.NonNull(StockInput), required=True)

    class Meta:
        description = "Sets the stock of a variant in warehouses."
        permissions = PRODUCTS
        error_type_class = StockError

    @classmethod
    def perform_mutation(cls, root, info, variant_id, stocks):
        variant = cls.variant(variant_id)
        services.set_stocks(
            variant=variant, stocks=stocks_from_input(stocks), actor=info.context.user
        )
        return cls(product_variant=variant)


class ProductVariantStocksDelete(_StocksMutation):
    class Arguments:
        variant_id = graphene.ID(required=True)
        warehouse_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = StockError

    @classmethod
    def perform_mutation(cls, root, info, variant_id, warehouse_ids):
        variant = cls.variant(variant_id)
        warehouses = get_instances(
            WarehouseModel.objects.all(), warehouse_ids, "Warehouse", field="warehouse_ids"
        )
        services.delete_stocks(variant=variant, warehouses=warehouses, actor=info.context.user)
        return cls(product_variant=variant)


class InventoryMutations(graphene.ObjectType):
    warehouse_create = WarehouseCreate.Field()
    warehouse_update = WarehouseUpdate.Field()
    warehouse_delete = WarehouseDelete.Field()
    product_variant_stocks_create = ProductVariantStocksCreate.Field()
    product_variant_stocks_update = ProductVariantStocksUpdate.Field()
    product_variant_stocks_delete = ProductVariantStocksDelete.Field()
