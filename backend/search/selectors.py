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
    # The matched ids once: as a sub-select, each of the facet queries below would evaluate
    # the whole search predicate again.
    ids = list(products.order_by().values_list("pk", flat=True))
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
