"""Per-request batch loaders for synchronous GraphQL execution.

graphql-core resolves a list depth-first: item 1's nested fields are resolved before item 2's
are even looked at, so a loader cannot wait for its siblings' keys the way an asynchronous
DataLoader does. Instead the request remembers every model instance it has handed out
(`register`): the page of a connection, a single node, and whatever a loader returns. When a
loader meets a key it has not loaded, it loads that key together with every other registered
key of its source model in one query. A list query therefore costs one statement per loader,
whatever the page size (DESIGN.md: "A list query's SQL count does not grow with page size").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RequestLoaders:
    """What one request has seen and loaded; lives on the request as `request.loaders`."""

    def __init__(self) -> None:
        self.seen: dict[type[models.Model], dict[Any, models.Model]] = defaultdict(dict)
        self._loaders: dict[tuple, DataLoader] = {}

    def register(self, instances: Iterable[Any]) -> None:
        for instance in instances:
            if isinstance(instance, models.Model) and instance.pk is not None:
                self.seen[type(instance)].setdefault(instance.pk, instance)

    def get(self, loader_class: type[DataLoader], *args: Hashable) -> DataLoader:
        key = (loader_class, *args)
        loader = self._loaders.get(key)
        if loader is None:
            loader = loader_class(self, *args)
            self._loaders[key] = loader
        return loader


class DataLoader(Generic[K, V]):
    """Loads values by key, batching every key of `source` the request has registered.

    Subclasses set `source` (the model whose registered instances give this loader's keys) and
    `source_key` (the attribute of those instances that is the key: `pk` for "children of a
    product", `category_id` for "the category of a product"), and implement
    `batch_load(keys) -> list[value]` in the order of `keys`. Extra constructor arguments (a
    channel slug, a thumbnail size) make separate loader instances per value.
    """

    source: ClassVar[type[models.Model] | None] = None
    source_key: ClassVar[str] = "pk"

    def __init__(self, loaders: RequestLoaders, *args: Hashable) -> None:
        self.loaders = loaders
        self.args = args
        self._cache: dict[K, V] = {}

    def batch_load(self, keys: Sequence[K]) -> Sequence[V]:
        raise NotImplementedError

    def load(self, key: K) -> V:
        if key not in self._cache:
            self._fetch([key])
        return self._cache[key]

    def prime(self, key: K, value: V) -> None:
        """Store a value another loader already fetched, so it is not fetched again."""
        self._cache.setdefault(key, value)

    def load_many(self, keys: Iterable[K]) -> list[V]:
        keys = list(keys)
        missing = [key for key in keys if key not in self._cache]
        if missing:
            self._fetch(missing)
        return [self._cache[key] for key in keys]

    def _fetch(self, keys: list[K]) -> None:
        batch = list(dict.fromkeys(keys))
        if self.source is not None:
            wanted = set(batch)
            for instance in self.loaders.seen.get(self.source, {}).values():
                key = getattr(instance, self.source_key)
                if key is not None and key not in self._cache and key not in wanted:
                    wanted.add(key)
                    batch.append(key)
        values = self.batch_load(batch)
        for key, value in zip(batch, values, strict=True):
            self._cache[key] = value
            self.loaders.register(value if isinstance(value, list | tuple) else [value])


def group_by(items: Iterable[V], key_of) -> dict[Any, list[V]]:
    grouped: dict[Any, list[V]] = defaultdict(list)
    for item in items:
        grouped[key_of(item)].append(item)
    return grouped


class ByPkLoader(DataLoader[Any, Any]):
    """Instances of `model` by primary key (None where missing), e.g. the category of each
    registered product: `source = Product`, `source_key = "category_id"`."""

    model: ClassVar[type[models.Model]]

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def batch_load(self, keys):
        # Instances the request already holds (a page of products, say) need no query.
        known = self.loaders.seen.get(self.model, {})
        missing = [key for key in keys if key not in known]
        found = self.queryset().in_bulk(missing) if missing else {}
        return [known.get(key) or found.get(key) for key in keys]


class ChildrenLoader(DataLoader[Any, list]):
    """Lists of `model` rows whose `parent_field` is the key (e.g. variants by product id)."""

    model: ClassVar[type[models.Model]]
    parent_field: ClassVar[str]

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def batch_load(self, keys):
        rows = self.queryset().filter(**{f"{self.parent_field}__in": keys})
        grouped = group_by(rows, lambda row: getattr(row, self.parent_field))
        return [grouped.get(key, []) for key in keys]


def loaders_of(info) -> RequestLoaders:
    request = info.context
    loaders = getattr(request, "loaders", None)
    if loaders is None:
        loaders = RequestLoaders()
        request.loaders = loaders
    return loaders


def load(info, loader_class: type[DataLoader], key, *args: Hashable):
    return loaders_of(info).get(loader_class, *args).load(key)
