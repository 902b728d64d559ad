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

from django.db.models import FloatField, QuerySet, Value
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


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
        # found by substring over its plain search_document, so it is never invisible. Both
        # kinds of match are one IN (… UNION ALL …): with an OR between two conditions the
        # planner evaluated the text match once per condition and per parallel worker.
        words = parsed.text.split()[:8]
        unindexed = (
            "SELECT p.id FROM catalog_product p WHERE NOT EXISTS "
            "(SELECT 1 FROM search_searchdocument d WHERE d.product_id = p.id)"
            + "".join(
                " AND (UPPER(p.search_document) LIKE UPPER(%s) OR UPPER(p.name) LIKE UPPER(%s))"
                for _word in words
            )
        )
        patterns = [f"%{_like_escape(word)}%" for word in words for _twice in (0, 1)]
        return queryset.filter(
            pk__in=RawSQL(f"{MATCH_SQL} UNION ALL {unindexed}", [parsed.tsquery, *patterns])
        ).annotate(
            search_rank=Coalesce(
                RawSQL(RANK_SQL, [parsed.tsquery], output_field=FloatField()),
                Value(100.0),
                output_field=FloatField(),
            )
        )
