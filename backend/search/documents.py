"""Building the search documents (backend.search.models.SearchDocument) and the vocabulary.

A document holds a weighted tsvector of lexemes produced in Python (jieba words, their full
pinyin and initials, the pinyin of the whole name, the name's single characters), written with
`array_to_tsvector` so PostgreSQL's parser (which does not segment Chinese) is never involved.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Sum
from django.utils import timezone

from backend.catalog.cache import bump_catalog_version
from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Product,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.search import analysis, answers
from backend.search.models import SearchDocument, SearchTerm

_BATCH = 1000
DEFAULT_BOOSTS = {"brand_licensed": 3.0, "poverty_zone": 2.0, "sales": 2.0}


def boosts() -> dict[str, float]:
    return {**DEFAULT_BOOSTS, **getattr(settings, "SEARCH_BOOSTS", {})}


def word_lexemes(text: str, *, with_pinyin: bool = True) -> list[str]:
    out: list[str] = []
    for word in analysis.segment(text):
        lex = analysis.lexeme(word)
        if not lex:
            continue
        out.append(lex)
        if with_pinyin and analysis.is_han(word):
            out.append(analysis.full_pinyin(word))
            if len(word) > 1:
                out.append(analysis.initials(word))
    return [w for w in out if w]


def name_lexemes(name: str) -> list[str]:
    """The name's words with pinyin, plus the whole name's pinyin and initials
    ("dongwangjidami", "dwjdm"), so a pinyin prefix of the name matches."""
    out = word_lexemes(name)
    han = "".join(ch for ch in name if analysis.is_han(ch))
    if han:
        out += [analysis.full_pinyin(han), analysis.initials(han)]
    return out


def name_characters(name: str) -> list[str]:
    """Single characters of the name and their pinyin (藕 / ou), weighted lowest."""
    chars = [ch for ch in name if analysis.is_han(ch)]
    return chars + [analysis.full_pinyin(ch) for ch in chars]


def _sets(*weighted: Iterable[str]) -> list[list[str]]:
    """Lexemes per weight, each lexeme kept only in its highest weight."""
    seen: set[str] = set()
    result = []
    for lexemes in weighted:
        bucket = []
        for lex in lexemes:
            lex = lex[:200]
            if lex and lex not in seen:
                seen.add(lex)
                bucket.append(lex)
        result.append(bucket)
    return result


def refresh_documents(product_ids: Iterable[int]) -> int:
    ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), _BATCH):
        written += _refresh_batch(ids[start : start + _BATCH])
    return written


def _licensed_and_certified() -> tuple[set[int], set[int]]:
    licensed: set[int] = set()
    certified: set[int] = set()
    try:
        from backend.brand.selectors import licensed_product_ids

        licensed = licensed_product_ids()
    except Exception:
        licensed = set()
    try:
        from backend.poverty.selectors import certified_product_ids

        certified = certified_product_ids()
    except Exception:
        certified = set()
    return licensed, certified


def _refresh_batch(ids: list[int]) -> int:
    from backend.inventory.models import Stock
    from backend.order.models import OrderLine

    # Products saved after this instant may be read half-changed: they stay flagged dirty.
    read_from = timezone.now()

    attrs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    value_ids: dict[int, set[int]] = defaultdict(set)
    for pid, slug, value, value_id in AssignedProductAttributeValue.objects.filter(
        product_id__in=ids
    ).values_list("product_id", "value__attribute__slug", "value__name", "value_id"):
        attrs[pid].append((slug, value))
        value_ids[pid].add(value_id)
    for pid, value_id in AssignedVariantAttributeValue.objects.filter(
        variant__product_id__in=ids
    ).values_list("variant__product_id", "value_id"):
        value_ids[pid].add(value_id)
    variant_names: dict[int, list[str]] = defaultdict(list)
    for pid, vname, sku in ProductVariant.objects.filter(product_id__in=ids).values_list(
        "product_id", "name", "sku"
    ):
        variant_names[pid] += [vname or "", sku or ""]
    in_stock = set(
        Stock.objects.filter(
            product_variant__product_id__in=ids, quantity__gt=F("quantity_allocated")
        ).values_list("product_variant__product_id", flat=True)
    )
    prices = dict(
        ProductVariantChannelListing.objects.filter(
            variant__product_id__in=ids, price_amount__isnull=False
        )
        .values_list("variant__product_id")
        .annotate(p=Min("price_amount"))
        .values_list("variant__product_id", "p")
    )
    sales = dict(
        OrderLine.objects.filter(variant__product_id__in=ids)
        .values_list("variant__product_id")
        .annotate(q=Sum("quantity"))
        .values_list("variant__product_id", "q")
    )
    licensed, certified = _licensed_and_certified()
    weights = boosts()
    rows = []
    for pid, name, category, vendor, plaintext in Product.objects.filter(pk__in=ids).values_list(
        "pk", "name", "category__name", "vendor__name", "description_plaintext"
    ):
        attr_values = [v for _s, v in attrs.get(pid, [])]
        origin = next((v for s, v in attrs.get(pid, []) if s == "origin"), "")
        certs = sorted({v for s, v in attrs.get(pid, []) if s == "certification"})
        a, b, c, d = _sets(
            name_lexemes(name),
            word_lexemes(category or "") + word_lexemes(vendor or ""),
            [lex for v in attr_values + variant_names.get(pid, []) for lex in word_lexemes(v)],
            word_lexemes((plaintext or "")[:1000], with_pinyin=False) + name_characters(name),
        )
        sold = int(sales.get(pid) or 0)
        boost = (
            weights["brand_licensed"] * (pid in licensed)
            + weights["poverty_zone"] * (pid in certified)
            + weights["sales"] * min(1.0, math.log10(1 + sold) / 3)
        )
        rows.append(
            (
                pid,
                a,
                b,
                c,
                d,
                pid in in_stock,
                # In steps of 0.1, so a single sale (the sales term grows with its
                # logarithm) rarely moves a product's rank or its answer digest.
                round(min(boost, 9.9), 1),
                pid in licensed,
                pid in certified,
                sold,
                origin[:100],
                certs,
                prices.get(pid),
                sorted(value_ids.get(pid, ())),
            )
        )
    # The clock of the application (not the transaction's now()), comparable with the
    # products' updated_at.
    written_at = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        SearchDocument.objects.filter(product_id__in=ids).exclude(
            product_id__in=[r[0] for r in rows]
        ).delete()
        table = SearchDocument._meta.db_table
        cursor.executemany(
            f'INSERT INTO "{table}" (product_id, vector, in_stock, boost, '
            "brand_licensed, poverty_zone, sales, origin_town, certifications, min_price, "
            "attribute_values, updated_at) VALUES (%s, %s::tsvector, %s, %s, %s, %s, %s, "
            "%s, %s::jsonb, %s, %s::bigint[], %s) ON CONFLICT (product_id) DO UPDATE SET "
            "vector = EXCLUDED.vector, in_stock = EXCLUDED.in_stock,"
            " boost = EXCLUDED.boost, brand_licensed = EXCLUDED.brand_licensed, "
            "poverty_zone = EXCLUDED.poverty_zone, sales = EXCLUDED.sales, "
            "origin_town = EXCLUDED.origin_town, certifications = EXCLUDED.certifications, "
            "min_price = EXCLUDED.min_price, attribute_values = EXCLUDED.attribute_values, "
            "updated_at = EXCLUDED.updated_at",
            [
                [
                    row[0],
                    tsvector_text(row[1:5]),
                    *row[5:11],
                    _json(row[11]),
                    row[12],
                    row[13],
                    written_at,
                ]
                for row in rows
            ],
        )
        # Written: search no longer needs their substring fallback (backend.search.backends).
        cursor.execute(
            f'UPDATE "{Product._meta.db_table}" SET search_index_dirty = false '
            "WHERE id = ANY(%s) AND search_index_dirty AND updated_at <= %s",
            [[row[0] for row in rows], read_from],
        )
        # Kept search answers that counted these products, or whose query matches them now:
        # those whose answer digest moved (a sale that keeps the product in stock, a save
        # that changes nothing shoppers see, leave the answers as they are), and those whose
        # document is gone.
        cursor.execute(ANSWER_DIGEST_SQL, [ids])
        changed = {product_id for (product_id,) in cursor.fetchall()}
        changed.update(set(ids) - {row[0] for row in rows})
        dropped = answers.invalidate_products(sorted(changed))  # only expired when none moved
        # The answers shoppers were just reading are computed again before the commit.
        from backend.search.selectors import recompute

        recompute(dropped)
        # Cached catalog responses (GraphQL's, the storefront's listings) keyed by the catalog
        # version were made with the old documents' matches and ranks: after the product's own
        # change bumped the version, a search in the second before this refresh would
        # otherwise keep its answer until the cache's time-to-live.
        transaction.on_commit(bump_catalog_version)
    return len(rows)


# Sets each refreshed document's answer digest (SearchDocument.answer_digest) and returns the
# products whose digest moved. The digest covers what a kept answer reads of a product that
# the product's own refresh can change: the document's match, rank and facet columns (not
# `sales`, which reaches answers only through the boost), the name (the rank's tie-break),
# category and vendor (facets), and per channel listing what visible_products tests. A
# vendor's status, a channel, a category's name and the synonyms drop every answer on their
# own (backend.search.signals); time is bounded by the answers' valid_until.
ANSWER_DIGEST_SQL = """
WITH fresh AS (
    SELECT d.product_id, md5(concat_ws('|',
        d.vector::text, d.in_stock, d.boost, d.brand_licensed, d.poverty_zone, d.origin_town,
        d.certifications::text, d.min_price, d.attribute_values::text,
        p.name, p.category_id, p.vendor_id,
        (SELECT string_agg(concat_ws(',', l.channel_id, l.is_published, l.published_at,
                l.visible_in_listings, l.discounted_price_amount IS NULL), ';'
                ORDER BY l.channel_id)
         FROM catalog_productchannellisting l WHERE l.product_id = p.id)
    )) AS digest
    FROM search_searchdocument d JOIN catalog_product p ON p.id = d.product_id
    WHERE d.product_id = ANY(%s)
)
UPDATE search_searchdocument s SET answer_digest = fresh.digest FROM fresh
WHERE s.product_id = fresh.product_id AND s.answer_digest IS DISTINCT FROM fresh.digest
RETURNING s.product_id
"""


def tsvector_text(buckets) -> str:
    """The tsvector literal of lexemes in weights A, B, C, D, each with a position (weights
    are attached to positions, so a lexeme without one would lose its weight)."""
    parts = []
    position = 0
    for weight, lexemes in zip("ABCD", buckets, strict=True):
        for lex in lexemes:
            position = min(position + 1, 16383)
            parts.append(f"'{lex}':{position}{weight}")
    return " ".join(parts)


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def rebuild_vocabulary() -> int:
    """The vocabulary: every word of the products' names, categories, vendors and attribute
    values, with pinyin, initials and how many products use it."""
    counts: Counter[str] = Counter()
    names: set[str] = set()
    for name, category, vendor in Product.objects.values_list(
        "name", "category__name", "vendor__name"
    ):
        names.add(name)
        for text in (name, category or "", vendor or ""):
            counts.update(set(analysis.segment(text)))
    for value in AssignedProductAttributeValue.objects.values_list("value__name", flat=True):
        counts.update(set(analysis.segment(value)))
    for name in names:
        counts[name] += 1
    rows = [
        SearchTerm(
            term=term[:100],
            pinyin=analysis.full_pinyin(term)[:300] if analysis.is_han(term) else term[:300],
            initials=analysis.initials(term)[:100] if analysis.is_han(term) else "",
            frequency=count,
            is_product_name=term in names,
        )
        for term, count in counts.items()
        if analysis.lexeme(term) and ((analysis.is_han(term) and len(term) >= 1) or len(term) >= 2)
    ]
    with transaction.atomic():
        SearchTerm.objects.all().delete()
        SearchTerm.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    from backend.search import vocabulary

    vocabulary.invalidate()
    return len(rows)


def rebuild_all() -> tuple[int, int]:
    ids = list(Product.objects.values_list("pk", flat=True))
    written = refresh_documents(ids)
    # Boosts or synonyms may have changed: no kept answer was ranked by the new documents.
    answers.invalidate_all()
    return written, rebuild_vocabulary()
