"""The pre-aggregated monthly figures (TargetMonth) and how they are kept current.

A refresh computes the current month, the previous one (late payments and refunds around the
turn of the month) and, from the earliest month whose records changed since the last refresh
(a refund or cancellation of an old order, a late attendance import, a job confirmed months
after it started), every month up to the current one: most figures run to the end of their
month (year to date, programme to date), so a change in March changes April's too.
`full=True` recomputes the whole window. The Celery beat task runs the incremental refresh
(backend/settings.py CELERY_BEAT_SCHEDULE "refresh-plan-targets"); `manage.py plan_targets
--refresh` runs it on demand. A computed month replaces that month's demonstration row.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from backend.order.models import Order
from backend.targets import months
from backend.targets.definitions import CODES
from backend.targets.measures import measure
from backend.targets.models import TargetMonth

HISTORY_MONTHS = 24


def refresh_month(month: dt.date, codes: tuple[str, ...] = CODES) -> list[TargetMonth]:
    computed_at = timezone.now()
    rows = []
    for code in codes:
        value, detail = measure(code, month)
        rows.append(
            TargetMonth(
                target_code=code,
                month=month,
                value=value,
                detail=detail,
                is_demo=False,
                computed_at=computed_at,
            )
        )
    with transaction.atomic():
        TargetMonth.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["target_code", "month"],
            update_fields=["value", "detail", "is_demo", "computed_at"],
        )
    return rows


def touched_months(since: dt.datetime) -> set[dt.date]:
    """Months of the orders changed since `since` (updated_at is indexed) and of the training
    records changed since then (backend.training.figures.touched_months)."""
    from backend.training import figures as training

    orders = {
        moment.date()
        for moment in Order.objects.filter(updated_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=months.zone()))
        .values_list("month", flat=True)
        .distinct()
        if moment is not None
    }
    return orders | training.touched_months(since)


def refresh(*, full: bool = False, history: int = HISTORY_MONTHS) -> list[dt.date]:
    current = months.current_month()
    first = months.add_months(current, -(history - 1))
    if full:
        wanted = set(months.months_between(first, current))
    else:
        wanted = {current, months.add_months(current, -1)}
        last = TargetMonth.objects.filter(is_demo=False).aggregate(at=Max("computed_at"))["at"]
        if last is not None:
            touched = [month for month in touched_months(last) if month <= current]
            if touched:
                wanted |= set(months.months_between(max(first, min(touched)), current))
    done = sorted(wanted)
    for month in done:
        refresh_month(month)
    return done
