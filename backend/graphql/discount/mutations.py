"""Promotion, rule, voucher and flash-sale mutations for brand managers (MANAGE_DISCOUNTS).

Thin: input is decoded here (global IDs into rows, enums into values) and
backend.discount.management decides; every mutation answers `errors { field message code }`
with a DiscountErrorCode and writes nothing when it refuses."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.catalog.models import Category, Collection, Product, ProductVariant
from backend.channel.models import Channel
from backend.core.permissions import Permission
from backend.discount import management
from backend.discount.error_codes import DiscountErrorCode
from backend.discount.models import (
    Promotion as PromotionModel,
)
from backend.discount.models import (
    PromotionRule as PromotionRuleModel,
)
from backend.discount.models import (
    SpecialPrice,
    SpecialPriceKind,
)
from backend.discount.models import (
    Voucher as VoucherModel,
)
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance, get_instances
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.discount.checkout import CheckoutPromoCodeMutations
from backend.graphql.discount.enums import (
    DiscountErrorCodeEnum,
    DiscountFundingEnum,
    PromotionTypeEnum,
    RewardTypeEnum,
    RewardValueTypeEnum,
    VoucherTypeEnum,
)
from backend.graphql.discount.types import (
    FlashSale,
    Promotion,
    PromotionRule,
    Voucher,
    VoucherCode,
)
from backend.graphql.stations.enums import enum_value
from backend.vendors.models import Vendor

DiscountError = error_type("DiscountError", DiscountErrorCodeEnum)
DISCOUNTS = [Permission.MANAGE_DISCOUNTS]
ENUM_FIELDS = {
    "type",
    "reward_value_type",
    "reward_type",
    "discount_value_type",
    "funded_by",
}
# Columns without NULL: sending null for them is a REQUIRED error, not a database error.
NOT_NULL = {
    "name",
    "type",
    "priority",
    "funded_by",
    "is_active",
    "start_date",
    "reward_value_type",
    "reward_value",
    "discount_value_type",
    "discount_value",
    "apply_once_per_customer",
    "channel",
    "variant",
    "price",
    "starts_at",
    "ends_at",
}
# Input list of global IDs → (model, GraphQL type name) of the rows they name.
ID_LISTS = {
    "channels": (Channel, "Channel"),
    "products": (Product, "Product"),
    "variants": (ProductVariant, "ProductVariant"),
    "categories": (Category, "Category"),
    "collections": (Collection, "Collection"),
    "vendors": (Vendor, "Vendor"),
}


def _data(input, *, renames: dict[str, str] | None = None) -> dict:
    """Service data from a mutation input: only the keys that were sent, enums as values, IDs
    as rows (an unknown ID is a NOT_FOUND error on its field)."""
    data = {}
    for key, value in dict(input).items():
        if value is None and key in NOT_NULL:
            raise ValidationError(
                {key: ValidationError(_("这一项不能为空。"), code=DiscountErrorCode.REQUIRED)}
            )
        if key in ENUM_FIELDS:
            value = enum_value(value) if value is not None else None
        elif key in ID_LISTS:
            model, type_name = ID_LISTS[key]
            value = get_instances(model._default_manager.all(), value or [], type_name, field=key)
        data[(renames or {}).get(key, key)] = value
    return data


def _gift_variant(data: dict) -> dict:
    if "gift_variant" in data:
        global_id = data["gift_variant"]
        data["gift_variant"] = (
            get_instance(ProductVariant.objects, global_id, "ProductVariant", field="gift_variant")
            if global_id
            else None
        )
    return data


# --- promotions ---------------------------------------------------------------------------


class PromotionRuleInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String(description="Ignored; kept for Saleor clients.")
    channels = graphene.List(graphene.NonNull(graphene.ID), description="Channels it runs in.")
    products = graphene.List(graphene.NonNull(graphene.ID))
    variants = graphene.List(graphene.NonNull(graphene.ID))
    categories = graphene.List(graphene.NonNull(graphene.ID))
    collections = graphene.List(graphene.NonNull(graphene.ID))
    vendors = graphene.List(graphene.NonNull(graphene.ID))
    min_subtotal_amount = PositiveDecimal(description="Order promotions: spend at least this.")
    reward_value_type = RewardValueTypeEnum()
    reward_value = PositiveDecimal()
    reward_type = RewardTypeEnum(description="Order promotions: money off or a gift.")
    gift_variant = graphene.ID(description="Order promotions with a GIFT reward: the gift.")


def _rule_data(input) -> dict:
    data = _data(input)
    data.pop("description", None)
    return _gift_variant(data)


class PromotionInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    start_date = graphene.DateTime()
    end_date = graphene.DateTime()
    priority = graphene.Int(description="Higher wins ties between equal discounts.")
    funded_by = DiscountFundingEnum()
    is_active = graphene.Boolean()


class PromotionCreateInput(PromotionInput):
    name = graphene.String(required=True)
    type = PromotionTypeEnum(required=True)
    start_date = graphene.DateTime(required=True)
    rules = graphene.List(graphene.NonNull(PromotionRuleInput))


class PromotionCreate(BaseMutation):
    promotion = graphene.Field(Promotion)

    class Arguments:
        input = PromotionCreateInput(required=True)

    class Meta:
        description = "Creates a promotion with its rules. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        data = dict(input)
        rules = [_rule_data(rule) for rule in data.pop("rules", None) or []]
        promotion = management.create_promotion(
            actor=info.context.user, data=_data(data), rules=rules
        )
        return cls(promotion=promotion)


class PromotionUpdate(BaseMutation):
    promotion = graphene.Field(Promotion)

    class Arguments:
        id = graphene.ID(required=True)
        input = PromotionInput(required=True)

    class Meta:
        description = "Changes a promotion's details and window. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        promotion = get_instance(PromotionModel.objects, id, "Promotion", field="id")
        promotion = management.update_promotion(
            actor=info.context.user, promotion=promotion, data=_data(input)
        )
        return cls(promotion=promotion)


class PromotionRuleCreateInput(PromotionRuleInput):
    promotion = graphene.ID(required=True, description="The promotion the rule belongs to.")


class PromotionRuleCreate(BaseMutation):
    promotion_rule = graphene.Field(PromotionRule)

    class Arguments:
        input = PromotionRuleCreateInput(required=True)

    class Meta:
        description = "Adds a rule to a promotion. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        data = dict(input)
        promotion = get_instance(
            PromotionModel.objects, data.pop("promotion"), "Promotion", field="promotion"
        )
        rule = management.create_promotion_rule(
            actor=info.context.user, promotion=promotion, data=_rule_data(data)
        )
        return cls(promotion_rule=rule)


class PromotionRuleUpdate(BaseMutation):
    promotion_rule = graphene.Field(PromotionRule)

    class Arguments:
        id = graphene.ID(required=True)
        input = PromotionRuleInput(required=True)

    class Meta:
        description = "Changes a promotion rule. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        rule = get_instance(PromotionRuleModel.objects, id, "PromotionRule", field="id")
        rule = management.update_promotion_rule(
            actor=info.context.user, rule=rule, data=_rule_data(input)
        )
        return cls(promotion_rule=rule)


# --- vouchers -----------------------------------------------------------------------------


class VoucherInput(graphene.InputObjectType):
    name = graphene.String()
    type = VoucherTypeEnum()
    discount_value_type = RewardValueTypeEnum()
    discount_value = PositiveDecimal(description="Percentage (0–100) or amount in yuan.")
    channels = graphene.List(graphene.NonNull(graphene.ID))
    start_date = graphene.DateTime()
    end_date = graphene.DateTime()
    usage_limit = graphene.Int(description="Total uses across all codes; null = unlimited.")
    apply_once_per_customer = graphene.Boolean()
    min_spent_amount = PositiveDecimal(description="Minimum subtotal in yuan.")
    min_checkout_items_quantity = graphene.Int()
    products = graphene.List(graphene.NonNull(graphene.ID))
    variants = graphene.List(graphene.NonNull(graphene.ID))
    categories = graphene.List(graphene.NonNull(graphene.ID))
    collections = graphene.List(graphene.NonNull(graphene.ID))
    funded_by = DiscountFundingEnum()
    add_codes = graphene.List(
        graphene.NonNull(graphene.String), description="Codes to add (stored upper-case)."
    )


class VoucherCreateInput(VoucherInput):
    name = graphene.String(required=True)
    type = VoucherTypeEnum(required=True)
    discount_value_type = RewardValueTypeEnum(required=True)
    discount_value = PositiveDecimal(required=True)
    channels = graphene.List(graphene.NonNull(graphene.ID), required=True)
    start_date = graphene.DateTime(required=True)


class VoucherCreate(BaseMutation):
    voucher = graphene.Field(Voucher)

    class Arguments:
        input = VoucherCreateInput(required=True)

    class Meta:
        description = (
            "Creates a voucher and, with `addCodes`, its codes. Requires MANAGE_DISCOUNTS."
        )
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        data = dict(input)
        codes = data.pop("add_codes", None) or []
        voucher = management.create_voucher(actor=info.context.user, data=_data(data), codes=codes)
        return cls(voucher=voucher)


class VoucherUpdate(BaseMutation):
    voucher = graphene.Field(Voucher)

    class Arguments:
        id = graphene.ID(required=True)
        input = VoucherInput(required=True)

    class Meta:
        description = "Changes a voucher; `addCodes` adds codes. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        voucher = get_instance(VoucherModel.objects, id, "Voucher", field="id")
        data = dict(input)
        codes = data.pop("add_codes", None) or []
        voucher = management.update_voucher(
            actor=info.context.user, voucher=voucher, data=_data(data), add_codes=codes
        )
        return cls(voucher=voucher)


class VoucherCodesGenerate(BaseMutation):
    voucher = graphene.Field(Voucher)
    codes = graphene.List(graphene.NonNull(VoucherCode), description="The new codes.")

    class Arguments:
        id = graphene.ID(required=True, description="The voucher.")
        quantity = graphene.Int(required=True, description="How many codes, 1–10,000.")
        prefix = graphene.String(description="Put before each code, e.g. `YISHAN-`.")
        length = graphene.Int(description="Random characters per code, 6–20 (default 8).")

    class Meta:
        description = (
            "Generates unique random codes for a voucher (no look-alike characters such as 0/O "
            "or 1/I), all or none. Requires MANAGE_DISCOUNTS."
        )
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, id, quantity, prefix=None, length=None):
        voucher = get_instance(VoucherModel.objects, id, "Voucher", field="id")
        codes = management.generate_voucher_codes(
            actor=info.context.user,
            voucher=voucher,
            quantity=quantity,
            prefix=prefix or "",
            length=length or 8,
        )
        return cls(voucher=voucher, codes=codes)


# --- flash sales --------------------------------------------------------------------------


class FlashSaleInput(graphene.InputObjectType):
    name = graphene.String()
    channel = graphene.ID(description="The channel's ID.")
    variant = graphene.ID(description="The variant on sale.")
    price = PositiveDecimal(description="The flash-sale price in yuan; below the list price.")
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    quantity_limit = graphene.Int(description="Units sold at this price; null = no limit.")
    per_customer_limit = graphene.Int(description="Units one customer may buy; null = no cap.")
    funded_by = DiscountFundingEnum()
    is_active = graphene.Boolean()


class FlashSaleCreateInput(FlashSaleInput):
    name = graphene.String(required=True)
    channel = graphene.ID(required=True)
    variant = graphene.ID(required=True)
    price = PositiveDecimal(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)


def _flash_sale_data(input) -> dict:
    data = _data(input, renames={"price": "price_amount"})
    if "channel" in data:
        data["channel"] = get_instance(Channel.objects, data["channel"], "Channel", field="channel")
    if "variant" in data:
        data["variant"] = get_instance(
            ProductVariant.objects, data["variant"], "ProductVariant", field="variant"
        )
    return data


def _api_fields(error: ValidationError) -> ValidationError:
    """The service names the price `price_amount`; the API calls it `price`."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            ("price" if key == "price_amount" else key): value
            for key, value in error.error_dict.items()
        }
    )


