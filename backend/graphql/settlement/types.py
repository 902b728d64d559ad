"""The VendorStatement type (对账单) and its lines."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.core.money import DEFAULT_CURRENCY
from backend.core.money import Money as MoneyValue
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.money import Money
from backend.graphql.settlement.dataloaders import LinesByStatementLoader
from backend.graphql.settlement.enums import (
    VendorStatementLineKindEnum,
    VendorStatementStatusEnum,
)
from backend.graphql.vendors.types import Vendor
from backend.settlement import models
from backend.settlement.export import export_csv
from backend.settlement.selectors import statements_for


def _money(field: str):
    def resolve(root, info):
        return MoneyValue(getattr(root, field), getattr(root, "currency", DEFAULT_CURRENCY))

    return resolve


class VendorStatementLine(graphene.ObjectType):
    kind = graphene.Field(VendorStatementLineKindEnum, required=True)
    order_number = graphene.String(description="The order's number; null on an adjustment.")
    product_name = graphene.String(required=True)
    quantity = graphene.Int(required=True, description="Units delivered (sales only).")
    amount = graphene.Field(
        Money,
        required=True,
        description="Sale: list price of the delivered units; refund: the vendor's share of the "
        "refund (positive); adjustment: signed.",
    )
    discount = graphene.Field(Money, required=True, description="Vendor-funded discount (sales).")
    commission = graphene.Field(
        Money, required=True, description="Platform commission; negative on a refund (returned)."
    )
    net = graphene.Field(
        Money, required=True, description="The line's signed contribution to the net payable."
    )
    occurred_at = graphene.DateTime(required=True, description="Delivered or refunded at.")
    note = graphene.String(required=True)

    resolve_amount = staticmethod(_money("amount"))
    resolve_discount = staticmethod(_money("discount"))
    resolve_commission = staticmethod(_money("commission"))
    resolve_net = staticmethod(_money("net"))

    @staticmethod
    def resolve_kind(root: models.StatementLine, info):
        return models.StatementLineKind(root.kind).value

    @staticmethod
    def resolve_order_number(root: models.StatementLine, info):
        return str(root.order_number) if root.order_number else None


class VendorStatement(DjangoObjectType):
    vendor = graphene.Field(Vendor, required=True)
    status = graphene.Field(VendorStatementStatusEnum, required=True)
    period_start = graphene.Date(required=True, description="First day (Asia/Shanghai).")
    period_end = graphene.Date(required=True, description="Last day, inclusive.")
    commission_rate = graphene.Float(
        required=True, description="0.05 = 5 %; the vendor's rate, fixed when issued."
    )
    gross = graphene.Field(Money, required=True, description="Delivered sales at list price.")
    refunds = graphene.Field(Money, required=True)
    vendor_discounts = graphene.Field(Money, required=True)
    commission = graphene.Field(Money, required=True)
    adjustments = graphene.Field(Money, required=True)
    net_payable = graphene.Field(
        Money,
        required=True,
        description="gross − refunds − vendorDiscounts − commission + adjustments.",
    )
    line_count = graphene.Int(required=True)
    lines = graphene.List(graphene.NonNull(VendorStatementLine), required=True)
    csv = graphene.String(
        required=True,
        description="The statement as CSV text (Chinese headers; the downloadable file adds a "
        "UTF-8 BOM for Excel).",
    )

    class Meta:
        model = models.VendorStatement
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "drafted_at",
            "issued_at",
            "paid_at",
            "payment_reference",
            "created_at",
        )
        description = (
            "A vendor's statement (对账单) for one period: delivered sales, refunds, "
            "vendor-funded discounts, commission and the net payable. Vendor staff see their "
            "own; MANAGE_VENDORS staff see all."
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.all() & statements_for(info.context.user)

    resolve_gross = staticmethod(_money("gross_amount"))
    resolve_refunds = staticmethod(_money("refund_amount"))
    resolve_vendor_discounts = staticmethod(_money("discount_amount"))
    resolve_commission = staticmethod(_money("commission_amount"))
    resolve_adjustments = staticmethod(_money("adjustment_amount"))
    resolve_net_payable = staticmethod(_money("net_amount"))

    @staticmethod
    def resolve_status(root: models.VendorStatement, info):
        return models.StatementStatus(root.status).value

    @staticmethod
    def resolve_vendor(root: models.VendorStatement, info):
        return root.vendor  # joined by the selectors

    @staticmethod
    def resolve_commission_rate(root: models.VendorStatement, info):
        return float(root.commission_rate)

    @staticmethod
    def resolve_lines(root: models.VendorStatement, info):
        return load(info, LinesByStatementLoader, root.pk)

    @staticmethod
    def resolve_csv(root: models.VendorStatement, info):
        lines = load(info, LinesByStatementLoader, root.pk)
        return export_csv(root, lines=lines).decode("utf-8").removeprefix("\ufeff")


class VendorStatementCountableConnection(CountableConnection):
    class Meta:
        node = VendorStatement
