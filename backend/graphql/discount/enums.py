"""Discount enums, generated from the models' TextChoices so a value has one spelling."""

from backend.discount.error_codes import DiscountErrorCode
from backend.discount.models import (
    DiscountFunding,
    OrderDiscountType,
    PromotionType,
    RewardType,
    RewardValueType,
    VoucherType,
)
from backend.graphql.catalog.enums import enum_from_choices

PromotionTypeEnum = enum_from_choices(
    "PromotionTypeEnum",
    PromotionType,
    "CATALOGUE lowers product prices; ORDER (满减) rewards a checkout whose subtotal is reached.",
)
RewardValueTypeEnum = enum_from_choices(
    "RewardValueTypeEnum", RewardValueType, "A percentage off or a fixed amount off."
)
RewardTypeEnum = enum_from_choices(
    "RewardTypeEnum", RewardType, "What an order promotion gives: money off the subtotal or a gift."
)
VoucherTypeEnum = enum_from_choices(
    "VoucherTypeEnum", VoucherType, "What a voucher applies to: the order, some products, delivery."
)
DiscountFundingEnum = enum_from_choices(
    "DiscountFundingEnum",
    DiscountFunding,
    "Who pays for a discount: the platform, the county brand programme or the vendor.",
)
OrderDiscountTypeEnum = enum_from_choices(
    "OrderDiscountTypeEnum", OrderDiscountType, "Where an order's discount comes from."
)
DiscountErrorCodeEnum = enum_from_choices("DiscountErrorCode", DiscountErrorCode)
