"""Caching whole responses of anonymous catalog queries.

Most storefront traffic is many shoppers asking for the same product lists and pages. A query
from a signed-out client whose root fields all read the public catalog is answered from the
cache when the same text, variables and language were answered before at the current catalog
version (see backend/catalog/cache.py). Anything personal (a signed-in user, checkouts,
orders) never qualifies. `GRAPHQL_RESPONSE_CACHE_SECONDS = 0` switches caching off.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.utils.translation import get_language
from graphql import FieldNode, OperationDefinitionNode, OperationType

from backend.catalog.cache import catalog_version
from backend.catalog.schedule import schedule_epoch

CACHEABLE_ROOT_FIELDS = frozenset(
    {
        "products",
        "product",
        "productVariant",
        "productVariants",
        "categories",
        "category",
        "collections",
        "collection",
        "channels",
        "channel",
        "__typename",
    }
)


def _cacheable(operation: OperationDefinitionNode | None) -> bool:
    if operation is None or operation.operation != OperationType.QUERY:
        return False
    selections = operation.selection_set.selections
    return all(
        isinstance(selection, FieldNode) and selection.name.value in CACHEABLE_ROOT_FIELDS
        for selection in selections
    )


def response_cache_key(request, operation, query: str, variables, operation_name) -> str | None:
    if settings.GRAPHQL_RESPONSE_CACHE_SECONDS <= 0:
        return None
    if request.user.is_authenticated or not _cacheable(operation):
        return None
    payload = json.dumps(
        [query, variables or {}, operation_name, get_language()], sort_keys=True, default=str
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()
    # The schedule epoch makes prices change at a promotion's exact start and end instants.
    return f"gql:{catalog_version()}:{schedule_epoch()}:{digest}"
