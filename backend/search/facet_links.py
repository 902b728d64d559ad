"""The search page's facets as links with counts (no JavaScript): category, price band,
origin town, certification, vendor and the poverty zone, counted by the same selector the
GraphQL `productSearchFacets` uses (selectors.facets_for)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.search.answers import AnswerKey
from backend.search.selectors import PRICE_BANDS, Facets, FacetSelection, facets_for


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class FacetGroup:
    key: str
    legend: str
    links: list[FacetLink]


def price_band_label(index: int) -> str:
    low, high = PRICE_BANDS[index]
    if low is None:
        return _("%(high)s 元以下") % {"high": f"{high:g}"}
    if high is None:
        return _("%(low)s 元以上") % {"low": f"{low:g}"}
    return _("%(low)s–%(high)s 元") % {"low": f"{low:g}", "high": f"{high:g}"}


class SearchFacetLinks:
    """Counts run when the template asks (inside the listing's cache fragment)."""

    def __init__(
        self,
        *,
        products: QuerySet,
        selection: FacetSelection,
        query: str,
        path: str,
        page_window: tuple[int, int] | None = None,
        answer: AnswerKey | None = None,
    ):
        self.products = products
        self.selection = selection
        self.query = query
        self.path = path
        # The page of results by relevance the listing will show, read by the same statement
        # (with the brand-licensed count), so the page needs no search of its own.
        self.page_window = page_window
        # The kept answer of this search, when the products are a channel's as shoppers see
        # them (backend.search.answers).
        self.answer = answer

    def _url(self, selection: FacetSelection) -> str:
        return f"{self.path}?{urlencode({'q': self.query, **selection.as_params()})}"

    def _link(self, key: str, value, label: str, count: int) -> FacetLink:
        selected = getattr(self.selection, key) == value
        # A picked value links back to the results without it; another replaces it.
        cleared = {"poverty_zone": False, "origin_town": "", "certification": ""}.get(key)
        target = copy.copy(self.selection)
        setattr(target, key, cleared if selected else value)
        return FacetLink(label=label, count=count, url=self._url(target), selected=selected)

    @property
    def clear_url(self) -> str:
        return self._url(FacetSelection())

    @cached_property
    def facets(self) -> Facets:
        return facets_for(
            self.products, page_window=self.page_window, count_licensed=True, answer=self.answer
        )

    @cached_property
    def groups(self) -> list[FacetGroup]:
        facets = self.facets
        price_counts = {(lo, hi): n for lo, hi, n in facets.price_band}
        groups = [
            FacetGroup(
                "category",
                _("分类"),
                [self._link("category", pk, name, n) for pk, name, n in facets.category],
            ),
            FacetGroup(
                "price_band",
                _("价格"),
                [
                    self._link("price_band", index, price_band_label(index), price_counts[band])
                    for index, band in enumerate(PRICE_BANDS)
                    if band in price_counts
                ],
            ),
            FacetGroup(
                "origin_town",
                _("产地"),
                [self._link("origin_town", town, town, n) for town, n in facets.origin_town],
            ),
            FacetGroup(
                "certification",
                _("认证"),
                [self._link("certification", c, c, n) for c, n in facets.certification],
            ),
            FacetGroup(
                "vendor",
                _("商家"),
                [self._link("vendor", pk, name, n) for pk, name, n in facets.vendor],
            ),
            FacetGroup(
                "poverty_zone",
                _("扶贫专区"),
                [self._link("poverty_zone", True, _("扶贫专区商品"), facets.poverty_zone)]
                if facets.poverty_zone
                else [],
            ),
        ]
        return [group for group in groups if group.links]
