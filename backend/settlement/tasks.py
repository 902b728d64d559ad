"""Background work of settlement (run by Celery beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def draft_statements_task() -> int:
    """On the 1st of each month: draft last month's statement for every active vendor
    (idempotent — running it twice leaves one statement per vendor and month)."""
    from backend.settlement.services import draft_last_month

    return len(draft_last_month())
