"""Background work of the discount app, run by Celery workers (app: `backend.celery`)."""

from __future__ import annotations

from celery import shared_task

from backend.discount.pricing import recalculate_discounted_prices


@shared_task
def recalculate_discounted_prices_task() -> int:
    """Every minute (beat): the stored sort prices follow promotions that started or ended."""
    return recalculate_discounted_prices()
