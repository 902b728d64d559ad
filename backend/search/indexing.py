"""The text each product is found by (Product.search_document), rebuilt in bulk.

Shoppers search by what they see and say: the product name, its category ("大米"), the
cooperative that sells it, attribute values such as the origin town or "地理标志", words of
the description, and staff search by SKU. The document holds all of those; the search backend
(PostgreSQL trigram index, or Elasticsearch) indexes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Product,
    ProductVariant,
)

# A description can be long; the index only needs its opening words to rank a match.
MAX_DESCRIPTION_CHARS = 2000
_BATCH = 2000


def build_search_document(
    *,
    name: str,
    category_name: str | None = None,
    vendor_name: str | None = None,
    attribute_values: Iterable[str] = (),
    description_plaintext: str = "",
    skus: Iterable[str] = (),
    variant_names: Iterable[str] = (),
) -> str:
    """One lower-cased line per source, duplicates dropped, order stable for diffing."""
    parts: list[str] = []
    seen: set[str] = set()
    for text in (
        name,
        category_name,
        vendor_name,
        *attribute_values,
        *variant_names,
        *skus,
        (description_plaintext or "")[:MAX_DESCRIPTION_CHARS],
    ):
        cleaned = " ".join(str(text or "").split()).lower()
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            parts.append(cleaned)
    return "\n".join(parts)


def reindex_products(product_ids: Iterable[int]) -> int:
    """Rebuild search_document of the given products and flag them search_index_dirty until
    their weighted document (backend.search.documents) is written for the new text.

    Four reads whatever the number of products (products, variants, product attribute values,
    variant attribute values) and one UPDATE per batch of 2,000, so reindexing the whole
    catalog after a seed or an import stays fast. Returns how many products were written.
    """
    ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), _BATCH):
        written += _reindex_batch(ids[start : start + _BATCH])
    # The segmented, weighted document (backend.search.documents) follows through the
    # debounced Celery task once this transaction commits.
    from backend.search.signals import _enqueue_later

    _enqueue_later(ids)
    return written


def _reindex_batch(ids: list[int]) -> int:
    if not ids:
        return 0
    values: dict[int, list[str]] = defaultdict(list)
    for product_id, value_name in (
        AssignedProductAttributeValue.objects.filter(product_id__in=ids)
        .order_by("product_id", "sort_order", "pk")
        .values_list("product_id", "value__name")
    ):
        values[product_id].append(value_name)
    for product_id, value_name in (
        AssignedVariantAttributeValue.objects.filter(variant__product_id__in=ids)
        .order_by("variant__product_id", "variant__sort_order", "sort_order", "pk")
        .values_list("variant__product_id", "value__name")
    ):
        values[product_id].append(value_name)
    skus: dict[int, list[str]] = defaultdict(list)
    variant_names: dict[int, list[str]] = defaultdict(list)
    for product_id, sku, variant_name in (
        ProductVariant.objects.filter(product_id__in=ids)
        .order_by("product_id", "sort_order", "sku")
        .values_list("product_id", "sku", "name")
    ):
        skus[product_id].append(sku)
        variant_names[product_id].append(variant_name)
    documents: list[tuple[int, str]] = []
    for pk, name, category_name, vendor_name, plaintext in Product.objects.filter(
        pk__in=ids
    ).values_list("pk", "name", "category__name", "vendor__name", "description_plaintext"):
        documents.append(
            (
                pk,
                build_search_document(
                    name=name,
                    category_name=category_name,
                    vendor_name=vendor_name,
                    attribute_values=values.get(pk, ()),
                    description_plaintext=plaintext,
                    skus=skus.get(pk, ()),
                    variant_names=variant_names.get(pk, ()),
                ),
            )
        )
    if not documents:
        return 0
    # One UPDATE ... FROM (VALUES ...) per batch: bulk_update would send a CASE WHEN branch
    # per row for each column, which PostgreSQL evaluates row by row.
    table = Product._meta.db_table
    placeholders = ", ".join(["(%s::bigint, %s::text)"] * len(documents))
    params = [item for pair in documents for item in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" AS p SET search_document = v.doc, search_index_dirty = true '
            f"FROM (VALUES {placeholders}) AS v(id, doc) WHERE p.id = v.id",
            params,
        )
        return cursor.rowcount
