"""Keeping search documents fresh: changes enqueue product ids; one debounced task per
second refreshes them all (backend.search.signals)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

PENDING_KEY = "search:pending-ids"
SCHEDULED_KEY = "search:refresh-scheduled"
DEBOUNCE_SECONDS = 1


def enqueue(product_ids) -> None:
    ids = {int(i) for i in product_ids if i}
    if not ids:
        return
    pending = set(cache.get(PENDING_KEY) or ())
    cache.set(PENDING_KEY, sorted(pending | ids), 3600)
    if cache.add(SCHEDULED_KEY, 1, 30):
        refresh_pending_documents.apply_async(countdown=DEBOUNCE_SECONDS)


@shared_task
def refresh_pending_documents() -> int:
    from backend.search.documents import refresh_documents

    cache.delete(SCHEDULED_KEY)
    ids = cache.get(PENDING_KEY) or []
    cache.delete(PENDING_KEY)
    if not ids:
        return 0
    written = refresh_documents(ids)
    if settings.ELASTICSEARCH_URL:
        from backend.search.backends.elasticsearch import index_products

        index_products(ids)
    return written


@shared_task
def rebuild_search_index() -> tuple[int, int]:
    from backend.search.documents import rebuild_all

    result = rebuild_all()
    if settings.ELASTICSEARCH_URL:
        from backend.search.backends.elasticsearch import rebuild_index

        rebuild_index()
    return result
