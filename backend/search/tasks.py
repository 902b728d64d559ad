"""Keeping search documents fresh: changes enqueue product ids; one debounced task per
second refreshes them all (backend.search.signals).

The queue is a table (PendingRefresh): enqueueing is one INSERT ... ON CONFLICT DO NOTHING,
draining one DELETE ... RETURNING, both atomic in PostgreSQL, so concurrent changes never
overwrite each other's ids (a read-then-write of a cached list could), and it works on the
embedded database without Redis. The cache only holds the "a run is scheduled" flag: the task
clears the flag before draining, so an id inserted after the drain schedules a new run."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

SCHEDULED_KEY = "search:refresh-scheduled"
DEBOUNCE_SECONDS = 1


def enqueue(product_ids) -> None:
    ids = {int(i) for i in product_ids if i}
    if not ids:
        return
    add_pending(ids)
    if cache.add(SCHEDULED_KEY, 1, 30):
        refresh_pending_documents.apply_async(countdown=DEBOUNCE_SECONDS)


def _table() -> str:
    from backend.search.models import PendingRefresh

    return PendingRefresh._meta.db_table


def add_pending(ids) -> None:
    """Add product ids to the queue; ids already waiting stay (one row each)."""
    rows = sorted({int(i) for i in ids})
    if not rows:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{_table()}" (product_id, enqueued_at) '
            "SELECT id, %s FROM unnest(%s::bigint[]) AS id ON CONFLICT DO NOTHING",
            [now, rows],
        )


def take_pending() -> list[int]:
    """Remove and return every waiting id, atomically (an id enqueued meanwhile either is
    returned here or stays for the next run)."""
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{_table()}" RETURNING product_id')
        return sorted(row[0] for row in cursor.fetchall())


@shared_task
def refresh_pending_documents() -> int:
    from backend.search.documents import refresh_documents

    cache.delete(SCHEDULED_KEY)
    ids = take_pending()
    if not ids:
        return 0
    try:
        written = refresh_documents(ids)
        if settings.ELASTICSEARCH_URL:
            from backend.search.backends.elasticsearch import index_products

            index_products(ids)
    except Exception:
        # Nothing is lost: the ids wait for the next run.
        add_pending(ids)
        raise
    return written


@shared_task
def rebuild_search_index() -> tuple[int, int]:
    from backend.search.documents import rebuild_all

    result = rebuild_all()
    if settings.ELASTICSEARCH_URL:
        from backend.search.backends.elasticsearch import rebuild_index

        rebuild_index()
    return result