def _flash_sales():
    return SpecialPrice.objects.filter(kind=SpecialPriceKind.FLASH_SALE)


class FlashSaleCreate(BaseMutation):
    flash_sale = graphene.Field(FlashSale)

    class Arguments:
        input = FlashSaleCreateInput(required=True)

    class Meta:
        description = "Creates a flash sale (限时秒杀). Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, input):
        try:
            sale = management.create_flash_sale(
                actor=info.context.user, data=_flash_sale_data(input)
            )
        except ValidationError as error:
            raise _api_fields(error) from error
        return cls(flash_sale=sale)


class FlashSaleUpdate(BaseMutation):
    flash_sale = graphene.Field(FlashSale)

    class Arguments:
        id = graphene.ID(required=True)
        input = FlashSaleInput(required=True)

    class Meta:
        description = "Changes a flash sale. Requires MANAGE_DISCOUNTS."
        permissions = DISCOUNTS
        error_type_class = DiscountError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        sale = get_instance(_flash_sales(), id, "FlashSale", field="id")
        try:
            sale = management.update_flash_sale(
                actor=info.context.user, sale=sale, data=_flash_sale_data(input)
            )
        except ValidationError as error:
            raise _api_fields(error) from error
        return cls(flash_sale=sale)


# --- deletions ----------------------------------------------------------------------------


