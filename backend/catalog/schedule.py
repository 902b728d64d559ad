"""Schedule epochs: how many scheduled instants have passed, for cache keys.

Prices and banners change at instants nobody saves a row at (a promotion starting at midnight,
a livestream price ending). Caches keyed by the catalog version alone would keep serving the old
page until their time-to-live ran out; keyed also by `schedule_epoch()` — the number of known
schedule boundaries at or before now — they miss at the exact instant a window opens or closes.

Apps register a provider returning the boundary instants they know of (discount: promotion,
special-price and voucher starts and ends; merchandising: banners, campaigns, livestreams). The
sorted list is memoised in process memory per catalog version, so computing the epoch costs a
binary search, not a query, on each request.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils import timezone

from backend.catalog.cache import catalog_version

BoundaryProvider = Callable[[], Iterable[datetime]]

_providers: list[BoundaryProvider] = []
_lock = threading.Lock()
_memo: tuple[int, list[datetime]] | None = None


def register_boundary_provider(fn: BoundaryProvider) -> BoundaryProvider:
    """Register `fn` (returning aware datetimes); usable as a decorator. Idempotent."""
    global _memo
    with _lock:
        if fn not in _providers:
            _providers.append(fn)
        _memo = None
    return fn


def schedule_boundaries(version: int | None = None) -> list[datetime]:
    """All boundary instants known at this catalog version, sorted."""
    global _memo
    version = catalog_version() if version is None else version
    memo = _memo
    if memo is not None and memo[0] == version:
        return memo[1]
    instants: list[datetime] = []
    for provider in list(_providers):
        instants.extend(i for i in provider() if i is not None)
    instants.sort()
    _memo = (version, instants)
    return instants


def schedule_epoch(at: datetime | None = None) -> int:
    """How many schedule boundaries are at or before `at` (default: now)."""
    at = at or timezone.now()
    return bisect.bisect_right(schedule_boundaries(), at)


def clear_memo() -> None:
    global _memo
    _memo = None
