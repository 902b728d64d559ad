"""Search read paths: results with facets, suggestions, did-you-mean and score explanations."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from backend.search import answers, vocabulary
from backend.search.answers import AnswerKey, Counts
from backend.search.backends.base import get_search_backend
from backend.search.models import SearchDocument
from backend.search.query import ParsedQuery, parse

PRICE_BANDS: list[tuple[Decimal | None, Decimal | None]] = [
    (None, Decimal("20")),
    (Decimal("20"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), Decimal("200")),
    (Decimal("200"), None),
]


@dataclass
class Facets:
    category: list[tuple[int, str, int]] = field(default_factory=list)
    vendor: list[tuple[int, str, int]] = field(default_factory=list)
    origin_town: list[tuple[str, int]] = field(default_factory=list)
    certification: list[tuple[str, int]] = field(default_factory=list)
    price_band: list[tuple[Decimal | None, Decimal | None, int]] = field(default_factory=list)
    poverty_zone: int = 0
    # The attribute values (ids) the matched products or their variants carry: the storefront
    # listing's attribute filters for a search, from this statement rather than a query of
    # their own that ran the search again per value (backend.storefront.filters.facet_values).
    # Read from the documents; a product found before its first document is written (by
    # substring) from the assignment tables.
    attribute_values: list[int] = field(default_factory=list)
    # How many products matched: the same statement's count, so a caller that shows both
    # the facets and the total does not run the search a second time to count it.
    total: int = 0
    # The ids of one page of the matches by relevance (rank, name, id), when asked for
    # (facets_for(page_window=…)): the storefront's first page without a query of its own.
    page_ids: list[int] | None = None
    # How many of the matches carry the brand's licence now, when asked for.
    brand_licensed: int = 0


def _band_sql() -> str:
    """A CASE giving the PRICE_BANDS index of `m.min_price` (NULL when it has none)."""
    arms = []
    for index, (low, high) in enumerate(PRICE_BANDS):
        tests = [f"m.min_price >= {low}" if low is not None else "TRUE"]
        if high is not None:
            tests.append(f"m.min_price < {high}")
        arms.append(f"WHEN {' AND '.join(tests)} THEN {index}")
    return f"CASE {' '.join(arms)} END"


FACETS_SQL = """
WITH m(id, category_id, vendor_id, origin_town, certifications, min_price, poverty_zone,
attribute_values{ranked})
AS MATERIALIZED ({matched})
SELECT 'category', category_id::text, count(*) FROM m WHERE category_id IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'vendor', vendor_id::text, count(*) FROM m WHERE vendor_id IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'origin_town', origin_town, count(*) FROM m WHERE origin_town <> '' GROUP BY 2
UNION ALL
SELECT 'certification', c.value, count(*)
FROM m CROSS JOIN LATERAL jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(m.certifications) = 'array' THEN m.certifications ELSE '[]' END
) AS c(value)
GROUP BY 2
UNION ALL
SELECT 'price_band', ({band})::text, count(*) FROM m WHERE m.min_price IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'poverty_zone', '', count(*) FROM m WHERE m.poverty_zone
UNION ALL
SELECT 'attribute_value', a.value::text, count(*)
FROM m CROSS JOIN LATERAL unnest(m.attribute_values) AS a(value)
GROUP BY 2
UNION ALL
SELECT 'attribute_value', a.value_id::text, count(*)
FROM m JOIN catalog_assignedproductattributevalue a ON a.product_id = m.id
WHERE m.attribute_values IS NULL
GROUP BY 2
UNION ALL
SELECT 'attribute_value', a.value_id::text, count(*)
FROM m JOIN catalog_productvariant v ON v.product_id = m.id
JOIN catalog_assignedvariantattributevalue a ON a.variant_id = v.id
WHERE m.attribute_values IS NULL
GROUP BY 2
UNION ALL
SELECT 'total', '', count(*) FROM m{extra}
"""

# One page of the matches in the storefront's relevance order ("-search_rank", "name", "pk"),
# numbered so the UNION keeps it in order.
PAGE_SQL = """
UNION ALL
SELECT 'page', p.id::text, row_number() OVER ()
FROM (SELECT id FROM m ORDER BY rank DESC, name, id OFFSET %s LIMIT %s) AS p"""

LICENSED_SQL = """
UNION ALL
SELECT 'brand_licensed', '', count(*) FROM m WHERE m.id IN ({licensed})"""


FACET_COLUMNS = (
    "pk",
    "category_id",
    "vendor_id",
    "search_doc__origin_town",
    "search_doc__certifications",
    "search_doc__min_price",
    "search_doc__poverty_zone",
    "search_doc__attribute_values",
)


MATCHED_SQL = """
UNION ALL
SELECT 'matched', array_agg(id ORDER BY id)::text, count(*) FROM m"""


def facets_for(
    products: QuerySet,
    *,
    page_window: tuple[int, int] | None = None,
    count_licensed: bool = False,
    answer: AnswerKey | None = None,
) -> Facets:
    """Counts over the matched products in one statement: the search runs once (a
    materialised CTE) and every facet is a GROUP BY over its rows, so nothing but the counts
    leaves the database; one more query names the categories and vendors found. The facet
    columns come through the products' join to their search documents, the one the text
    match already made (backend.search.backends.postgres.TextMatch).

    `page_window` (offset, limit) also returns those ids of the matches by relevance (the
    products must carry `search_rank`, as a search's do); `count_licensed` also counts the
    matches that carry the brand's licence now (backend.brand.selectors.valid_licences).

    `answer` names the products as a shopper's search in a channel (`products` must be
    exactly that search, with the facet selection the key names): the kept answer serves
    when there is one, and a computed one is kept (backend.search.answers)."""
    if answer is not None:
        found = answers.lookup(answer) or _compute_and_keep(products, answer)
        served = _served(found, page_window)
        if served is not None:
            return served
        # A page past the kept ids: computed, and the answer stays as it is.
    return _facets_from(_counts(products, page_window, count_licensed), page_window)


def kept_facets(
    answer: AnswerKey | None, *, page_window: tuple[int, int] | None = None
) -> Facets | None:
    """The facets of a kept answer, read without building the search's products (one
    indexed row read); None when no answer is kept for `answer` (or the page reaches past
    its ids): then the caller builds the products and asks facets_for, which keeps one."""
    found = answers.lookup(answer) if answer is not None else None
    return _served(found, page_window) if found is not None else None


def _served(found: answers.Answer, page_window: tuple[int, int] | None) -> Facets | None:
    page = found.page(*page_window) if page_window else None
    if page_window is not None and page is None:
        return None
    return _facets_from(found.counts, page_window, page_ids=page)


def _compute_and_keep(products: QuerySet, answer: AnswerKey) -> answers.Answer:
    """Run the facet statement for a kept answer (every count, the first RANKED_LIMIT ids,
    every matched id) and keep it, unless an invalidation committed meanwhile."""
    generation = answers.current_generation()
    counts = _counts(products, (0, answers.RANKED_LIMIT), True, matched=True)
    ranked = [int(value) for value, _n in sorted(counts.pop("page", []), key=itemgetter(1))]
    matched = next((value for value, _n in counts.pop("matched", [])), None) or "{}"
    # The names too (a category or vendor change drops every answer), so a kept answer is
    # read without another query.
    for key in ("category", "vendor"):
        counts[f"{key}_name"] = _names(key, counts.get(key, []))
    answers.store(
        answer,
        generation=generation,
        counts=counts,
        ranked_ids=ranked,
        matched_ids=matched,
        until=answers.valid_until(answer.channel_id),
    )
    return answers.Answer(counts=counts, ranked_ids=ranked)


def _names(key: str, rows: list[tuple[str, int]]) -> list[tuple[int, str]]:
    """(id, name) of the counted categories or vendors."""
    from backend.catalog.models import Category
    from backend.vendors.models import Vendor

    ids = [int(value) for value, _n in rows]
    if not ids:
        return []
    named = Category.objects.all() if key == "category" else Vendor.objects.all()
    return list(named.filter(pk__in=ids).values_list("pk", "name"))


def _counts(
    products: QuerySet,
    page_window: tuple[int, int] | None,
    count_licensed: bool,
    *,
    matched: bool = False,
) -> Counts:
    """The facet statement's rows by facet: (value, count); 'page' rows are (id, position)."""
    from django.db import connection

    from backend.brand.selectors import valid_licences

    columns = FACET_COLUMNS + (("search_rank", "name") if page_window else ())
    try:
        sql, matched_params = products.order_by().values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # products.none(): nothing to count
        return {}
    params = list(matched_params)
    extra = ""
    if page_window:
        offset, limit = page_window
        extra += PAGE_SQL
        params += [max(offset, 0), max(limit, 0)]
    if count_licensed:
        licensed, licensed_params = valid_licences().values("product_id").query.sql_with_params()
        extra += LICENSED_SQL.format(licensed=licensed)
        params += list(licensed_params)
    if matched:
        extra += MATCHED_SQL
    counts: Counts = {}
    statement = FACETS_SQL.format(
        matched=sql,
        band=_band_sql(),
        ranked=", rank, name" if page_window else "",
        extra=extra,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for facet, value, n in cursor.fetchall():
            counts.setdefault(facet, []).append((value, n))
    return counts


def _facets_from(
    counts: Counts,
    page_window: tuple[int, int] | None,
    *,
    page_ids: list[int] | None = None,
) -> Facets:
    result = Facets()

    def named(key: str) -> list[tuple[int, str, int]]:
        rows = {int(value): n for value, n in counts.get(key, [])}
        kept = counts.get(f"{key}_name")
        names = dict(kept) if kept is not None else dict(_names(key, counts.get(key, [])))
        found = [(pk, names[pk], n) for pk, n in rows.items() if pk in names]
        return sorted(found, key=lambda row: (-row[2], row[1]))

    result.category = named("category")
    result.vendor = named("vendor")
    result.origin_town = sorted(counts.get("origin_town", []), key=lambda kv: (-kv[1], kv[0]))
    result.certification = sorted(counts.get("certification", []), key=lambda kv: (-kv[1], kv[0]))
    bands = {int(value): n for value, n in counts.get("price_band", []) if value is not None}
    result.price_band = [
        (low, high, bands[index]) for index, (low, high) in enumerate(PRICE_BANDS) if index in bands
    ]
    result.poverty_zone = sum(n for _value, n in counts.get("poverty_zone", []))
    result.total = sum(n for _value, n in counts.get("total", []))
    if page_window:
        if page_ids is None:
            numbered = sorted(counts.get("page", []), key=itemgetter(1))
            page_ids = [int(value) for value, _n in numbered]
        result.page_ids = page_ids
    result.brand_licensed = sum(n for _value, n in counts.get("brand_licensed", []))
    carried = counts.get("attribute_value", [])
    result.attribute_values = sorted({int(value) for value, _n in carried})
    return result


# The query parameters of the storefront's facet links (short, so shared links stay short).
FACET_PARAMS = {
    "category": "fc",
    "vendor": "fv",
    "origin_town": "ft",
    "certification": "fe",
    "price_band": "fp",
    "poverty_zone": "fz",
}


@dataclass
class FacetSelection:
    """The facet values a shopper picked (one per facet); unknown or malformed values are
    dropped, so a hand-edited link narrows nothing rather than failing."""

    category: int | None = None
    vendor: int | None = None
    origin_town: str = ""
    certification: str = ""
    price_band: int | None = None
    poverty_zone: bool = False

    @classmethod
    def from_params(cls, params) -> FacetSelection:
        def number(key: str) -> int | None:
            raw = str(params.get(FACET_PARAMS[key], "") or "").strip()
            return int(raw) if raw.isdigit() and len(raw) < 12 else None

        def text(key: str) -> str:
            raw = str(params.get(FACET_PARAMS[key], "") or "")
            return "".join(ch for ch in raw if ch.isprintable()).strip()[:100]

        band = number("price_band")
        return cls(
            category=number("category"),
            vendor=number("vendor"),
            origin_town=text("origin_town"),
            certification=text("certification"),
            price_band=band if band is not None and band < len(PRICE_BANDS) else None,
            poverty_zone=str(params.get(FACET_PARAMS["poverty_zone"], "")) == "1",
        )

    def as_params(self) -> dict[str, str]:
        values = {
            "category": self.category,
            "vendor": self.vendor,
            "origin_town": self.origin_town,
            "certification": self.certification,
            "price_band": self.price_band,
            "poverty_zone": 1 if self.poverty_zone else None,
        }
        return {FACET_PARAMS[k]: str(v) for k, v in values.items() if v not in (None, "")}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def filter_by_facets(products: QuerySet, selection: FacetSelection) -> QuerySet:
    """Narrow a search's products to the picked facet values (the same columns the counts of
    facets_for read, so a link's count is the number of results it leads to)."""
    if selection.category is not None:
        products = products.filter(category_id=selection.category)
    if selection.vendor is not None:
        products = products.filter(vendor_id=selection.vendor)
    if selection.origin_town:
        products = products.filter(search_doc__origin_town=selection.origin_town)
    if selection.certification:
        products = products.filter(search_doc__certifications__contains=[selection.certification])
    if selection.price_band is not None:
        low, high = PRICE_BANDS[selection.price_band]
        products = products.filter(search_doc__min_price__isnull=False)
        if low is not None:
            products = products.filter(search_doc__min_price__gte=low)
        if high is not None:
            products = products.filter(search_doc__min_price__lt=high)
    if selection.poverty_zone:
        products = products.filter(search_doc__poverty_zone=True)
    return products


@dataclass
class SearchMatch:
    """What a text matches, before any products are built: the parsed query, and what the
    backend looked up first (the PostgreSQL backend: products found by substring while their
    document is being written). `apply` narrows a queryset to it; `answer_key` names its
    kept answer, so a caller that needs only the facets (kept_facets) never builds the
    products on a hit."""

    parsed: ParsedQuery
    unindexed: list[int] | None = None

    @property
    def tsquery(self) -> str:
        # Only the PostgreSQL backend (which looked up the unindexed products) matches
        # documents by this tsquery.
        return self.parsed.tsquery if self.unindexed is not None else ""

    @property
    def from_documents(self) -> bool:
        """Whether the documents alone make the match (no product found by substring while
        its document is being written; an answer kept then would be wrong once it is)."""
        return self.unindexed is not None and not self.unindexed

    @property
    def did_you_mean(self) -> str:
        return self.parsed.corrected

    @property
    def corrected_from(self) -> str:
        return self.parsed.text if self.parsed.corrected else ""

    def answer_key(self, channel, selection: FacetSelection | None = None) -> AnswerKey | None:
        """The key of this search's kept answer when the products are a channel's products as
        shoppers see them (backend.catalog.selectors.visible_products without a staff user),
        narrowed by `selection` and nothing else; None when it cannot be kept."""
        if not self.tsquery or not self.from_documents or channel is None:
            return None
        params = selection.as_params() if selection is not None else {}
        return AnswerKey(
            channel_id=channel.pk, tsquery=self.tsquery, selection=urlencode(sorted(params.items()))
        )

    def apply(self, queryset: QuerySet) -> SearchResult:
        backend = get_search_backend()
        apply = getattr(backend, "apply", None)
        if apply is not None and self.unindexed is not None:
            products = apply(queryset, self.parsed, unindexed=self.unindexed)
        elif apply is not None:
            products = apply(queryset, self.parsed)
        else:
            products = backend.search_products(queryset, self.parsed.text)
        return SearchResult(parsed=self.parsed, unindexed=self.unindexed, products=products)


@dataclass
class SearchResult(SearchMatch):
    """A search's products (annotated with `search_rank`), with what SearchMatch says."""

    products: QuerySet = field(kw_only=True)


def match(text: str) -> SearchMatch:
    """Parse `text` and run the backend's lookup before matching (no products built)."""
    backend = get_search_backend()
    parsed = parse(text)
    lookup = getattr(backend, "unindexed", None)
    return SearchMatch(parsed=parsed, unindexed=lookup(parsed) if lookup is not None else None)


def search(queryset: QuerySet, text: str) -> SearchResult:
    """Search `queryset`; when a typo was corrected the result says so (corrected_from), and
    when nothing matched it proposes a spelling (did_you_mean)."""
    return match(text).apply(queryset)


# How long a refresh spends computing dropped answers again (at least one is computed): the
# documents it wrote become visible only when it commits.
RECOMPUTE_SECONDS = 1.0


def recompute(dropped: list[AnswerKey]) -> int:
    """Compute again the answers a document refresh dropped (the first
    SEARCH_ANSWERS_RECOMPUTED of them, the most recently computed first, for at most about
    RECOMPUTE_SECONDS), inside the refresh's transaction and from the documents it has just
    written, so that when it commits the shoppers who ask them find them kept: no request
    pays the ranked scan, and no crowd of requests runs it at once. The refresh holds the
    answers' lock exclusively meanwhile and has moved the generation on itself, so the
    generation these stores read is the one they check. Returns how many it kept."""
    from django.http import QueryDict

    from backend.catalog.selectors import visible_products
    from backend.channel.models import Channel

    limit = settings.SEARCH_ANSWERS_RECOMPUTED
    chosen = dropped[: max(limit, 0)]
    if not chosen or not hasattr(get_search_backend(), "unindexed"):
        return 0
    channels = Channel.objects.in_bulk({key.channel_id for key in chosen})
    kept = 0
    deadline = time.monotonic() + RECOMPUTE_SECONDS
    for key in chosen:
        channel = channels.get(key.channel_id)
        if channel is None:
            continue
        if kept and time.monotonic() > deadline:
            break  # the documents' own visibility waits for this commit
        # Matched by the documents alone (as every kept answer is): the refresh has just
        # written those of the products it was asked for.
        found = SearchMatch(parsed=ParsedQuery(text="", tsquery=key.tsquery), unindexed=[])
        products = found.apply(visible_products(channel=channel, user=None)).products
        selection = FacetSelection.from_params(QueryDict(key.selection))
        _compute_and_keep(filter_by_facets(products, selection), key)
        kept += 1
    return kept


def suggestions(text: str, limit: int = 8) -> list[str]:
    return vocabulary.suggest(text, limit=limit)


def did_you_mean(text: str) -> str:
    return parse(text).corrected


def explain(product_id: int, text: str) -> dict:
    """How a product's score for `text` is made: text relevance, in stock, boosts."""
    from django.db import connection

    from backend.search.backends.postgres import WEIGHTS

    parsed = parse(text)
    doc = SearchDocument.objects.filter(product_id=product_id).first()
    if doc is None or parsed.is_empty:
        return {"matched": False, "tsquery": parsed.tsquery}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector @@ %s::tsquery, ts_rank(%s::float4[], vector, %s::tsquery) "
            "FROM search_searchdocument WHERE product_id = %s",
            [parsed.tsquery, WEIGHTS, parsed.tsquery, product_id],
        )
        matched, relevance = cursor.fetchone()
    tier = int(relevance * 100) * 100
    return {
        "matched": bool(matched),
        "tsquery": parsed.tsquery,
        "relevance": float(relevance),
        "relevance_points": tier,
        "in_stock_points": 10 if doc.in_stock else 0,
        "boost_points": doc.boost,
        "brand_licensed": doc.brand_licensed,
        "poverty_zone": doc.poverty_zone,
        "sales": doc.sales,
        "score": tier + (10 if doc.in_stock else 0) + doc.boost,
    }
