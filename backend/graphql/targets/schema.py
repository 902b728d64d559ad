"""`planTargets(month:)`: the plan's ten targets as of a month, for county office staff
(targets.view_dashboard). A malformed or future month is an INVALID error naming the field
`month`; anyone else gets PERMISSION_DENIED."""

from __future__ import annotations

from typing import Any

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


def _of_target(path: str):
    """A resolver reading the target's definition (root.target.<path>, None when absent)."""

    def resolve(root: Figure, info):
        value: Any = root.target
        for name in path.split("."):
            value = getattr(value, name, None) if value is not None else None
        return value

    return resolve


class PlanTarget(graphene.ObjectType):
    code = graphene.String(required=True, resolver=_of_target("code"))
    number = graphene.Int(
        required=True, resolver=_of_target("number"), description="Its place in the plan (1–10)."
    )
    title = graphene.String(
        required=True, resolver=_of_target("title"), description="The county's Chinese title."
    )
    unit = graphene.String(required=True, resolver=_of_target("unit"))
    value = graphene.Decimal(description="Value as of the month; null when nothing is known.")
    target = graphene.Decimal(required=True, resolver=_of_target("target"))
    secondary_title = graphene.String(
        resolver=_of_target("secondary.title"), description="Training: the jobs figure's title."
    )
    secondary_value = graphene.Decimal()
    secondary_target = graphene.Decimal(resolver=_of_target("secondary.target"))
    period = graphene.String(
        required=True, resolver=_of_target("period"), description="year, cumulative or level."
    )
    status = graphene.Field(PlanTargetStatus, required=True)
    is_demo = graphene.Boolean(required=True)
    series = graphene.List(graphene.NonNull(PlanTargetPoint), required=True)


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
