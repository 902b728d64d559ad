"""Statement queries: vendor staff see their own vendor's statements, MANAGE_VENDORS staff see
every vendor's; anyone else is refused. Another vendor's statement is NOT_FOUND."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from backend.core.permissions import Permission
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, PermissionDenied, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.settlement.enums import VendorStatementStatusEnum
from backend.graphql.settlement.types import VendorStatement, VendorStatementCountableConnection
from backend.graphql.stations.enums import enum_value
from backend.settlement.selectors import statements_for
from backend.vendors.scoping import can_manage_vendors, membership


class VendorStatementPeriodInput(graphene.InputObjectType):
    start = graphene.Date(description="Statements whose period ends on or after this day.")
    end = graphene.Date(description="Statements whose period starts on or before this day.")


class VendorStatementFilterInput(graphene.InputObjectType):
    vendor = graphene.ID(description="Only this vendor's statements (staff).")
    status = VendorStatementStatusEnum()
    period = VendorStatementPeriodInput(description="Statements overlapping these days.")


def _require_reader(info) -> None:
    user = info.context.user
    if not (can_manage_vendors(user) or membership(user)):
        raise PermissionDenied([Permission.MANAGE_VENDORS])


def filter_statements(statements, filter_input):
    if not filter_input:
        return statements
    if filter_input.get("vendor"):
        statements = statements.filter(
            vendor_id=decode_id(filter_input["vendor"], "Vendor", field="vendor")
        )
    if filter_input.get("status"):
        statements = statements.filter(status=enum_value(filter_input["status"]))
    period = filter_input.get("period") or {}
    if period.get("start"):
        statements = statements.filter(period_end__gte=period["start"])
    if period.get("end"):
        statements = statements.filter(period_start__lte=period["end"])
    return statements


class SettlementQueries(graphene.ObjectType):
    vendor_statements = graphene.ConnectionField(
        VendorStatementCountableConnection,
        filter=VendorStatementFilterInput(),
        description="Vendor statements, newest period first. Vendor staff: their own vendor's; "
        "MANAGE_VENDORS staff: every vendor's.",
    )
    vendor_statement = graphene.Field(
        VendorStatement,
        id=graphene.ID(required=True),
        description="One statement with its lines. NOT_FOUND for a statement you may not see.",
    )

    @staticmethod
    def resolve_vendor_statements(root, info, filter=None, **pagination):
        _require_reader(info)
        statements = filter_statements(statements_for(info.context.user), filter)
        return resolve_connection(
            statements, VendorStatementCountableConnection, info, **pagination
        )

    @staticmethod
    def resolve_vendor_statement(root, info, id):
        _require_reader(info)
        statement = (
            statements_for(info.context.user).filter(pk=decode_id(id, "VendorStatement")).first()
        )
        if statement is None:
            raise ApiError(_("找不到该对账单。"), code=QueryErrorCode.NOT_FOUND, field="id")
        loaders_of(info).register([statement])
        return statement
