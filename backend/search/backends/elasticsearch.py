"""Product search in Elasticsearch (elasticsearch-dsl), for counties and provinces that outgrow
one database. On when ELASTICSEARCH_URL is set (SEARCH_BACKEND then defaults to this class).

The analysis is the same as PostgreSQL's: documents carry the lexemes made in Python by
backend.search.documents (jieba words with the county dictionary, pinyin, initials), one
whitespace-analysed field per weight, so both backends match and rank alike whatever plugins
the cluster has. Where the cluster has smartcn or IK, the `name` field is also analysed by it
(`name.cn`) as an additional, lower-weighted match. Ranking: floor(text score) tiers, then in
stock (10), then the stored boost (< 10), as in PostgreSQL.

Indexing: `rebuild_index()` bulk-loads a new concrete index and moves the alias to it in one
`_aliases` call (zero downtime), then deletes the old index; `index_products(ids)` updates
documents in place (called by the same debounced Celery task as PostgreSQL's documents).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, FloatField, QuerySet, Value, When

from backend.search.backends.base import SearchBackend
from backend.search.query import ParsedQuery, parse

ALIAS = "countymarket-products"
MAX_HITS = 1000
FIELD_BOOSTS = {"name_tokens": 10.0, "meta_tokens": 4.0, "attr_tokens": 2.0, "desc_tokens": 1.0}
PRICE_BANDS = [(None, 20), (20, 50), (50, 100), (100, 200), (200, None)]


def index_settings(*, chinese_analyzer: str | None = None) -> dict:
    """Settings and mapping of a concrete product index; `chinese_analyzer` is "smartcn" or
    "ik_smart" when the cluster has the plugin."""
    name_field: dict = {"type": "text", "analyzer": "standard"}
    if chinese_analyzer:
        name_field["fields"] = {"cn": {"type": "text", "analyzer": chinese_analyzer}}
    token_field = {"type": "text", "analyzer": "whitespace", "norms": True}
    return {
        "settings": {"number_of_shards": 1, "number_of_replicas": 0},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "name": name_field,
                **{field: dict(token_field) for field in FIELD_BOOSTS},
                "category_id": {"type": "keyword"},
                "category": {"type": "keyword"},
                "vendor_id": {"type": "keyword"},
                "vendor": {"type": "keyword"},
                "origin_town": {"type": "keyword"},
                "certifications": {"type": "keyword"},
                "min_price": {"type": "scaled_float", "scaling_factor": 100},
                "in_stock": {"type": "boolean"},
                "boost": {"type": "float"},
                "poverty_zone": {"type": "boolean"},
                "brand_licensed": {"type": "boolean"},
            },
        },
    }


def build_query(parsed: ParsedQuery) -> dict:
    """The bool query: every query word must match one of its alternatives (exact lexeme or
    pinyin prefix) in one of the weighted token fields; scored relevance in tiers, then stock,
    then boost."""
    must = []
    for options in parsed.clauses:
        should = []
        for word, prefix in options:
            for field, boost in FIELD_BOOSTS.items():
                kind = "prefix" if prefix else "term"
                should.append({kind: {field: {"value": word, "boost": boost}}})
        must.append({"bool": {"should": should, "minimum_should_match": 1}})
    return {
        "script_score": {
            "query": {"bool": {"must": must}},
            "script": {
                "source": "Math.floor(_score) * 100 + (doc['in_stock'].value ? 10 : 0)"
                " + doc['boost'].value"
            },
        }
    }


def build_aggregations() -> dict:
    ranges = [
        {k: v for k, v in (("from", low), ("to", high)) if v is not None}
        for low, high in PRICE_BANDS
    ]
    return {
        "category": {"terms": {"field": "category_id", "size": 50}},
        "vendor": {"terms": {"field": "vendor_id", "size": 50}},
        "origin_town": {"terms": {"field": "origin_town", "size": 50}},
        "certification": {"terms": {"field": "certifications", "size": 20}},
        "price_band": {"range": {"field": "min_price", "ranges": ranges}},
        "poverty_zone": {"filter": {"term": {"poverty_zone": True}}},
    }


def document_body(row: dict) -> dict:
    """One product's document from the values SearchDocument holds (see documents_for)."""
    price = row.get("min_price")
    return {
        "name": row["name"],
        "name_tokens": " ".join(row["a"]),
        "meta_tokens": " ".join(row["b"]),
        "attr_tokens": " ".join(row["c"]),
        "desc_tokens": " ".join(row["d"]),
        "category_id": str(row.get("category_id") or ""),
        "category": row.get("category") or "",
        "vendor_id": str(row.get("vendor_id") or ""),
        "vendor": row.get("vendor") or "",
        "origin_town": row.get("origin_town") or "",
        "certifications": list(row.get("certifications") or []),
        "min_price": float(price) if isinstance(price, Decimal) else price,
        "in_stock": bool(row.get("in_stock")),
        "boost": float(row.get("boost") or 0),
        "poverty_zone": bool(row.get("poverty_zone")),
        "brand_licensed": bool(row.get("brand_licensed")),
    }


