"""Product search in PostgreSQL, Chinese-aware without a segmenter.

Chinese has no spaces between words, so PostgreSQL's word-based full-text search finds nothing
for `大米` inside `东王集大米`. Instead each product keeps a `search_document` (name, category,
vendor, attribute values, description, SKUs; built by `backend.search.indexing`), and a query
matches when every whitespace-separated term occurs in it as a substring. A trigram GIN index
(pg_trgm, gin_trgm_ops) serves these `ILIKE '%term%'` lookups for terms of three or more
characters. Ranking prefers exact names, then names that start with the query, then names that
contain it, then matches elsewhere in the document.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from backend.search.backends.base import SearchBackend

MAX_TERMS = 8


def query_terms(query: str) -> list[str]:
    return [term for term in query.split() if term][:MAX_TERMS]


class PostgresBackend(SearchBackend):
    def search_products(self, queryset: QuerySet, query: str) -> QuerySet:
        terms = query_terms(query)
        if not terms:
            return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
        condition = Q()
        for term in terms:
            condition &= Q(search_document__icontains=term)
        phrase = " ".join(terms)
        rank = Case(
            When(name__iexact=phrase, then=Value(100)),
            When(name__istartswith=phrase, then=Value(60)),
            When(name__icontains=phrase, then=Value(40)),
            When(name__icontains=terms[0], then=Value(20)),
            default=Value(10),
            output_field=IntegerField(),
        )
        return queryset.filter(condition).annotate(search_rank=rank)
