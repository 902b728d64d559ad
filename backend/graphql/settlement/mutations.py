"""Service-centre mutations of vendor statements (MANAGE_VENDORS): draft, issue, pay, adjust."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.settlement.enums import SettlementErrorCodeEnum
from backend.graphql.settlement.types import VendorStatement, VendorStatementLine
from backend.settlement import periods, services
from backend.settlement.error_codes import SettlementErrorCode
from backend.settlement.models import VendorStatement as VendorStatementModel
from backend.vendors.models import Vendor as VendorModel

SettlementError = error_type("SettlementError", SettlementErrorCodeEnum)
VENDORS = [Permission.MANAGE_VENDORS]


def _statement(global_id: str) -> VendorStatementModel:
    return get_instance(
        VendorStatementModel.objects.select_related("vendor"),
        global_id,
        "VendorStatement",
        field="id",
    )


class VendorStatementDraft(BaseMutation):
    statement = graphene.Field(VendorStatement)

    class Arguments:
        vendor = graphene.ID(required=True, description="The vendor.")
        period_start = graphene.Date(description="First day; default: first day of last month.")
        period_end = graphene.Date(description="Last day; default: last day of last month.")

    class Meta:
        description = (
            "Drafts (or drafts again) the vendor's statement for a period (last month by "
            "default): every delivered sale and refund not yet on a statement, up to the "
            "period's end. Requires MANAGE_VENDORS."
        )
        permissions = VENDORS
        error_type_class = SettlementError

    @classmethod
    def perform_mutation(cls, root, info, vendor, period_start=None, period_end=None):
        if (period_start is None) != (period_end is None):
            raise ValidationError(
                {
                    "periodEnd" if period_end is None else "periodStart": ValidationError(
                        _("请同时提供账期的开始和结束日期。"),
                        code=SettlementErrorCode.INVALID_PERIOD,
                    )
                }
            )
        if period_start is None:
            period_start, period_end = periods.previous_month()
        statement = services.draft_statement(
            vendor=get_instance(VendorModel.objects, vendor, "Vendor", field="vendor"),
            period_start=period_start,
            period_end=period_end,
            actor=info.context.user,
        )
        return cls(statement=statement)


class VendorStatementIssue(BaseMutation):
    statement = graphene.Field(VendorStatement)

    class Arguments:
        id = graphene.ID(required=True, description="The draft statement.")

    class Meta:
        description = (
            "Issues a draft after its period has ended: collects it a last time at the "
            "vendor's current commission rate and freezes it. Requires MANAGE_VENDORS."
        )
        permissions = VENDORS
        error_type_class = SettlementError

    @classmethod
    def perform_mutation(cls, root, info, id):
        statement = services.issue_statement(statement=_statement(id), actor=info.context.user)
        return cls(statement=statement)


class VendorStatementMarkPaid(BaseMutation):
    statement = graphene.Field(VendorStatement)

    class Arguments:
        id = graphene.ID(required=True, description="The issued statement.")
        payment_reference = graphene.String(
            required=True, description="The bank transfer's reference (付款凭证号)."
        )

    class Meta:
        description = "Records that an issued statement was paid. Requires MANAGE_VENDORS."
        permissions = VENDORS
        error_type_class = SettlementError

    @classmethod
    def perform_mutation(cls, root, info, id, payment_reference):
        statement = services.mark_statement_paid(
            statement=_statement(id),
            payment_reference=payment_reference,
            actor=info.context.user,
        )
        return cls(statement=statement)


class VendorStatementAddAdjustment(BaseMutation):
    statement = graphene.Field(VendorStatement)
    line = graphene.Field(VendorStatementLine)

    class Arguments:
        id = graphene.ID(required=True, description="The draft statement.")
        amount = graphene.String(
            required=True,
            description="Yuan, up to two decimals: positive pays the vendor more, negative less.",
        )
        reason = graphene.String(required=True)

    class Meta:
        description = "Adds a manual adjustment to a draft statement. Requires MANAGE_VENDORS."
        permissions = VENDORS
        error_type_class = SettlementError

    @classmethod
    def perform_mutation(cls, root, info, id, amount, reason):
        statement = _statement(id)
        line = services.add_adjustment(
            statement=statement, amount=amount, reason=reason, actor=info.context.user
        )
        return cls(statement=line.statement, line=line)


class SettlementMutations(graphene.ObjectType):
    vendor_statement_draft = VendorStatementDraft.Field()
    vendor_statement_issue = VendorStatementIssue.Field()
    vendor_statement_mark_paid = VendorStatementMarkPaid.Field()
    vendor_statement_add_adjustment = VendorStatementAddAdjustment.Field()
