"""Loaders of promotions', rules', vouchers' and flash sales' related rows, so a list query
costs one statement per loader whatever the page size (backend/graphql/core/dataloaders.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from backend.catalog.models import ProductVariant, ProductVariantChannelListing
from backend.channel.models import Channel
from backend.discount.models import (
    OrderDiscount,
    Promotion,
    PromotionRule,
    SpecialPrice,
    Voucher,
    VoucherCode,
)
from backend.graphql.core.dataloaders import ByPkLoader, ChildrenLoader, DataLoader, group_by
from backend.order.models import Order


class RulesByPromotionLoader(ChildrenLoader):
    source = Promotion
    model = PromotionRule
    parent_field = "promotion_id"

    def queryset(self):
        return PromotionRule.objects.order_by("pk")


class PromotionByIdLoader(ByPkLoader):
    source = PromotionRule
    source_key = "promotion_id"
    model = Promotion


class CodeCountByVoucherLoader(DataLoader[int, int]):
    source = Voucher

    def batch_load(self, keys):
        counts = dict(
            VoucherCode.objects.filter(voucher_id__in=keys)
            .values("voucher_id")
            .annotate(total=Count("pk"))
            .values_list("voucher_id", "total")
        )
        return [counts.get(key, 0) for key in keys]


class ChannelBySpecialPriceLoader(ByPkLoader):
    source = SpecialPrice
    source_key = "channel_id"
    model = Channel


class VariantBySpecialPriceLoader(ByPkLoader):
    source = SpecialPrice
    source_key = "variant_id"
    model = ProductVariant

    def queryset(self):
        return ProductVariant.objects.select_related("product")


class ListPriceBySpecialPriceLoader(DataLoader[int, Any]):
    """The variant's list price in the flash sale's channel (what is struck through)."""

    source = SpecialPrice

    def batch_load(self, keys):
        sales = SpecialPrice.objects.in_bulk(keys)
        pairs = {(sale.variant_id, sale.channel_id) for sale in sales.values()}
        listings = ProductVariantChannelListing.objects.filter(
            variant_id__in={variant for variant, _ in pairs},
            channel_id__in={channel for _, channel in pairs},
        )
        prices = {(row.variant_id, row.channel_id): row.price_amount for row in listings}
        return [
            prices.get((sales[key].variant_id, sales[key].channel_id)) if key in sales else None
            for key in keys
        ]


_M2M_LOADERS: dict[tuple[type, str], type[DataLoader]] = {}


def m2m_loader(model, field_name: str) -> type[DataLoader]:
    """A loader of the rows a many-to-many field of `model` points at, keyed by `model`'s pk:
    one query on the join table (with the targets joined) for every registered instance."""
    key = (model, field_name)
    if key not in _M2M_LOADERS:
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source_column = field.m2m_column_name()
        target = field.m2m_reverse_field_name()

        def batch_load(self, keys):
            rows = (
                through.objects.filter(**{f"{source_column}__in": keys})
                .select_related(target)
                .order_by("pk")
            )
            grouped = group_by(rows, lambda row: getattr(row, source_column))
            return [[getattr(row, target) for row in grouped.get(k, [])] for k in keys]

        _M2M_LOADERS[key] = type(
            f"{model.__name__}{field_name.title()}Loader",
            (DataLoader,),
            {"source": model, "batch_load": batch_load},
        )
    return _M2M_LOADERS[key]


class DiscountsByOrderLoader(ChildrenLoader):
    source = Order
    model = OrderDiscount
    parent_field = "order_id"

    def queryset(self):
        return OrderDiscount.objects.order_by("pk")
