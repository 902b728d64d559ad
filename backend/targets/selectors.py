"""What the dashboard shows: each target's value as of a month, its status and its monthly
series, read from the pre-aggregated months (one query for all ten targets).

Value as of a month: for a `year` target the sum of its months since 1 January (for the
marketplace's growth, that sum against the same months a year earlier); for a `cumulative`
target the sum since the programme started; for a `level` target the month's own figure.

Status: met when the target is reached; on track when the pro-rata share of the period is
(the year's months, or the programme's months); otherwise behind. Rates and levels have no
pro-rata share: met or behind.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser

from backend.targets import months
from backend.targets.definitions import Period, Plan, Status, Target, plan
from backend.targets.models import TargetMonth

SERIES_MONTHS = 24
PERMISSION = "targets.view_dashboard"


def can_view_dashboard(user) -> bool:
    """County office staff: is_staff and the targets.view_dashboard permission (the 县电商办
    group of the seed)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


@dataclass(frozen=True)
class Point:
    month: dt.date
    value: Decimal | None
    is_demo: bool
    secondary: Decimal | None = None


@dataclass
class Figure:
    target: Target
    month: dt.date
    value: Decimal | None
    secondary_value: Decimal | None
    status: str
    is_demo: bool
    computed_at: dt.datetime | None
    detail: dict = field(default_factory=dict)
    series: list[Point] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.target.code

    @property
    def percent_of_target(self) -> int | None:
        if self.value is None or self.target.target <= 0:
            return None
        return int(self.value * 100 / self.target.target)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def _rows(first: dt.date, last: dt.date, codes) -> dict[str, dict[dt.date, TargetMonth]]:
    rows: dict[str, dict[dt.date, TargetMonth]] = defaultdict(dict)
    for row in TargetMonth.objects.filter(
        target_code__in=list(codes), month__gte=first, month__lte=last
    ):
        rows[row.target_code][row.month] = row
    return rows


def _sum(rows: dict[dt.date, TargetMonth], first: dt.date, last: dt.date, key=None):
    raw = [
        (row.detail.get(key) if key else row.value)
        for month, row in rows.items()
        if first <= month <= last
    ]
    values: list[Decimal] = [Decimal(str(v)) for v in raw if v is not None]
    return sum(values, Decimal(0)) if values else None


def value_as_of(
    target: Target, rows: dict[dt.date, TargetMonth], month: dt.date, the_plan: Plan
) -> tuple[Decimal | None, Decimal | None]:
    if target.code == "retail_growth":
        january = month.replace(month=1)
        this_year = _sum(rows, january, month)
        last_year = _sum(rows, months.add_months(january, -12), months.add_months(month, -12))
        if this_year is None or not last_year:
            return None, None
        growth = (this_year / last_year - 1) * 100
        return growth.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), None
    if target.period == Period.YEAR:
        return _sum(rows, month.replace(month=1), month), None
    if target.period == Period.CUMULATIVE:
        first = the_plan.programme_start.replace(day=1)
        secondary = _sum(rows, first, month, key="jobs") if target.secondary else None
        return _sum(rows, first, month), secondary
    row = rows.get(month)
    return (row.value if row else None), None


def contributing_months(target: Target, month: dt.date, the_plan: Plan) -> tuple[dt.date, ...]:
    """The months whose rows make the value as of `month`."""
    january = month.replace(month=1)
    if target.code == "retail_growth":
        return (
            *months.months_between(january, month),
            *months.months_between(months.add_months(january, -12), months.add_months(month, -12)),
        )
    if target.period == Period.YEAR:
        return tuple(months.months_between(january, month))
    if target.period == Period.CUMULATIVE:
        return tuple(months.months_between(the_plan.programme_start.replace(day=1), month))
    return (month,)


def uses_demo(
    target: Target, rows: dict[dt.date, TargetMonth], month: dt.date, the_plan: Plan
) -> bool:
    """True when any month behind the value is demonstration data (示例数据): a year-to-date
    sum over demo months is marked even when the month shown was computed."""
    return any(rows[m].is_demo for m in contributing_months(target, month, the_plan) if m in rows)


def _elapsed_share(target: Target, month: dt.date, the_plan: Plan) -> Decimal | None:
    if target.unit == "%" or target.period == Period.LEVEL:
        return None
    if target.period == Period.YEAR:
        return Decimal(month.month) / 12
    first = the_plan.programme_start.replace(day=1)
    last = the_plan.programme_end.replace(day=1)
    total = len(months.months_between(first, last))
    done = len(months.months_between(first, month))
    return min(Decimal(1), Decimal(done) / total) if total else None


def status_of(
    target: Target,
    value: Decimal | None,
    month: dt.date,
    the_plan: Plan,
    secondary_value: Decimal | None = None,
) -> str:
    if value is None:
        return Status.NO_DATA
    pairs = [(value, target.target)]
    if target.secondary is not None:
        pairs.append((secondary_value or Decimal(0), target.secondary.target))
    if all(v >= goal for v, goal in pairs):
        return Status.MET
    share = _elapsed_share(target, month, the_plan)
    if share is not None and all(v >= goal * share for v, goal in pairs):
        return Status.ON_TRACK
    return Status.BEHIND


def figures(month: dt.date, codes=None, *, series_months: int = SERIES_MONTHS) -> list[Figure]:
    the_plan = plan()
    targets = [t for t in the_plan.targets if codes is None or t.code in codes]
    first_shown = months.add_months(month, -(series_months - 1))
    # Growth needs the year before the first month shown; cumulative targets the programme.
    first_needed = min(
        months.add_months(first_shown.replace(month=1), -12),
        the_plan.programme_start.replace(day=1),
    )
    rows = _rows(first_needed, month, [t.code for t in targets])
    result = []
    for target in targets:
        own = rows.get(target.code, {})
        value, secondary = value_as_of(target, own, month, the_plan)
        row = own.get(month)
        series = []
        for point in months.months_between(first_shown, month):
            shown, shown_secondary = value_as_of(target, own, point, the_plan)
            point_row = own.get(point)
            series.append(
                Point(point, shown, bool(point_row and point_row.is_demo), shown_secondary)
            )
        result.append(
            Figure(
                target=target,
                month=month,
                value=value,
                secondary_value=secondary,
                status=status_of(target, value, month, the_plan, secondary),
                is_demo=uses_demo(target, own, month, the_plan),
                computed_at=row.computed_at if row else None,
                detail=row.detail if row else {},
                series=series,
            )
        )
    return result


def figure(code: str, month: dt.date) -> Figure | None:
    found = figures(month, codes=[code])
    return found[0] if found else None
