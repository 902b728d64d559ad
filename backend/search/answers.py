"""Search answers kept until a change touches them (the SearchAnswer model says why).

Reading: `lookup(key)` is one indexed row read. Computing happens in
backend.search.selectors.facets_for, which asks `current_generation()` before its statement
and hands the result to `store()`.

Correctness rests on one ordering. An invalidation (the document refresh's, or `invalidate_all`)
takes an exclusive transaction-level advisory lock, moves the generation on and deletes the
answers it touches, all inside the transaction that wrote the documents. `store()` takes the
same lock shared and writes only when the generation is still the one read before the
answer's statement ran. So either the invalidation committed first (the generation moved:
the answer, possibly computed from the old documents, is not kept), or the answer committed
first (the invalidation's DELETE, which waits for the lock, then sees it and deletes it when
it is touched). No answer outlives a committed change of the documents it was computed from.

What no row change announces is bounded by `valid_until`: the channel's next scheduled
listing publication, the next schedule boundary (licence, promotion and banner windows,
backend.catalog.schedule) and a time-to-live.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from backend.search.models import SearchAnswer, SearchAnswerGeneration

# A statement's rows by facet: (value, count), or (id, position) for the page and (id,
# name) for the kept names of categories and vendors.
Counts = dict[str, list[tuple[Any, Any]]]

TIME_TO_LIVE = timedelta(minutes=15)
# The ids kept in relevance order: ten storefront pages of 24 (GraphQL's first page of up to
# 100 too); a page beyond them is computed and not kept.
RANKED_LIMIT = 240
# A refresh of more products than this (an import, a rebuild) deletes every answer rather
# than testing each answer's query against each refreshed document.
TARGETED_LIMIT = 500
# pg_advisory_xact_lock key: "search answers".
LOCK_KEY = 0x5EA2C4A5


@dataclass(frozen=True)
class AnswerKey:
    """Which answer: the shoppers' products of a channel, a query, a facet selection."""

    channel_id: int
    tsquery: str
    selection: str = ""

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.tsquery}\x00{self.selection}".encode()).hexdigest()


@dataclass
class Answer:
    counts: Counts
    ranked_ids: list[int]

    def page(self, offset: int, limit: int) -> list[int] | None:
        """The ids of a page by relevance, or None when it reaches past the kept ids while
        more matches exist."""
        total = sum(n for _value, n in self.counts.get("total", []))
        if offset + limit > len(self.ranked_ids) and len(self.ranked_ids) < total:
            return None
        return self.ranked_ids[offset : offset + limit]


def _table(model) -> str:
    return model._meta.db_table


def lookup(key: AnswerKey) -> Answer | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT facets, ranked_ids FROM "{_table(SearchAnswer)}" '
            "WHERE channel_id = %s AND key = %s AND valid_until > %s",
            [key.channel_id, key.digest, timezone.now()],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    facets, ranked = row
    facets = json.loads(facets)  # Django's connections read jsonb as text
    counts = {facet: [(value, n) for value, n in rows] for facet, rows in facets.items()}
    return Answer(counts=counts, ranked_ids=list(ranked))


