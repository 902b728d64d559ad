"""Tourism queries: venues (public), a product's availability, a venue's voucher lookup."""

from __future__ import annotations

import graphene
from django.db.models import Q

from backend.core.permissions import Permission, has_permissions
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.tourism.types import TourismVoucher, Venue
from backend.tourism import redemption
from backend.tourism.models import TourismVoucher as VoucherModel
from backend.tourism.models import Venue as VenueModel

MAX_VENUE_VOUCHERS = 200


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
