"""Idempotent writing of seed rows: create what is missing, update what differs, count both.

The seed is keyed by slugs and SKUs, never by database ids, so the same files can be loaded
into any database any number of times; a second load with unchanged files writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class SeedReport:
    """Per kind of record: how many were created, updated, unchanged or deleted."""

    ACTIONS = ("created", "updated", "unchanged", "deleted")

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.changed_product_ids: set[int] = set()

    def add(self, kind: str, action: str, amount: int = 1) -> None:
        # Adding 0 still lists the kind, so a report shows "0 created" rather than nothing.
        self.counts[kind][action] += amount

    def total(self, action: str) -> int:
        return sum(counter[action] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(action) for action in ("created", "updated", "deleted"))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: {action: counter[action] for action in self.ACTIONS}
            for kind, counter in self.counts.items()
        }


def sync_rows(
    *,
    model: type[M],
    key_fields: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    report: SeedReport,
    kind: str,
) -> tuple[dict[Any, M], set[Any]]:
    """Make the table hold `rows` (matched on key_fields); returns all rows by key and the
    keys of those that were created or updated.
    """
    rows = list(rows)
    keys = [_key(row, key_fields) for row in rows]
    existing = _existing(model, key_fields, keys)
    to_create: list[M] = []
    to_update: list[M] = []
    changed_fields: set[str] = set()
    changed_keys: set[Any] = set()
    result: dict[Any, M] = {}
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    for key, row in zip(keys, rows, strict=True):
        instance = existing.get(key)
        if instance is None:
            instance = model(**row)
            to_create.append(instance)
            changed_keys.add(key)
        else:
            differing = [
                name
                for name, value in row.items()
                if name not in key_fields and getattr(instance, name) != value
            ]
            if differing:
                for name in differing:
                    setattr(instance, name, row[name])
                changed_fields.update(differing)
                to_update.append(instance)
                changed_keys.add(key)
            else:
                report.add(kind, "unchanged")
        result[key] = instance
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=1000)
        report.add(kind, "created", len(to_create))
    if to_update:
        if has_updated_at:
            now = timezone.now()
            for instance in to_update:
                instance.updated_at = now  # type: ignore[attr-defined]
            changed_fields.add("updated_at")
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=500)
        report.add(kind, "updated", len(to_update))
    report.add(kind, "created", 0)
    return result, changed_keys


def prune_rows(
    *,
    queryset: models.QuerySet,
    key_fields: tuple[str, ...],
    keep: set[Any],
    report: SeedReport,
    kind: str,
) -> list[Any]:
    """Delete rows of `queryset` (the part of a table the seed owns) not in `keep`."""
    stale_ids = []
    stale_keys = []
    for values in queryset.values_list("pk", *key_fields):
        pk, key = values[0], values[1:] if len(key_fields) > 1 else values[1]
        if key not in keep:
            stale_ids.append(pk)
            stale_keys.append(key)
    if stale_ids:
        queryset.model.objects.filter(pk__in=stale_ids).delete()
        report.add(kind, "deleted", len(stale_ids))
    return stale_keys


def sync_owned_rows(
    *,
    owned: models.QuerySet,
    key_fields: tuple[str, ...],
    rows: list[dict[str, Any]],
    report: SeedReport,
    kind: str,
) -> tuple[set[Any], list[Any]]:
    """Make the part of a link table the seed owns hold exactly `rows`: create or update
    them, then delete owned rows the files no longer name. Returns the keys written and the
    keys deleted."""
    _rows, changed = sync_rows(
        model=owned.model, key_fields=key_fields, rows=rows, report=report, kind=kind
    )
    stale = prune_rows(
        queryset=owned,
        key_fields=key_fields,
        keep={_key(row, key_fields) for row in rows},
        report=report,
        kind=kind,
    )
    return changed, stale


def _key(row: dict[str, Any], key_fields: tuple[str, ...]) -> Hashable:
    if len(key_fields) == 1:
        return row[key_fields[0]]
    return tuple(row[name] for name in key_fields)


def _existing(model: type[M], key_fields: tuple[str, ...], keys: list[Any]) -> dict[Any, M]:
    if not keys:
        return {}
    first = key_fields[0]
    first_values = {key if len(key_fields) == 1 else key[0] for key in keys}
    wanted = set(keys)
    found = {}
    for instance in model._default_manager.filter(**{f"{first}__in": first_values}):
        key = _key({name: getattr(instance, name) for name in key_fields}, key_fields)
        if key in wanted:
            found[key] = instance
    return found
