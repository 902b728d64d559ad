"""Tourism mutations: booking details on a checkout line, redemption (核销) and its undo at the
venue, refunds of unused vouchers.

Redemption and undo do not run inside one outer transaction: the service commits its own, so a
refused attempt stays logged (and counts towards the throttle) although the mutation returns an
error. They need no staff permission: the services check that the user works at the venue.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.core.money import Money as MoneyValue
from backend.graphql.checkout.mutations import get_checkout
from backend.graphql.checkout.types import Checkout
from backend.graphql.core.errors import ApiError, error_type
from backend.graphql.core.ids import decode_id, decode_ids, decode_uuid
from backend.graphql.core.money import Money
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.tourism.enums import TourismErrorCodeEnum
from backend.graphql.tourism.schema import staffed_venue_or_error, visible_vouchers
from backend.graphql.tourism.types import TourismRedemption, TourismVoucher
from backend.tourism import booking, redemption, refunds
from backend.tourism.error_codes import TourismErrorCode

TourismError = error_type("TourismError", TourismErrorCodeEnum)


class _OwnTransactionMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            response = cls.perform_mutation(root, info, **data)
        except ValidationError as error:
            return cls.handle_errors(error)
        except ApiError as error:
            field = (error.extensions or {}).get("exception", {}).get("field")
            code = error.code if error.code in TourismErrorCode.values else "GRAPHQL_ERROR"
            return cls(errors=[{"field": field, "message": error.message, "code": code}])
        response.errors = []
        return response


class CheckoutLineTourismDetailsUpdate(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Arguments:
        id = graphene.ID(required=True, description="The checkout.")
        line_id = graphene.ID(required=True, description="A line of a tourism product.")
        visit_date = graphene.Date(description="The visit date (dated products).")
        visit_slot = graphene.String(description="One of the product's time slots, if any.")
        visitor_names = graphene.List(
            graphene.NonNull(graphene.String),
            description="One name per ticket, where the venue requires them.",
        )

    class Meta:
        description = (
            "Sets the visit date, slot and visitors' names of a tourism line; checks the "
            "booking rules and the places left (checked again at checkoutComplete)."
        )
        error_type_class = TourismError

    @classmethod
    def perform_mutation(
        cls, root, info, id, line_id, visit_date=None, visit_slot=None, visitor_names=None
    ):
        checkout = get_checkout(info, id, lock=True)
        pk = decode_uuid(line_id, "CheckoutLine", field="line_id")
        line = checkout.lines.select_related("variant__product").filter(pk=pk).first()
        if line is None:
            raise ValidationError(
                {"line_id": ValidationError(_("购物车中没有这一行。"), code="NOT_FOUND")}
            )
        booking.set_line_details(
            line=line,
            visit_date=visit_date,
            slot=(visit_slot or "").strip(),
            visitor_names=visitor_names or [],
        )
        return cls(checkout=checkout)


class TourismVoucherRedeem(_OwnTransactionMutation):
    tourism_voucher = graphene.Field(TourismVoucher)
    redemption = graphene.Field(TourismRedemption)
    repeated = graphene.Boolean(
        description="True when this idempotency key had redeemed already; nothing changed."
    )

    class Arguments:
        venue = graphene.ID(required=True, description="The venue you work at.")
        code = graphene.String(required=True, description="The code typed or scanned (QR).")
        idempotency_key = graphene.String(
            description="A key per attempt; a retry with the same key redeems once."
        )

    class Meta:
        description = "Redeems one use of a voucher at your venue (核销)."
        error_type_class = TourismError

    @classmethod
    def perform_mutation(cls, root, info, venue, code, idempotency_key=None):
        row = staffed_venue_or_error(info, venue)
        result = redemption.redeem(
            user=info.context.user, venue=row, code=code, idempotency_key=idempotency_key or ""
        )
        return cls(
            tourism_voucher=result.voucher,
            redemption=result.redemption,
            repeated=result.repeated,
        )


class TourismVoucherRedemptionUndo(_OwnTransactionMutation):
    redemption = graphene.Field(TourismRedemption)
    tourism_voucher = graphene.Field(TourismVoucher)

    class Arguments:
        id = graphene.ID(required=True, description="The redemption to undo.")
        reason = graphene.String(required=True, description="Why (e.g. scanned the wrong code).")

    class Meta:
        description = (
            f"Undoes a redemption at your venue within {int(redemption.UNDO_WINDOW.seconds / 60)}"
            f" minutes, at most {redemption.UNDO_LIMIT} times per voucher; the use comes back."
        )
        error_type_class = TourismError

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        pk = decode_id(id, "TourismRedemption")
        undone = redemption.undo(user=info.context.user, redemption_id=pk, reason=reason)
        undone.voucher.refresh_from_db()
        return cls(redemption=undone, tourism_voucher=undone.voucher)


class TourismVoucherRefund(BaseMutation):
    tourism_vouchers = graphene.List(graphene.NonNull(TourismVoucher))
    amount = graphene.Field(Money, description="What went back through the payment gateway.")

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        reason = graphene.String()

    class Meta:
        description = (
            "Refunds unused vouchers of one order by their product's rules (free until the "
            "cancellation deadline, a fee after, nothing once used); by the buyer or tourism "
            "or order managers. The money goes back through the payment gateway."
        )
        error_type_class = TourismError

    @classmethod
    def perform_mutation(cls, root, info, ids, reason=None):
        user = info.context.user
        pks = decode_ids(ids, "TourismVoucher", field="ids")
        rows = list(visible_vouchers(user).filter(pk__in=pks))
        if len(rows) != len(set(pks)):
            raise ValidationError(
                {"ids": ValidationError(_("没有找到这些票券。"), code="NOT_FOUND")}
            )
        done = refunds.refund_vouchers(vouchers=rows, user=user, reason=reason or "")
        total = sum((v.refunded_amount for v in done), start=done[0].refunded_amount * 0)
        return cls(tourism_vouchers=done, amount=MoneyValue(total, done[0].currency))


class TourismMutations(graphene.ObjectType):
    checkout_line_tourism_details_update = CheckoutLineTourismDetailsUpdate.Field()
    tourism_voucher_redeem = TourismVoucherRedeem.Field()
    tourism_voucher_redemption_undo = TourismVoucherRedemptionUndo.Field()
    tourism_voucher_refund = TourismVoucherRefund.Field()
