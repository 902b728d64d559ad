"""The search seam: the catalog asks a backend to narrow and rank a product queryset.

PostgreSQL is the default backend (no extra service). A cluster backend (Elasticsearch via
elasticsearch-dsl) implements the same method and is chosen with the SEARCH_BACKEND setting.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string


class SearchBackend:
    def search_products(self, queryset: QuerySet, query: str) -> QuerySet:
        """Return the products of `queryset` matching `query`, annotated with `search_rank`
        (higher is better)."""
        raise NotImplementedError


@cache
def get_search_backend() -> SearchBackend:
    return import_string(settings.SEARCH_BACKEND)()
