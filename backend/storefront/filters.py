"""Filters and sorting of the product listings (category, collection, search, all products).

Everything lives in the query string (`?price_min=10&origin=东王集镇&in_stock=1&sort=price`),
so a filtered page can be shared in a chat and paginated without losing its filters. The
attribute filters offered are the storefront-filterable dropdown attributes whose values occur
among the listing's products; the parameter is the attribute's slug, repeated for several
values (any of them matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils.translation import gettext as _

from backend.brand.selectors import licensed_condition
from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeInputType,
    AttributeValue,
    ProductChannelListing,
)
from backend.catalog.selectors import in_stock_condition
from backend.channel.models import Channel

# `licensed=1`: only products carrying the public brand's licence now (the 「品牌授权」 facet).
LICENSED_PARAMETER = "licensed"
RESERVED_PARAMETERS = frozenset(
    {"q", "page", "sort", "price_min", "price_max", "in_stock", LICENSED_PARAMETER}
)
MAX_PRICE = Decimal("1000000")


class Sort:
    RELEVANCE = "relevance"
    NAME = "name"
    PRICE = "price"
    PRICE_DESC = "-price"
    NEWEST = "newest"


def sort_choices(*, searching: bool) -> list[tuple[str, str]]:
    choices = [
        (Sort.NAME, _("名称")),
        (Sort.PRICE, _("价格从低到高")),
        (Sort.PRICE_DESC, _("价格从高到低")),
        (Sort.NEWEST, _("最新上架")),
    ]
    if searching:
        choices.insert(0, (Sort.RELEVANCE, _("相关度")))
    return choices


@dataclass
class FacetValue:
    value: AttributeValue
    selected: bool


@dataclass
class Facet:
    attribute: Attribute
    values: list[FacetValue]


@dataclass
class ListingQuery:
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    brand_licensed: bool = False
    attributes: dict[str, list[str]] = field(default_factory=dict)
    sort: str = Sort.NAME
    errors: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.price_min is not None
            or self.price_max is not None
            or self.in_stock
            or self.brand_licensed
            or any(self.attributes.values())
        )


def _price(params: QueryDict, name: str, errors: list[str]) -> Decimal | None:
    raw = params.get(name, "").strip().lstrip("¥￥")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        errors.append(_("价格请填写 0 到 1000000 之间的数字。"))
        return None
    return amount


def facet_values(products: QuerySet, *, value_ids: list[int] | None = None) -> list[Facet]:
    """The filterable attribute values carried by `products` or their variants (one query).

    A search passes `value_ids`, the values its facet statement found among the matched
    products (backend.search.selectors.facets_for): a broad search's products are then not
    searched again for each attribute value (a correlated EXISTS per value, ~0.5 s for a word
    matching 20,000 of 100,000 products)."""
    values = AttributeValue.objects.filter(
        attribute__filterable_in_storefront=True,
        attribute__input_type=AttributeInputType.DROPDOWN,
    )
    if value_ids is not None:
        values = values.filter(pk__in=value_ids)
    else:
        ids = products.values("pk")
        values = values.filter(
            Q(
                Exists(
                    AssignedProductAttributeValue.objects.filter(
                        value_id=OuterRef("pk"), product_id__in=ids
                    )
                )
            )
            | Q(
                Exists(
                    AssignedVariantAttributeValue.objects.filter(
                        value_id=OuterRef("pk"), variant__product_id__in=ids
                    )
                )
            )
        )
    values = (
        values.exclude(attribute__slug__in=RESERVED_PARAMETERS)
        .select_related("attribute")
        .order_by("attribute__storefront_search_position", "attribute__slug", "sort_order", "pk")
    )
    facets: dict[int, Facet] = {}
    for value in values:
        facet = facets.setdefault(value.attribute_id, Facet(value.attribute, []))
        facet.values.append(FacetValue(value, selected=False))
    return list(facets.values())


def parse_listing_query(params: QueryDict, facets: list[Facet], *, searching: bool) -> ListingQuery:
    errors: list[str] = []
    query = ListingQuery(
        price_min=_price(params, "price_min", errors),
        price_max=_price(params, "price_max", errors),
        in_stock=params.get("in_stock") == "1",
        brand_licensed=params.get(LICENSED_PARAMETER) == "1",
        sort=Sort.RELEVANCE if searching else Sort.NAME,
        errors=errors,
    )
    allowed = {choice for choice, _label in sort_choices(searching=searching)}
    sort = params.get("sort", "")
    if sort in allowed:
        query.sort = str(sort)
    for facet in facets:
        wanted = set(params.getlist(facet.attribute.slug))
        for facet_value in facet.values:
            facet_value.selected = facet_value.value.slug in wanted
        chosen = [fv.value.slug for fv in facet.values if fv.selected]
        if chosen:
            query.attributes[facet.attribute.slug] = chosen
    return query


def _channel_price(channel: Channel) -> Subquery:
    # The lowest variant price of the product in the channel, kept on its listing.
    return Subquery(
        ProductChannelListing.objects.filter(product_id=OuterRef("pk"), channel=channel).values(
            "discounted_price_amount"
        )[:1]
    )


def _attribute_condition(slug: str, values: list[str]) -> Q:
    on_product = AssignedProductAttributeValue.objects.filter(
        product_id=OuterRef("pk"), value__attribute__slug=slug, value__slug__in=values
    )
    on_variant = AssignedVariantAttributeValue.objects.filter(
        variant__product_id=OuterRef("pk"), value__attribute__slug=slug, value__slug__in=values
    )
    return Q(Exists(on_product)) | Q(Exists(on_variant))


def apply_listing_query(products: QuerySet, query: ListingQuery, channel: Channel) -> QuerySet:
    products = products.annotate(listing_price=_channel_price(channel))
    if query.price_min is not None:
        products = products.filter(listing_price__gte=query.price_min)
    if query.price_max is not None:
        products = products.filter(listing_price__lte=query.price_max)
    if query.in_stock:
        products = products.filter(in_stock_condition(channel))
    if query.brand_licensed:
        products = products.filter(licensed_condition())
    for slug, values in query.attributes.items():
        products = products.filter(_attribute_condition(slug, values))
    if query.sort == Sort.PRICE:
        return products.order_by(F("listing_price").asc(nulls_last=True), "name", "pk")
    if query.sort == Sort.PRICE_DESC:
        return products.order_by(F("listing_price").desc(nulls_last=True), "name", "pk")
    if query.sort == Sort.NEWEST:
        return products.order_by("-created_at", "-pk")
    if query.sort == Sort.RELEVANCE:
        return products.order_by("-search_rank", "name", "pk")
    return products.order_by("name", "pk")
