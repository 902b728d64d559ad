"""The instants at which merchandising changes what a page shows: a home section, campaign or
livestream starting or ending. Registered with `backend.catalog.schedule` so the cached home
page, campaign and livestream pages switch at the exact instant (see that module)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from backend.merchandising.models import Campaign, HomeSection, LivestreamEvent


def merchandising_boundaries() -> Iterator[datetime]:
    # Unpublished sections are included: previews do not use the cache, and publishing a
    # section saves a row (a new catalog version) anyway.
    # One statement for the three tables (this runs once per catalog version per process).
    windows = (
        HomeSection.objects.values_list("starts_at", "ends_at")
        .order_by()
        .union(
            Campaign.objects.values_list("starts_at", "ends_at").order_by(),
            LivestreamEvent.objects.values_list("starts_at", "ends_at").order_by(),
            all=True,
        )
    )
    for starts_at, ends_at in windows:
        if starts_at is not None:
            yield starts_at
        if ends_at is not None:
            yield ends_at
