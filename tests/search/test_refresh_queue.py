"""The queue of products waiting for the search refresh task (backend.search.tasks): many
changes at once, in parallel with the task draining it, never lose or duplicate a product.
Real PostgreSQL, real threads each with its own database connection."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from backend.search.models import PendingRefresh, SearchDocument
from backend.search.tasks import add_pending, refresh_pending_documents, take_pending

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(targets) -> None:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_parallel_changes_and_a_draining_task_lose_no_product():
    """Eight writers each enqueue 400 products in batches of 5 (the way post_save signals of
    separate requests arrive), while a ninth thread keeps draining like the task does: every
    product is drained exactly once or is still waiting — none lost, none twice."""
    writers = 8
    per_writer = 400
    drained: list[int] = []
    done = threading.Event()
    finished = threading.Semaphore(0)

    def writer(n: int):
        def run():
            ids = list(range(n * 100_000 + 1, n * 100_000 + per_writer + 1))
            for start in range(0, len(ids), 5):
                add_pending(ids[start : start + 5])
                # The same product changed twice still waits once.
                add_pending(ids[start : start + 1])
            finished.release()

        return run

    def drainer():
        while not done.is_set():
            drained.extend(take_pending())

    def watcher():
        for _ in range(writers):
            finished.acquire(timeout=120)
        done.set()

    _in_threads([writer(n) for n in range(writers)] + [drainer, watcher])
    remaining = list(PendingRefresh.objects.values_list("product_id", flat=True))
    everything = drained + remaining
    expected = {n * 100_000 + i for n in range(writers) for i in range(1, per_writer + 1)}
    assert set(everything) == expected
    # Only the first product of each batch was enqueued a second time, so only it may come
    # out twice (drained, then enqueued again); every other product comes out exactly once.
    counts = Counter(everything)
    re_added = {n * 100_000 + i for n in range(writers) for i in range(1, per_writer + 1, 5)}
    assert {pid for pid, c in counts.items() if c > 1} <= re_added
    assert max(counts.values()) <= 2
    assert drained, "the drainer ran alongside the writers"


def test_the_task_drains_the_queue_and_writes_the_documents():
    from tests.factories import ProductFactory

    products = [ProductFactory(name=f"东王集大米 {i}") for i in range(3)]
    take_pending()
    add_pending([p.pk for p in products])
    add_pending([products[0].pk])
    assert PendingRefresh.objects.count() == 3
    assert refresh_pending_documents() == 3
    assert PendingRefresh.objects.count() == 0
    assert set(SearchDocument.objects.values_list("product_id", flat=True)) >= {
        p.pk for p in products
    }
    # A product deleted while it waited: its document goes, nothing fails.
    gone = products[1].pk
    add_pending([gone])
    products[1].delete()
    refresh_pending_documents()
    assert not SearchDocument.objects.filter(product_id=gone).exists()
    assert refresh_pending_documents() == 0


def test_writing_documents_moves_the_catalog_version_on_after_the_commit():
    """Responses cached under the catalog version (GraphQL's, the storefront listings') hold
    the old documents' matches; the refresh that writes new ones moves the version on, and
    only once the documents are committed."""
    from django.db import transaction

    from backend.catalog.cache import catalog_version
    from backend.search.documents import refresh_documents
    from tests.factories import ProductFactory

    product = ProductFactory(name="东王集大米")
    before = catalog_version()
    with transaction.atomic():
        assert refresh_documents([product.pk]) == 1
        assert catalog_version() == before  # not yet: a reader would cache the old answer
    after = catalog_version()
    assert after > before
    assert refresh_documents([]) == 0
    assert catalog_version() == after  # nothing written, nothing moved
