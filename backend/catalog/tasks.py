"""Background work of the catalog, run by Celery workers (app: `backend.celery`)."""

from __future__ import annotations

from celery import shared_task

from backend.catalog.models import ProductMedia
from backend.catalog.thumbnails import generate_thumbnails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def generate_product_media_thumbnails(media_id: int) -> int:
    """Make the thumbnails of one product image; returns how many it has afterwards.

    An image deleted before the worker got to it is not an error: there is nothing to do.
    Storage hiccups (OSError) are retried with back-off.
    """
    media = ProductMedia.objects.filter(pk=media_id).first()
    if media is None:
        return 0
    return len(generate_thumbnails(media=media))
