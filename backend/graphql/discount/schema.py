"""Discount queries: promotions and vouchers for brand managers (MANAGE_DISCOUNTS); the flash
sales of a channel, running and upcoming, for everyone."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from backend.channel.models import Channel
from backend.core.permissions import Permission
from backend.discount.flash_sales import visible_flash_sales
from backend.discount.management import can_manage_discounts
from backend.discount.models import Promotion as PromotionModel
from backend.discount.models import Voucher as VoucherModel
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, PermissionDenied, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.discount.enums import PromotionTypeEnum, VoucherTypeEnum
from backend.graphql.discount.types import (
    FlashSale,
    Promotion,
    PromotionCountableConnection,
    Voucher,
    VoucherCountableConnection,
)
from backend.graphql.stations.enums import enum_value

DISCOUNTS = [Permission.MANAGE_DISCOUNTS]


def _require_manager(info) -> None:
    if not can_manage_discounts(info.context.user):
        raise PermissionDenied(DISCOUNTS)


class PromotionFilterInput(graphene.InputObjectType):
    type = PromotionTypeEnum()
    search = graphene.String(description="Part of the name.")
    is_active = graphene.Boolean()


class VoucherFilterInput(graphene.InputObjectType):
    type = VoucherTypeEnum()
    search = graphene.String(description="Part of the name, or one of its codes.")


class DiscountQueries(graphene.ObjectType):
    promotions = graphene.ConnectionField(
        PromotionCountableConnection,
        filter=PromotionFilterInput(),
        where=PromotionFilterInput(description="Alias of `filter`."),
        description="Promotions, latest start first. Requires MANAGE_DISCOUNTS.",
    )
    promotion = graphene.Field(
        Promotion, id=graphene.ID(required=True), description="Requires MANAGE_DISCOUNTS."
    )
    vouchers = graphene.ConnectionField(
        VoucherCountableConnection,
        filter=VoucherFilterInput(),
        description="Vouchers, newest first. Requires MANAGE_DISCOUNTS.",
    )
    voucher = graphene.Field(
        Voucher, id=graphene.ID(required=True), description="Requires MANAGE_DISCOUNTS."
    )
    flash_sales = graphene.List(
        graphene.NonNull(FlashSale),
        required=True,
        channel=graphene.String(required=True, description="Slug of the channel."),
        description="Flash sales (限时秒杀) of a channel that are running or have not started, "
        "soonest first. Public.",
    )

    @staticmethod
    def resolve_promotions(root, info, filter=None, where=None, **pagination):
        _require_manager(info)
        promotions = PromotionModel.objects.all()
        filter = filter or where or {}
        if filter.get("type"):
            promotions = promotions.filter(type=enum_value(filter["type"]))
        if filter.get("search"):
            promotions = promotions.filter(name__icontains=filter["search"].strip())
        if filter.get("is_active") is not None:
            promotions = promotions.filter(is_active=filter["is_active"])
        promotions = promotions.order_by("-start_date", "-pk")
        return resolve_connection(promotions, PromotionCountableConnection, info, **pagination)

    @staticmethod
    def resolve_promotion(root, info, id):
        _require_manager(info)
        promotion = PromotionModel.objects.filter(pk=decode_id(id, "Promotion")).first()
        if promotion is not None:
            loaders_of(info).register([promotion])
        return promotion

    @staticmethod
    def resolve_vouchers(root, info, filter=None, **pagination):
        _require_manager(info)
        vouchers = VoucherModel.objects.all()
        filter = filter or {}
        if filter.get("type"):
            vouchers = vouchers.filter(type=enum_value(filter["type"]))
        if filter.get("search"):
            term = filter["search"].strip()
            vouchers = vouchers.filter(
                pk__in=VoucherModel.objects.filter(name__icontains=term)
                .values("pk")
                .union(VoucherModel.objects.filter(codes__code=term.upper()).values("pk"))
            )
        vouchers = vouchers.order_by("-created_at", "-pk")
        return resolve_connection(vouchers, VoucherCountableConnection, info, **pagination)

    @staticmethod
    def resolve_voucher(root, info, id):
        _require_manager(info)
        voucher = VoucherModel.objects.filter(pk=decode_id(id, "Voucher")).first()
        if voucher is not None:
            loaders_of(info).register([voucher])
        return voucher

    @staticmethod
    def resolve_flash_sales(root, info, channel):
        found = Channel.objects.filter(slug=channel.strip(), is_active=True).first()
        if found is None:
            raise ApiError(_("没有这个销售渠道。"), code=QueryErrorCode.NOT_FOUND, field="channel")
        sales = list(visible_flash_sales(found))
        loaders_of(info).register([found, *sales])
        return sales
