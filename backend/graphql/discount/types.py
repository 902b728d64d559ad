"""Promotion, PromotionRule, Voucher, VoucherCode and FlashSale (Saleor 3 names; FlashSale is
ours) and the OrderDiscount an order records."""

from __future__ import annotations

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from backend.core.money import Money as MoneyValue
from backend.discount import models
from backend.discount.management import can_manage_discounts
from backend.graphql.catalog.types import _with_channel
from backend.graphql.core.connection import CountableConnection, resolve_connection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.money import Money
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.discount import dataloaders as loaders
from backend.graphql.discount.enums import (
    DiscountFundingEnum,
    OrderDiscountTypeEnum,
    PromotionTypeEnum,
    RewardTypeEnum,
    RewardValueTypeEnum,
    VoucherTypeEnum,
)

CATALOG = "backend.graphql.catalog.types"


def _m2m(model, name: str):
    def resolve(root, info):
        return load(info, loaders.m2m_loader(model, name), root.pk)

    return staticmethod(resolve)


def _managers_only(model):
    """`node(id:)` answers brand managers only (promotions and codes are not public)."""

    def get_node(cls, info, id):
        if not can_manage_discounts(info.context.user) or not str(id).isdigit():
            return None
        return model.objects.filter(pk=id).first()

    return classmethod(get_node)


def _list(type_path, description: str = ""):
    return graphene.List(graphene.NonNull(type_path), required=True, description=description)


class PromotionRule(DjangoObjectType):
    promotion = graphene.Field(lambda: Promotion, required=True)
    channels = _list("backend.graphql.channel.types.Channel")
    products = _list(f"{CATALOG}.Product", "Catalogue predicate: these products.")
    variants = _list(f"{CATALOG}.ProductVariant", "Catalogue predicate: these variants.")
    categories = _list(f"{CATALOG}.Category", "Catalogue predicate: these categories.")
    collections = _list(f"{CATALOG}.Collection", "Catalogue predicate: these collections.")
    vendors = _list("backend.graphql.vendors.types.Vendor", "Catalogue predicate: these vendors.")
    min_subtotal_amount = PositiveDecimal(
        description="Order predicate (满减): the subtotal after catalogue prices must reach it."
    )
    reward_value_type = graphene.Field(RewardValueTypeEnum, required=True)
    reward_value = PositiveDecimal(required=True)
    reward_type = graphene.Field(RewardTypeEnum)
    gift_variant = graphene.Field(f"{CATALOG}.ProductVariant")

    class Meta:
        model = models.PromotionRule
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name")
        description = "What a promotion discounts (its predicate) and by how much (its reward)."

    get_node = _managers_only(models.PromotionRule)

    @staticmethod
    def resolve_promotion(root, info):
        return load(info, loaders.PromotionByIdLoader, root.promotion_id)

    resolve_channels = _m2m(models.PromotionRule, "channels")
    resolve_products = _m2m(models.PromotionRule, "products")
    resolve_variants = _m2m(models.PromotionRule, "variants")
    resolve_categories = _m2m(models.PromotionRule, "categories")
    resolve_collections = _m2m(models.PromotionRule, "collections")
    resolve_vendors = _m2m(models.PromotionRule, "vendors")


class Promotion(DjangoObjectType):
    type = graphene.Field(PromotionTypeEnum, required=True)
    funded_by = graphene.Field(DiscountFundingEnum, required=True)
    rules = _list(PromotionRule)
    created = graphene.DateTime(required=True)

    class Meta:
        model = models.Promotion
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
            "description",
            "start_date",
            "end_date",
            "priority",
            "is_active",
            "updated_at",
        )
        description = (
            "A catalogue promotion (prices of matching products) or an order promotion (满减), "
            "scheduled and funded by the platform, the brand programme or the vendor."
        )

    get_node = _managers_only(models.Promotion)

    @staticmethod
    def resolve_rules(root, info):
        return load(info, loaders.RulesByPromotionLoader, root.pk)

    @staticmethod
    def resolve_created(root, info):
        return root.created_at


class VoucherCode(DjangoObjectType):
    class Meta:
        model = models.VoucherCode
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "used", "is_active", "created_at")
        description = "One code of a voucher that a shopper types in the cart."

    get_node = _managers_only(models.VoucherCode)


class VoucherCodeCountableConnection(CountableConnection):
    class Meta:
        node = VoucherCode


