"""Product search in PostgreSQL without extensions.

Each product has a SearchDocument (backend.search.models) whose weighted tsvector holds
jieba-segmented words, their pinyin and initials (built in Python, see
backend.search.documents), in a GIN index. A query is segmented the same way, expanded with
synonyms and pinyin prefixes, corrected against the vocabulary when a word is unknown
(backend.search.query), and matched with `@@`. The rank orders text relevance first (ts_rank
with weights name 1.0, category/vendor 0.4, attributes 0.2, description 0.1, in tiers of
0.01 worth 100 points), then in stock (10 points), then the configured boosts (under 10 points:
brand licence, poverty zone, sales).,
"""

from __future__ import annotations

from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from backend.search.backends.base import SearchBackend
from backend.search.query import ParsedQuery, parse

WEIGHTS = "{0.1,0.2,0.4,1.0}"
RANK_SQL = (
    "SELECT floor(ts_rank('" + WEIGHTS + "'::float4[], d.vector, %s::tsquery) * 100) * 100"
    " + CASE WHEN d.in_stock THEN 10 ELSE 0 END + d.boost"
    ' FROM search_searchdocument d WHERE d.product_id = "catalog_product"."id"'
)
MATCH_SQL = "SELECT d.product_id FROM search_searchdocument d WHERE d.vector @@ %s::tsquery"


def query_terms(query: str) -> list[str]:
    return parse(query, correct=False).words


class PostgresBackend(SearchBackend):
    def search_products(self, queryset: QuerySet, query: str) -> QuerySet:
        parsed = parse(query)
        return self.apply(queryset, parsed)

    def apply(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        if parsed.is_empty:
            if parsed.raw_nonblank:
                return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
            return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
        # A product saved a moment ago whose document the Celery task has not written yet is
        # found by substring over its plain search_document, so it is never invisible.
        not_indexed = Q(search_doc__isnull=True)
        for word in parsed.text.split()[:8]:
            not_indexed &= Q(search_document__icontains=word) | Q(name__icontains=word)
        return queryset.filter(
            Q(pk__in=RawSQL(MATCH_SQL, [parsed.tsquery])) | not_indexed
        ).annotate(
            search_rank=Coalesce(
                RawSQL(RANK_SQL, [parsed.tsquery], output_field=FloatField()),
                Value(100.0),
                output_field=FloatField(),
            )
        )
