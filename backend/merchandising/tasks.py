"""Background work of merchandising, run by Celery workers (app: `backend.celery`)."""

from __future__ import annotations

from celery import shared_task

from backend.merchandising.collections import refresh_rule_collections


@shared_task
def refresh_rule_collections_task() -> dict[str, int]:
    """Recompute every rule collection (after catalog changes, and every 10 minutes from beat
    because "new this week" changes with time alone). Returns changes per collection slug."""
    results = refresh_rule_collections()
    return {slug: r.added + r.removed for slug, r in results.items()}