class Voucher(DjangoObjectType):
    type = graphene.Field(VoucherTypeEnum, required=True)
    discount_value_type = graphene.Field(RewardValueTypeEnum, required=True)
    discount_value = PositiveDecimal(required=True)
    funded_by = graphene.Field(DiscountFundingEnum, required=True)
    min_spent = graphene.Field(Money, description="Minimum checkout subtotal for the voucher.")
    channels = _list("backend.graphql.channel.types.Channel")
    products = _list(f"{CATALOG}.Product")
    variants = _list(f"{CATALOG}.ProductVariant")
    categories = _list(f"{CATALOG}.Category")
    collections = _list(f"{CATALOG}.Collection")
    codes = graphene.ConnectionField(
        VoucherCodeCountableConnection, description="The voucher's codes, oldest first."
    )
    codes_count = graphene.Int(required=True, description="How many codes the voucher has.")

    class Meta:
        model = models.Voucher
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
            "start_date",
            "end_date",
            "usage_limit",
            "used",
            "apply_once_per_customer",
            "min_checkout_items_quantity",
            "created_at",
        )
        description = "A discount given by typing one of its codes (优惠券)."

    get_node = _managers_only(models.Voucher)

    @staticmethod
    def resolve_min_spent(root, info):
        if root.min_spent_amount is None:
            return None
        return MoneyValue(root.min_spent_amount, "CNY")

    resolve_channels = _m2m(models.Voucher, "channels")
    resolve_products = _m2m(models.Voucher, "products")
    resolve_variants = _m2m(models.Voucher, "variants")
    resolve_categories = _m2m(models.Voucher, "categories")
    resolve_collections = _m2m(models.Voucher, "collections")

    @staticmethod
    def resolve_codes(root, info, **pagination):
        return resolve_connection(
            root.codes.order_by("pk"), VoucherCodeCountableConnection, info, **pagination
        )

    @staticmethod
    def resolve_codes_count(root, info):
        return load(info, loaders.CodeCountByVoucherLoader, root.pk)


class VoucherCountableConnection(CountableConnection):
    class Meta:
        node = Voucher


class PromotionCountableConnection(CountableConnection):
    class Meta:
        node = Promotion


class FlashSale(DjangoObjectType):
    """限时秒杀: a limited quantity of one variant at a special price during a window."""

    channel = graphene.Field("backend.graphql.channel.types.Channel", required=True)
    variant = graphene.Field(f"{CATALOG}.ProductVariant", required=True)
    price = graphene.Field(Money, required=True, description="The flash-sale price.")
    undiscounted_price = graphene.Field(
        Money, description="The variant's list price in the channel (shown struck through)."
    )
    quantity_limit = graphene.Int(description="Units sold at this price; null = no limit.")
    quantity_sold = graphene.Int(required=True)
    remaining_quantity = graphene.Int(description="Units left at this price; null = no limit.")
    per_customer_limit = graphene.Int(description="Units one customer may buy; null = no cap.")
    funded_by = graphene.Field(DiscountFundingEnum, required=True)
    is_running = graphene.Boolean(required=True, description="The window is open now.")

    class Meta:
        model = models.SpecialPrice
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "starts_at", "ends_at", "is_active")

    @classmethod
    def get_node(cls, info, id):
        if not str(id).isdigit():
            return None
        return models.SpecialPrice.objects.filter(
            pk=id, kind=models.SpecialPriceKind.FLASH_SALE, is_active=True
        ).first()

    @staticmethod
    def resolve_channel(root, info):
        return load(info, loaders.ChannelBySpecialPriceLoader, root.channel_id)

    @staticmethod
    def resolve_variant(root, info):
        variant = load(info, loaders.VariantBySpecialPriceLoader, root.variant_id)
        channel = load(info, loaders.ChannelBySpecialPriceLoader, root.channel_id)
        return _with_channel([variant], channel)[0]

    @staticmethod
    def resolve_price(root, info):
        return MoneyValue(root.price_amount, root.currency)

    @staticmethod
    def resolve_undiscounted_price(root, info):
        amount = load(info, loaders.ListPriceBySpecialPriceLoader, root.pk)
        return MoneyValue(amount, root.currency) if amount is not None else None

    @staticmethod
    def resolve_remaining_quantity(root, info):
        return root.quantity_remaining

    @staticmethod
    def resolve_is_running(root, info):
        now = timezone.now()
        return root.is_active and root.starts_at <= now < root.ends_at


class OrderDiscount(DjangoObjectType):
    type = graphene.Field(OrderDiscountTypeEnum, required=True)
    value_type = graphene.Field(RewardValueTypeEnum)
    value = PositiveDecimal(required=True, description="Percentage or amount as configured.")
    amount = graphene.Field(Money, required=True, description="What the discount took off.")
    funded_by = graphene.Field(DiscountFundingEnum, required=True)

    class Meta:
        model = models.OrderDiscount
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "voucher_code", "reason")
        description = "A discount applied to an order, with who funds it."

    @classmethod
    def get_node(cls, info, id):
        from backend.order.selectors import orders_visible_to

        if not str(id).isdigit():
            return None
        return models.OrderDiscount.objects.filter(
            pk=id, order__in=orders_visible_to(info.context.user)
        ).first()

    @staticmethod
    def resolve_value_type(root, info):
        return root.value_type or None

    @staticmethod
    def resolve_amount(root, info):
        return MoneyValue(root.amount, root.currency)