def client():
    from elasticsearch import Elasticsearch

    return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=10)


def chinese_analyzer(es) -> str | None:
    plugins = {row.get("component") for row in es.cat.plugins(format="json")}
    if "analysis-ik" in plugins:
        return "ik_smart"
    if "analysis-smartcn" in plugins:
        return "smartcn"
    return None


def documents_for(product_ids: Iterable[int]) -> list[tuple[int, dict]]:
    """The Elasticsearch bodies of the products, from their PostgreSQL search documents (the
    tokens are made once, in backend.search.documents)."""
    from backend.catalog.models import Product
    from backend.search.documents import _sets, name_characters, name_lexemes, word_lexemes
    from backend.search.models import SearchDocument

    ids = list(product_ids)
    docs = {d.product_id: d for d in SearchDocument.objects.filter(product_id__in=ids)}
    out = []
    for p in Product.objects.filter(pk__in=docs).select_related("category", "vendor"):
        doc = docs[p.pk]
        attrs = list(p.attributevalues.values_list("value__name", flat=True))
        a, b, c, d = _sets(
            name_lexemes(p.name),
            word_lexemes(p.category.name if p.category else "")
            + word_lexemes(p.vendor.name if p.vendor else ""),
            [lex for v in attrs for lex in word_lexemes(v)],
            word_lexemes((p.description_plaintext or "")[:1000], with_pinyin=False)
            + name_characters(p.name),
        )
        out.append(
            (
                p.pk,
                document_body(
                    {
                        "name": p.name,
                        "a": a,
                        "b": b,
                        "c": c,
                        "d": d,
                        "category_id": p.category_id,
                        "category": p.category.name if p.category else "",
                        "vendor_id": p.vendor_id,
                        "vendor": p.vendor.name if p.vendor else "",
                        "origin_town": doc.origin_town,
                        "certifications": doc.certifications,
                        "min_price": doc.min_price,
                        "in_stock": doc.in_stock,
                        "boost": doc.boost,
                        "poverty_zone": doc.poverty_zone,
                        "brand_licensed": doc.brand_licensed,
                    }
                ),
            )
        )
    return out


def index_products(product_ids: Iterable[int], *, index: str = ALIAS, es=None) -> int:
    from elasticsearch.helpers import bulk

    es = es or client()
    ids = list(product_ids)
    bodies = documents_for(ids)
    present = {pk for pk, _ in bodies}
    actions = [{"_index": index, "_id": str(pk), "_source": body} for pk, body in bodies]
    actions += [
        {"_op_type": "delete", "_index": index, "_id": str(pk)} for pk in ids if pk not in present
    ]
    ok, _errors = bulk(es, actions, raise_on_error=False, refresh="wait_for")
    return ok


def rebuild_index(*, es=None) -> str:
    """A new concrete index, bulk-loaded, then the alias moved to it atomically."""
    from backend.catalog.models import Product

    es = es or client()
    name = f"{ALIAS}-{int(time.time() * 1000)}"
    es.indices.create(index=name, **index_settings(chinese_analyzer=chinese_analyzer(es)))
    ids = list(Product.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        index_products(ids[start : start + 1000], index=name, es=es)
    old = (
        list(es.indices.get_alias(name=ALIAS).keys()) if es.indices.exists_alias(name=ALIAS) else []
    )
    actions = [{"remove": {"index": o, "alias": ALIAS}} for o in old]
    actions.append({"add": {"index": name, "alias": ALIAS}})
    es.indices.update_aliases(actions=actions)
    for o in old:
        es.indices.delete(index=o)
    return name


class ElasticsearchBackend(SearchBackend):
    def search_products(self, queryset: QuerySet, query: str) -> QuerySet:
        return self.apply(queryset, parse(query))

    def apply(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        if parsed.is_empty:
            base = queryset.none() if parsed.raw_nonblank else queryset
            return base.annotate(search_rank=Value(0.0, output_field=FloatField()))
        response = client().search(
            index=ALIAS, query=build_query(parsed), size=MAX_HITS, source=False
        )
        scores = {int(hit["_id"]): float(hit["_score"]) for hit in response["hits"]["hits"]}
        if not scores:
            return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
        return queryset.filter(pk__in=scores).annotate(
            search_rank=Case(
                *[When(pk=pk, then=Value(score)) for pk, score in scores.items()],
                output_field=FloatField(),
            )
        )
