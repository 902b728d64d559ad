"""Background work of the payment app."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from celery import shared_task
from django.utils import timezone


@shared_task
def reconcile_yesterday() -> list[dict]:
    """Reconcile the previous Beijing day with Alipay's and WeChat Pay's statements (run by
    beat in the morning: both publish the previous day's bill from about 9:00/10:00)."""
    from backend.payment.reconciliation import reconcile_day

    today = timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    reports = reconcile_day(today - datetime.timedelta(days=1))
    return [
        {"gateway": r.gateway, "day": r.day.isoformat(), "mismatches": len(r.mismatches)}
        for r in reports
    ]
