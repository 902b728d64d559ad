"""The advisory lock between an invalidation and a store (backend.search.answers): two real
PostgreSQL connections in two threads, real commits (its own module: the seeded modules hold
a transaction open for their whole run)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from backend.channel.models import Channel
from backend.search import answers
from backend.search.answers import Answer, AnswerKey
from backend.search.models import SearchAnswer


@pytest.mark.django_db(transaction=True)
def test_a_store_waits_for_an_uncommitted_invalidation_and_then_keeps_nothing():
    """Two connections: one invalidates inside a transaction it holds open; the other stores
    an answer computed before it. The store waits on the advisory lock, sees the moved
    generation after the commit and writes nothing."""
    channel = Channel.objects.create(name="Lock test", slug="lock-test", currency_code="CNY")
    key = AnswerKey(channel_id=channel.pk, tsquery="'lock'")
    generation = answers.current_generation()
    invalidated, release = threading.Event(), threading.Event()
    stored: list[bool] = []
    errors: list[BaseException] = []

    def invalidate():
        try:
            with transaction.atomic():
                answers.invalidate_products([1])
                invalidated.set()
                release.wait(timeout=30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def store():
        try:
            stored.append(
                answers.store(
                    key,
                    generation=generation,
                    counts={"total": [("", 1)]},
                    ranked_ids=[1],
                    matched_ids="{1}",
                    until=timezone.now() + timedelta(minutes=1),
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    invalidator = threading.Thread(target=invalidate)
    invalidator.start()
    assert invalidated.wait(timeout=30)
    storer = threading.Thread(target=store)
    storer.start()
    storer.join(timeout=0.5)
    assert storer.is_alive(), "the store did not wait for the invalidation's lock"
    release.set()
    invalidator.join(timeout=30)
    storer.join(timeout=30)
    assert not errors, errors
    assert stored == [False]
    assert not SearchAnswer.objects.filter(channel=channel).exists()
    # Computed after the invalidation: kept.
    fresh = answers.current_generation()
    assert answers.store(
        key,
        generation=fresh,
        counts={"total": [("", 1)]},
        ranked_ids=[1],
        matched_ids="{1}",
        until=timezone.now() + timedelta(minutes=1),
    )
    assert answers.lookup(key) == Answer(counts={"total": [("", 1)]}, ranked_ids=[1])
