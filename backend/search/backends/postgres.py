"""Product search in PostgreSQL without extensions.

Each product has a SearchDocument (backend.search.models) whose weighted tsvector holds
jieba-segmented words, their pinyin and initials (built in Python, see
backend.search.documents), in a GIN index. A query is segmented the same way, expanded with
synonyms and pinyin prefixes, corrected against the vocabulary when a word is unknown
(backend.search.query), and matched with `@@`. The rank orders text relevance first (ts_rank
with weights name 1.0, category/vendor 0.4, attributes 0.2, description 0.1, in tiers of
0.01 worth 100 points), then in stock (10 points), then the configured boosts (under 10 points:
brand licence, poverty zone, sales).

One join: the products' join to their documents carries the match, the score and the facet
columns (TextMatch, SearchScore, selectors.facets_for), so a matched document is read once
per statement. Products whose document is not written yet are found by substring (see
PostgresBackend.apply).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Expression, F, FloatField, Q, QuerySet, Value

from backend.catalog.models import Product
from backend.search.backends.base import SearchBackend
from backend.search.query import ParsedQuery, parse

WEIGHTS = "{0.1,0.2,0.4,1.0}"
# Products found by substring while their document is being written: a handful in practice
# (the debounced refresh runs within seconds); the cap bounds a stalled queue's cost.
UNINDEXED_LIMIT = 1000


def query_terms(query: str) -> list[str]:
    return parse(query, correct=False).words


class SearchScore(Expression):
    """A product's score for a tsquery, read from its search document through the product's
    own (left) join: relevance in tiers of 0.01 worth 100 points, 10 for in stock, the boost.
    A product without a document yet (found by substring) scores 100, as one tier of
    relevance. Computed in the same row as the product rather than by a subquery per row."""

    output_field = FloatField()

    def __init__(self, tsquery: str) -> None:
        super().__init__()
        self.tsquery = tsquery
        self.sources = [
            F("search_doc__vector"),
            F("search_doc__in_stock"),
            F("search_doc__boost"),
        ]

    def get_source_expressions(self):
        return self.sources

    def set_source_expressions(self, exprs) -> None:
        self.sources = list(exprs)

    def as_sql(self, compiler, connection):
        (vector, vector_params), (stock, stock_params), (boost, boost_params) = (
            compiler.compile(source) for source in self.sources
        )
        sql = (
            f"COALESCE(floor(ts_rank('{WEIGHTS}'::float4[], {vector}, %s::tsquery) * 100) * 100"
            f" + CASE WHEN {stock} THEN 10 ELSE 0 END + {boost}, 100.0)"
        )
        return sql, [*vector_params, self.tsquery, *stock_params, *boost_params]


class TextMatch(Expression):
    """`vector @@ tsquery` on the product's search document, through the product's own join
    to it: the same join then gives the score (SearchScore) and the facet columns
    (selectors.facets_for), so a matched document is read once per query rather than once
    to match and again to rank and to count. (The join is a LEFT JOIN in Django's terms;
    PostgreSQL reduces it to an inner join under this strict condition.)"""

    output_field = BooleanField()
    conditional = True

    def __init__(self, tsquery: str) -> None:
        super().__init__()
        self.tsquery = tsquery
        self.vector = F("search_doc__vector")

    def get_source_expressions(self):
        return [self.vector]

    def set_source_expressions(self, exprs) -> None:
        (self.vector,) = exprs

    def as_sql(self, compiler, connection):
        vector, params = compiler.compile(self.vector)
        return f"{vector} @@ %s::tsquery", [*params, self.tsquery]


class PostgresBackend(SearchBackend):
    def search_products(self, queryset: QuerySet, query: str) -> QuerySet:
        parsed = parse(query)
        return self.apply(queryset, parsed)

    def apply(
        self, queryset: QuerySet, parsed: ParsedQuery, *, unindexed: list[int] | None = None
    ) -> QuerySet:
        if parsed.is_empty:
            if parsed.raw_nonblank:
                return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
            return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
        if unindexed is None:
            unindexed = self.unindexed(parsed)
        matched = Q(TextMatch(parsed.tsquery))
        if unindexed:
            matched |= Q(pk__in=unindexed)
        return queryset.filter(matched).annotate(search_rank=SearchScore(parsed.tsquery))

    def unindexed(self, parsed: ParsedQuery) -> list[int]:
        """Products matching by substring whose document the Celery task has not written yet
        for their current text (flagged search_index_dirty; a partial index holds just
        those), so a product is never invisible nor found only by its old words. Looked up
        first (a millisecond, usually none): the text match alone is a semi-join PostgreSQL
        estimates well (the documents' key is unique), so thousands of matches get hash
        joins; a UNION with the fallback hid the estimate (200 rows) and made it join the
        catalogue row by row."""
        if parsed.is_empty:
            return []
        # The statement Django builds for `search_document__icontains=word | name__icontains=
        # word` per word, written out: it runs before every search, and building it through
        # the ORM cost more than running it.
        words = parsed.text.split()[:8]
        tests = " AND ".join(
            '(UPPER("search_document") LIKE UPPER(%s) OR UPPER("name") LIKE UPPER(%s))'
            for _word in words
        )
        patterns = [pattern for word in words for pattern in (_contains(word),) * 2]
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "id" FROM "{Product._meta.db_table}" WHERE "search_index_dirty" '
                f"AND {tests or 'TRUE'} LIMIT %s",
                [*patterns, UNINDEXED_LIMIT],
            )
            return [row[0] for row in cursor.fetchall()]


def _contains(word: str) -> str:
    """A LIKE pattern for `word` anywhere, its wildcards escaped (backslash: LIKE's default)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
