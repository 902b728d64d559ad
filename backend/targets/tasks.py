from celery import shared_task

from backend.targets.aggregate import refresh


@shared_task
def refresh_plan_targets_task() -> int:
    """Recompute the current and changed months of the dashboard's figures."""
    return len(refresh())