def _delete(name, model, type_name, graphene_type, field_name, service, argument):
    """`<type>Delete(id)` through the management service (audited, permission-checked)."""

    def perform(cls, root, info, id):
        queryset = _flash_sales() if model is SpecialPrice else model.objects
        instance = get_instance(queryset, id, type_name, field="id")
        pk = instance.pk
        service(actor=info.context.user, **{argument: instance})
        instance.pk = pk
        return cls(**{field_name: instance})

    return type(
        name,
        (BaseMutation,),
        {
            field_name: graphene.Field(graphene_type),
            "Arguments": type("Arguments", (), {"id": graphene.ID(required=True)}),
            "Meta": type(
                "Meta",
                (),
                {
                    "permissions": DISCOUNTS,
                    "error_type_class": DiscountError,
                    "description": f"Deletes a {type_name}. Requires MANAGE_DISCOUNTS.",
                },
            ),
            "perform_mutation": classmethod(perform),
        },
    )


PromotionDelete = _delete(
    "PromotionDelete",
    PromotionModel,
    "Promotion",
    Promotion,
    "promotion",
    management.delete_promotion,
    "promotion",
)
PromotionRuleDelete = _delete(
    "PromotionRuleDelete",
    PromotionRuleModel,
    "PromotionRule",
    PromotionRule,
    "promotion_rule",
    management.delete_promotion_rule,
    "rule",
)
VoucherDelete = _delete(
    "VoucherDelete",
    VoucherModel,
    "Voucher",
    Voucher,
    "voucher",
    management.delete_voucher,
    "voucher",
)
FlashSaleDelete = _delete(
    "FlashSaleDelete",
    SpecialPrice,
    "FlashSale",
    FlashSale,
    "flash_sale",
    management.delete_flash_sale,
    "sale",
)


class DiscountMutations(CheckoutPromoCodeMutations):
    promotion_create = PromotionCreate.Field()
    promotion_update = PromotionUpdate.Field()
    promotion_delete = PromotionDelete.Field()
    promotion_rule_create = PromotionRuleCreate.Field()
    promotion_rule_update = PromotionRuleUpdate.Field()
    promotion_rule_delete = PromotionRuleDelete.Field()
    voucher_create = VoucherCreate.Field()
    voucher_update = VoucherUpdate.Field()
    voucher_delete = VoucherDelete.Field()
    voucher_codes_generate = VoucherCodesGenerate.Field()
    flash_sale_create = FlashSaleCreate.Field()
    flash_sale_update = FlashSaleUpdate.Field()
    flash_sale_delete = FlashSaleDelete.Field()
