"""Periodic stock housekeeping, run by Celery beat (schedule in settings.CELERY_BEAT_SCHEDULE).

Cart reservations past their time give their units back. (Unpaid orders past their payment
deadline are closed by `backend.order.tasks.expire_unpaid_orders`, which releases their
allocations.)
"""

from __future__ import annotations

from celery import shared_task

from backend.inventory.allocation import release_expired_reservations


@shared_task
def release_expired_reservations_task() -> int:
    return release_expired_reservations()
