"""`planTargets(month:)`: the plan's ten targets as of a month, for county office staff
(targets.view_dashboard). A malformed or future month is an INVALID error naming the field
`month`; anyone else gets PERMISSION_DENIED."""

from __future__ import annotations

import graphene

from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.targets import months
from backend.targets.definitions import Status
from backend.targets.selectors import Figure, Point, can_view_dashboard, figures

PlanTargetStatus = graphene.Enum.from_enum(Status, description="Progress toward a target.")


class PlanTargetPoint(graphene.ObjectType):
    month = graphene.String(required=True, description="YYYY-MM (Asia/Shanghai).")
    value = graphene.Decimal(description="The target's value as of that month.")
    is_demo = graphene.Boolean(required=True, description="Demonstration data (示例数据).")

    @staticmethod
    def resolve_month(root: Point, info):
        return months.label(root.month)


class PlanTarget(graphene.ObjectType):
    code = graphene.String(required=True)
    number = graphene.Int(required=True, description="Its place in the plan (1–10).")
    title = graphene.String(required=True, description="The county's Chinese title.")
    unit = graphene.String(required=True)
    value = graphene.Decimal(description="Value as of the month; null when nothing is known.")
    target = graphene.Decimal(required=True)
    secondary_title = graphene.String(description="Training: the jobs figure's title.")
    secondary_value = graphene.Decimal()
    secondary_target = graphene.Decimal()
    period = graphene.String(required=True, description="year, cumulative or level.")
    status = graphene.Field(PlanTargetStatus, required=True)
    is_demo = graphene.Boolean(required=True)
    series = graphene.List(graphene.NonNull(PlanTargetPoint), required=True)

    @staticmethod
    def resolve_code(root: Figure, info):
        return root.target.code

    @staticmethod
    def resolve_number(root: Figure, info):
        return root.target.number

    @staticmethod
    def resolve_title(root: Figure, info):
        return root.target.title

    @staticmethod
    def resolve_unit(root: Figure, info):
        return root.target.unit

    @staticmethod
    def resolve_target(root: Figure, info):
        return root.target.target

    @staticmethod
    def resolve_period(root: Figure, info):
        return root.target.period

    @staticmethod
    def resolve_secondary_title(root: Figure, info):
        return root.target.secondary.title if root.target.secondary else None

    @staticmethod
    def resolve_secondary_target(root: Figure, info):
        return root.target.secondary.target if root.target.secondary else None


class TargetQueries(graphene.ObjectType):
    plan_targets = graphene.List(
        graphene.NonNull(PlanTarget),
        required=True,
        month=graphene.String(description="YYYY-MM (Asia/Shanghai); this month if omitted."),
        description="The county plan's ten targets as of a month, with 24 months of series. "
        "Requires targets.view_dashboard (county office staff).",
    )

    @staticmethod
    def resolve_plan_targets(root, info, month=None):
        if not can_view_dashboard(info.context.user):
            raise ApiError(
                "You need targets.view_dashboard to see the plan's targets.",
                code=QueryErrorCode.PERMISSION_DENIED,
            )
        try:
            first = months.parse_month(month)
        except months.BadMonth as problem:
            raise ApiError(str(problem), code=QueryErrorCode.INVALID, field="month") from problem
        return figures(first)
