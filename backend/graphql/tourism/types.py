"""GraphQL types of venues, dated availability and issued tourism vouchers."""

from __future__ import annotations

import graphene
from django.urls import reverse
from graphene_django import DjangoObjectType

from backend.core.money import Money as MoneyValue
from backend.graphql.core.money import Money
from backend.graphql.tourism.enums import (
    BookingModeEnum,
    TourismVoucherStatusEnum,
    VenueKindEnum,
)
from backend.tourism import codes, refunds
from backend.tourism import models as m


class Venue(DjangoObjectType):
    kind = graphene.Field(VenueKindEnum, required=True)
    products = graphene.List(
        graphene.NonNull("backend.graphql.catalog.types.Product"),
        required=True,
        description="The venue's tourism products.",
    )

    class Meta:
        model = m.Venue
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
            "slug",
            "grade",
            "description",
            "address",
            "town",
            "opening_hours",
            "phone",
        )
        description = "A scenic area, farm stay, restaurant or experience selling vouchers."

    @classmethod
    def get_node(cls, info, id):
        return m.Venue.objects.filter(pk=id, is_active=True).first()

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_products(root: m.Venue, info):
        return [rules.product for rules in root.products.select_related("product")]


class TourismAvailability(graphene.ObjectType):
    date = graphene.Date(required=True)
    slot = graphene.String(required=True, description="The time slot; empty for the whole day.")
    capacity = graphene.Int(required=True)
    remaining = graphene.Int(required=True, description="Places left.")
    is_bookable = graphene.Boolean(required=True)
    reason = graphene.String(
        description="Why the date cannot be booked: SOLD_OUT, BLACKOUT_DATE or BOOKING_CLOSED."
    )


class TourismProductRules(graphene.ObjectType):
    venue = graphene.Field(Venue, required=True)
    booking_mode = graphene.Field(BookingModeEnum, required=True)
    slots = graphene.List(graphene.NonNull(graphene.String), required=True)
    same_day_cutoff = graphene.Time(description="Same-day tickets until this local time.")
    min_per_order = graphene.Int(required=True)
    max_per_order = graphene.Int(required=True)
    validity_days = graphene.Int(required=True)
    requires_visitor_names = graphene.Boolean(required=True)
    free_cancel_hours = graphene.Int(required=True)
    cancel_fee_rate = graphene.Decimal(required=True)

    @staticmethod
    def resolve_booking_mode(root, info):
        return str(root.booking_mode)

    @staticmethod
    def resolve_same_day_cutoff(root, info):
        return root.same_day_cutoff


class TourismRedemption(DjangoObjectType):
    venue_name = graphene.String(required=True)

    class Meta:
        model = m.TourismRedemption
        interfaces = (graphene.relay.Node,)
        fields = ("id", "redeemed_at", "undone_at", "undo_reason")

    @classmethod
    def get_node(cls, info, id):
        from backend.tourism.redemption import venues_of

        return m.TourismRedemption.objects.filter(
            pk=id, venue__in=venues_of(info.context.user)
        ).first()

    @staticmethod
    def resolve_venue_name(root, info):
        return root.venue.name


class TourismRefundQuote(graphene.ObjectType):
    refundable = graphene.Boolean(required=True)
    amount = graphene.Field(Money, required=True, description="What a refund now gives back.")
    fee = graphene.Field(Money, required=True, description="The cancellation fee kept.")


class TourismVoucher(DjangoObjectType):
    status = graphene.Field(TourismVoucherStatusEnum, required=True)
    display_code = graphene.String(required=True, description="The code grouped: XXXX-XXXX-XXXX.")
    qr_code_url = graphene.String(required=True, description="An SVG QR code of the code.")
    venue = graphene.Field(Venue, required=True)
    uses_left = graphene.Int(required=True)
    price = graphene.Field(Money, required=True)
    refunded_amount = graphene.Field(Money, required=True)
    redemptions = graphene.List(graphene.NonNull(TourismRedemption), required=True)
    refund_quote = graphene.Field(TourismRefundQuote, required=True)
    order_number = graphene.String(required=True)

    class Meta:
        model = m.TourismVoucher
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "code",
            "product_name",
            "ticket_name",
            "visit_date",
            "slot",
            "visitor_name",
            "valid_from",
            "valid_until",
            "uses_allowed",
            "uses_count",
            "issued_at",
        )
        description = "A voucher issued for one unit of a tourism product (not a discount code)."

    @classmethod
    def get_node(cls, info, id):
        from backend.graphql.tourism.schema import visible_vouchers

        return visible_vouchers(info.context.user).filter(pk=id).first()

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_display_code(root, info):
        return codes.display(root.code)

    @staticmethod
    def resolve_qr_code_url(root, info):
        return info.context.build_absolute_uri(reverse("tourism:voucher-qr", args=[root.code]))

    @staticmethod
    def resolve_uses_left(root, info):
        return root.uses_left

    @staticmethod
    def resolve_price(root, info):
        return MoneyValue(root.price_amount, root.currency)

    @staticmethod
    def resolve_refunded_amount(root, info):
        return MoneyValue(root.refunded_amount, root.currency)

    @staticmethod
    def resolve_redemptions(root, info):
        return list(root.redemptions.select_related("venue"))

    @staticmethod
    def resolve_refund_quote(root, info):
        q = refunds.quote(root)
        return TourismRefundQuote(
            refundable=q.refundable,
            amount=MoneyValue(q.amount, root.currency),
            fee=MoneyValue(q.fee, root.currency),
        )

    @staticmethod
    def resolve_order_number(root, info):
        return str(root.order.number)


class VenueReportDay(graphene.ObjectType):
    date = graphene.Date(required=True, description="A day in Asia/Shanghai.")
    sold = graphene.Int(required=True, description="Vouchers issued that day.")
    sales = graphene.Field(Money, required=True, description="Their paid amount.")
    redeemed = graphene.Int(required=True, description="Redemptions that day (undone excluded).")


class VenueSettlement(graphene.ObjectType):
    sales = graphene.Field(Money, required=True)
    refunds = graphene.Field(Money, required=True, description="Refunds reversed (negative).")
    commission = graphene.Field(Money, required=True)
    net = graphene.Field(Money, required=True, description="What the venue is owed.")


class VenueReport(graphene.ObjectType):
    days = graphene.List(graphene.NonNull(VenueReportDay), required=True)
    no_show_rate = graphene.Float(
        description="Share of dated vouchers for visits in the range that expired unused "
        "(refunds excluded); null when there were none."
    )
    settlement = graphene.Field(VenueSettlement, required=True)
