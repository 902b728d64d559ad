"""Search queries: suggestions as you type (prefix and pinyin prefix) with "did you mean",
facet counts for a search, and, for staff who manage products, why a product ranks where it
does. `products(search:)` (backend/graphql/catalog) uses the same backend and ranking."""

from __future__ import annotations

import graphene

from backend.catalog.selectors import can_manage_products, visible_products
from backend.core.permissions import Permission, has_permissions
from backend.graphql.channel.resolvers import resolve_channel
from backend.graphql.core.errors import ApiError, PermissionDenied, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.search import selectors

MAX_SUGGESTIONS = 20


class SearchSuggestions(graphene.ObjectType):
    query = graphene.String(required=True, description="The query as understood (cleaned).")
    suggestions = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Product names and words starting with the query or its pinyin/initials.",
    )
    did_you_mean = graphene.String(
        description="A corrected query when a word of the query is not in the catalogue."
    )


class SearchFacetValue(graphene.ObjectType):
    value = graphene.String(required=True, description="Facet value (an id, a name or a band).")
    label = graphene.String(required=True)
    count = graphene.Int(required=True)


class PriceBandFacet(graphene.ObjectType):
    min = graphene.Decimal(description="Lower bound (inclusive); null for no bound.")
    max = graphene.Decimal(description="Upper bound (exclusive); null for no bound.")
    count = graphene.Int(required=True)


class SearchFacets(graphene.ObjectType):
    total_count = graphene.Int(required=True)
    did_you_mean = graphene.String()
    categories = graphene.List(graphene.NonNull(SearchFacetValue), required=True)
    vendors = graphene.List(graphene.NonNull(SearchFacetValue), required=True)
    origin_towns = graphene.List(graphene.NonNull(SearchFacetValue), required=True)
    certifications = graphene.List(graphene.NonNull(SearchFacetValue), required=True)
    price_bands = graphene.List(graphene.NonNull(PriceBandFacet), required=True)
    poverty_zone_count = graphene.Int(required=True)


class SearchScoreExplanation(graphene.ObjectType):
    matched = graphene.Boolean(required=True)
    tsquery = graphene.String(required=True)
    relevance = graphene.Float()
    relevance_points = graphene.Float()
    in_stock_points = graphene.Float()
    boost_points = graphene.Float()
    brand_licensed = graphene.Boolean()
    poverty_zone = graphene.Boolean()
    sales = graphene.Int()
    score = graphene.Float()


def _facet(value, label, count) -> SearchFacetValue:
    return SearchFacetValue(value=str(value), label=str(label), count=count)


class SearchQueries(graphene.ObjectType):
    search_suggestions = graphene.Field(
        SearchSuggestions,
        required=True,
        query=graphene.String(required=True),
        first=graphene.Int(default_value=8),
        description="Suggestions as you type and a spelling correction for the query.",
    )
    product_search_facets = graphene.Field(
        SearchFacets,
        required=True,
        search=graphene.String(required=True),
        channel=graphene.String(description="Slug of the channel; the default if omitted."),
        description="Counts of the products matching a search by category, vendor, origin "
        "town, certification, price band and the poverty zone.",
    )
    product_search_explain = graphene.Field(
        SearchScoreExplanation,
        required=True,
        id=graphene.ID(required=True),
        search=graphene.String(required=True),
        description="Why a product ranks where it does for a search (staff: MANAGE_PRODUCTS).",
    )

    @staticmethod
    def resolve_search_suggestions(root, info, query, first=8):
        if first is None or first < 1 or first > MAX_SUGGESTIONS:
            raise ApiError(
                f"first must be between 1 and {MAX_SUGGESTIONS}.",
                code=QueryErrorCode.INVALID,
                field="first",
            )
        from backend.search.analysis import clean

        return SearchSuggestions(
            query=clean(query[:200])[:100],
            suggestions=selectors.suggestions(query[:200], limit=first),
            did_you_mean=selectors.did_you_mean(query) or None,
        )

    @staticmethod
    def resolve_product_search_facets(root, info, search, channel=None):
        channel_obj = resolve_channel(info, channel)
        user = info.context.user
        result = selectors.match(search)
        # Shoppers' products (staff who manage products see unlisted ones too) share the
        # storefront's kept answers; a kept one is served without building the products.
        shopper = not can_manage_products(user)
        answer = result.answer_key(channel_obj) if shopper else None
        facets = selectors.kept_facets(answer)
        if facets is None:
            products = result.apply(visible_products(channel=channel_obj, user=user)).products
            facets = selectors.facets_for(products, answer=answer)
        return SearchFacets(
            total_count=facets.total,
            did_you_mean=result.did_you_mean or None,
            categories=[_facet(pk, name, n) for pk, name, n in facets.category],
            vendors=[_facet(pk, name, n) for pk, name, n in facets.vendor],
            origin_towns=[_facet(t, t, n) for t, n in facets.origin_town],
            certifications=[_facet(c, c, n) for c, n in facets.certification],
            price_bands=[
                PriceBandFacet(min=lo, max=hi, count=n) for lo, hi, n in facets.price_band
            ],
            poverty_zone_count=facets.poverty_zone,
        )

    @staticmethod
    def resolve_product_search_explain(root, info, id, search):
        if not has_permissions(info.context.user, [Permission.MANAGE_PRODUCTS]):
            raise PermissionDenied([Permission.MANAGE_PRODUCTS])
        product_id = decode_id(id, "Product")
        return SearchScoreExplanation(**selectors.explain(product_id, search))
