"""Tourism queries: venues (public), a product's availability, a venue's voucher lookup."""

from __future__ import annotations

import graphene
from django.db.models import Q

from backend.core.money import Money as MoneyValue
from backend.core.permissions import Permission, has_permissions
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.tourism.types import (
    TourismVoucher,
    Venue,
    VenueReport,
    VenueReportDay,
    VenueSettlement,
)
from backend.tourism import redemption, selectors
from backend.tourism.models import TourismVoucher as VoucherModel
from backend.tourism.models import Venue as VenueModel

MAX_VENUE_VOUCHERS = 200
MAX_REPORT_DAYS = 92


def visible_vouchers(user):
    """The owner sees their vouchers, venue staff their venues' vouchers, tourism managers all."""
    if not getattr(user, "is_authenticated", False):
        return VoucherModel.objects.none()
    if user.is_staff and has_permissions(user, [Permission.MANAGE_TOURISM]):
        return VoucherModel.objects.all()
    return VoucherModel.objects.filter(Q(user=user) | Q(venue__in=redemption.venues_of(user)))


def staffed_venue_or_error(info, value: str) -> VenueModel:
    pk = decode_id(value, "Venue", field="venue")
    try:
        return redemption.staffed_venue(user=info.context.user, venue_id=pk)
    except redemption.RedemptionError as error:
        raise ApiError(error.desk_message, code=QueryErrorCode.NOT_FOUND, field="venue") from None


class TourismQueries(graphene.ObjectType):
    venues = graphene.List(
        graphene.NonNull(Venue),
        required=True,
        description="Venues open for sale (scenic areas, farm stays, restaurants, experiences).",
    )
    venue = graphene.Field(
        Venue,
        id=graphene.ID(description="The venue's ID."),
        slug=graphene.String(description="The venue's slug."),
        description="One venue by ID or slug.",
    )
    venue_vouchers = graphene.List(
        graphene.NonNull(TourismVoucher),
        required=True,
        venue=graphene.ID(required=True, description="A venue you work at."),
        code=graphene.String(description="A typed or scanned code: only that voucher."),
        description="Vouchers of a venue you work at, newest first (at most "
        f"{MAX_VENUE_VOUCHERS}); another venue is NOT_FOUND.",
    )

    venue_report = graphene.Field(
        VenueReport,
        required=True,
        venue=graphene.ID(required=True),
        date_from=graphene.Date(required=True),
        date_to=graphene.Date(required=True),
        description="Sales and redemptions per day, no-show rate and settlement of a venue "
        f"(at most {MAX_REPORT_DAYS} days); for its staff and tourism managers.",
    )

    @staticmethod
    def resolve_venue_report(root, info, venue, date_from, date_to):
        user = info.context.user
        pk = decode_id(venue, "Venue", field="venue")
        if getattr(user, "is_staff", False) and has_permissions(user, [Permission.MANAGE_TOURISM]):
            row = VenueModel.objects.filter(pk=pk).first()
            if row is None:
                raise ApiError("Venue not found.", code=QueryErrorCode.NOT_FOUND, field="venue")
        else:
            row = staffed_venue_or_error(info, venue)
        if date_to < date_from or (date_to - date_from).days >= MAX_REPORT_DAYS:
            raise ApiError(
                f"Give a range of 1 to {MAX_REPORT_DAYS} days.",
                code=QueryErrorCode.INVALID,
                field="dateTo",
            )
        days = selectors.venue_daily(row, date_from, date_to)
        rate = selectors.no_show_rate(row, date_from, date_to)
        money = {
            k: MoneyValue(v) for k, v in selectors.venue_settlement(row, date_from, date_to).items()
        }
        return VenueReport(
            days=[
                VenueReportDay(
                    date=d.date, sold=d.sold, sales=MoneyValue(d.sales), redeemed=d.redeemed
                )
                for d in days
            ],
            no_show_rate=float(rate) if rate is not None else None,
            settlement=VenueSettlement(**money),
        )

    @staticmethod
    def resolve_venues(root, info):
        return list(VenueModel.objects.filter(is_active=True).order_by("name", "pk"))

    @staticmethod
    def resolve_venue(root, info, id=None, slug=None):
        rows = VenueModel.objects.filter(is_active=True)
        if id:
            return rows.filter(pk=decode_id(id, "Venue")).first()
        if slug:
            return rows.filter(slug=slug).first()
        raise ApiError("Give the venue's id or slug.", code=QueryErrorCode.INVALID, field="id")

    @staticmethod
    def resolve_venue_vouchers(root, info, venue, code=None):
        row = staffed_venue_or_error(info, venue)
        if code is not None:
            try:
                return [redemption.find_for_venue(row, code)]
            except redemption.RedemptionError:
                return []
        return list(
            VoucherModel.objects.filter(venue=row).order_by("-issued_at", "-pk")[
                :MAX_VENUE_VOUCHERS
            ]
        )
