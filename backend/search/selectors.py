"""Search read paths: results with facets, suggestions, did-you-mean and score explanations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from backend.catalog.models import Product
from backend.search import vocabulary
from backend.search.backends.base import get_search_backend
from backend.search.models import SearchDocument
from backend.search.query import parse

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


def facets_for(products: QuerySet) -> Facets:
    """Counts over the matched products (five grouped queries)."""
    ids = products.order_by().values("pk")
    result = Facets()
    result.category = [
        (row["category_id"], row["category__name"], row["n"])
        for row in Product.objects.filter(pk__in=ids, category__isnull=False)
        .values("category_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    ]
    result.vendor = [
        (row["vendor_id"], row["vendor__name"], row["n"])
        for row in Product.objects.filter(pk__in=ids, vendor__isnull=False)
        .values("vendor_id", "vendor__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "vendor__name")
    ]
    docs = SearchDocument.objects.filter(product_id__in=ids)
    result.origin_town = [
        (row["origin_town"], row["n"])
        for row in docs.exclude(origin_town="")
        .values("origin_town")
        .annotate(n=Count("pk"))
        .order_by("-n", "origin_town")
    ]
    certs: Counter[str] = Counter()
    prices: Counter[int] = Counter()
    zone = 0
    for cert_list, price, poverty in docs.values_list(
        "certifications", "min_price", "poverty_zone"
    ):
        certs.update(cert_list or [])
        zone += bool(poverty)
        if price is not None:
            for index, (low, high) in enumerate(PRICE_BANDS):
                if (low is None or price >= low) and (high is None or price < high):
                    prices[index] += 1
                    break
    result.certification = sorted(certs.items(), key=lambda kv: (-kv[1], kv[0]))
    result.price_band = [
        (low, high, prices[index]) for index, (low, high) in enumerate(PRICE_BANDS) if prices[index]
    ]
    result.poverty_zone = zone
    return result


@dataclass
class SearchResult:
    products: QuerySet
    did_you_mean: str = ""
    corrected_from: str = ""


def search(queryset: QuerySet, text: str) -> SearchResult:
    """Search `queryset`; when a typo was corrected the result says so (corrected_from), and
    when nothing matched it proposes a spelling (did_you_mean)."""
    backend = get_search_backend()
    parsed = parse(text)
    apply = getattr(backend, "apply", None)
    products = apply(queryset, parsed) if apply else backend.search_products(queryset, text)
    result = SearchResult(products=products)
    if parsed.corrected:
        result.corrected_from = parsed.text
        result.did_you_mean = parsed.corrected
    return result


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