def current_generation() -> int:
    """The generation row's value; 0 while it is missing (a flushed database): the first
    invalidation writes it as 1, so an answer computed before that is not kept either."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT value FROM "{_table(SearchAnswerGeneration)}" WHERE id = 1')
        row = cursor.fetchone()
    return row[0] if row else 0


def valid_until(channel_id: int, now: datetime | None = None) -> datetime:
    """The first instant at which something no row change announces may alter an answer."""
    from backend.catalog.models import ProductChannelListing
    from backend.catalog.schedule import schedule_boundaries

    now = now or timezone.now()
    limits = [now + TIME_TO_LIVE]
    upcoming = ProductChannelListing.objects.filter(
        channel_id=channel_id, published_at__gt=now
    ).aggregate(first=Min("published_at"))["first"]
    if upcoming is not None:
        limits.append(upcoming)
    limits.extend(instant for instant in schedule_boundaries() if instant > now)
    return min(limits)


def store(
    key: AnswerKey,
    *,
    generation: int,
    counts: Counts,
    ranked_ids: list[int],
    matched_ids: str,
    until: datetime,
) -> bool:
    """Keep an answer computed after `generation` was read; False (nothing written) when an
    invalidation committed meanwhile. `matched_ids` is PostgreSQL's text of the id array."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])
        if current_generation() != generation:
            return False
        cursor.execute(
            f'INSERT INTO "{_table(SearchAnswer)}" (channel_id, key, tsquery, selection, facets, '
            "ranked_ids, matched_ids, computed_at, valid_until) VALUES (%s, %s, %s, %s, "
            "%s::jsonb, %s::bigint[], %s::bigint[], %s, %s) ON CONFLICT (channel_id, key) DO "
            "UPDATE SET tsquery = EXCLUDED.tsquery, selection = EXCLUDED.selection, "
            "facets = EXCLUDED.facets, "
            "ranked_ids = EXCLUDED.ranked_ids, matched_ids = EXCLUDED.matched_ids, "
            "computed_at = EXCLUDED.computed_at, valid_until = EXCLUDED.valid_until",
            [
                key.channel_id,
                key.digest,
                key.tsquery,
                key.selection,
                json.dumps(counts, ensure_ascii=False),
                ranked_ids,
                matched_ids or "{}",
                timezone.now(),
                until,
            ],
        )
    return True


def _begin_invalidation(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    table = _table(SearchAnswerGeneration)
    cursor.execute(
        f'INSERT INTO "{table}" (id, value) VALUES (1, 1) '
        f'ON CONFLICT (id) DO UPDATE SET value = "{table}".value + 1'
    )


def invalidate_products(product_ids: list[int]) -> list[AnswerKey]:
    """Delete the answers a refresh of these products touches: those that matched one of
    them, and those whose query matches one of their documents now; expired answers go too
    (only they, when no product is given). Call inside the transaction that wrote the
    documents, after writing them. Returns the unexpired answers it deleted, the most
    recently computed first (backend.search.selectors.recompute computes them again)."""
    from backend.search.models import SearchDocument

    ids = sorted({int(i) for i in product_ids})
    if not ids:
        remove_expired()
        return []
    if len(ids) > TARGETED_LIMIT:
        invalidate_all()
        return []
    answers, documents = _table(SearchAnswer), _table(SearchDocument)
    now = timezone.now()
    returning = "RETURNING channel_id, tsquery, selection, computed_at, valid_until > %s"
    with transaction.atomic(), connection.cursor() as cursor:
        _begin_invalidation(cursor)
        # Two statements: the first is a GIN lookup; the second reads each answer's query and
        # expiry but never its (large, compressed) list of matched ids.
        cursor.execute(
            f'DELETE FROM "{answers}" WHERE matched_ids && %s::bigint[] {returning}', [ids, now]
        )
        dropped = cursor.fetchall()
        cursor.execute(
            f'DELETE FROM "{answers}" a WHERE a.valid_until <= %s '
            f'OR EXISTS (SELECT 1 FROM "{documents}" d WHERE d.product_id = ANY(%s::bigint[]) '
            f"AND d.vector @@ a.tsquery::tsquery) {returning}",
            [now, ids, now],
        )
        dropped += cursor.fetchall()
    live = sorted((row for row in dropped if row[4]), key=lambda row: row[3], reverse=True)
    return [AnswerKey(channel_id=c, tsquery=t, selection=s) for c, t, s, _at, _live in live]


def remove_expired() -> int:
    """Delete the answers past their valid_until (never served; this bounds the table). An
    answer being stored meanwhile is never expired, so no lock is needed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{_table(SearchAnswer)}" WHERE valid_until <= %s', [timezone.now()]
        )
        return cursor.rowcount


def invalidate_all() -> int:
    """Delete every answer: for changes that can alter any of them (a vendor's status, a
    channel, a category, synonyms) and for refreshes too large to test one by one."""
    with transaction.atomic(), connection.cursor() as cursor:
        _begin_invalidation(cursor)
        cursor.execute(f'DELETE FROM "{_table(SearchAnswer)}"')
        return cursor.rowcount


def invalidate_all_on_commit(*args, **kwargs) -> None:
    """A signal receiver: every answer goes once the change commits."""
    transaction.on_commit(invalidate_all)
