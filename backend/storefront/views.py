"""Shopper pages: home, listings (category, collection, all products, search), product page,
a minimal cart, the brand's static pages, robots.txt.

Views are thin: reads come from `backend.storefront.selectors` (on the catalog's visibility
rules and pricing), cart changes from the checkout services. Home and listings hand the
template lazy objects whose queries run only when a `{% cache %}` fragment keyed on the catalog
version misses, so a warm page costs no SQL.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.brand.selectors import licence_window_of, licensed_condition
from backend.catalog.cache import catalog_version
from backend.catalog.models import Category, Collection
from backend.catalog.schedule import schedule_epoch
from backend.catalog.selectors import category_and_descendant_ids
from backend.channel.models import Channel
from backend.checkout.calculations import load_checkout_info
from backend.checkout.lines import checkout_problems
from backend.merchandising import selectors as merchandising
from backend.search import selectors as search_selectors
from backend.search.facet_links import SearchFacetLinks
from backend.storefront import selectors
from backend.storefront.cart import (
    add_to_cart,
    parse_quantity,
    session_checkout,
    set_line_quantity,
)
from backend.storefront.discounts import cart_discounts
from backend.storefront.filters import (
    Sort,
    apply_listing_query,
    facet_values,
    parse_listing_query,
    sort_choices,
)
from backend.storefront.page_cache import cache_anonymous_page
from backend.storefront.pages import load_page, page_links
from backend.storefront.security import with_csp
from backend.trace.selectors import batch_on_sale

PAGE_SIZE = 24
HOME_PRODUCTS = 8
FEATURED_COLLECTIONS = 2
FEATURED_PRODUCTS = 4
MAX_QUERY_LENGTH = 100
PRODUCT_CACHE_SECONDS = 300


def _base_context(request, *, canonical: str | None = None) -> dict:
    version = catalog_version()
    site = selectors.current_site(version)
    return {
        "brand": site.brand,
        "channel": site.channel,
        # Fragment caches vary on this: the catalog version and the schedule epoch, so a
        # promotion's price appears and disappears at its exact start and end instants.
        "catalog_version": f"{version}.{schedule_epoch()}",
        "canonical_url": request.build_absolute_uri(canonical or request.path),
        "page_links": page_links(),
    }


class HomeContent:
    """What the home page shows, computed only on a cache miss of its fragment."""

    def __init__(self, channel: Channel | None, *, preview_at=None):
        self.channel = channel
        # A brand manager's preview (backend/storefront/merchandising_views.py): the page as
        # it will look at that instant, unpublished sections included, never cached.
        self.preview_at = preview_at

    @property
    def is_preview(self) -> bool:
        return self.preview_at is not None

    @property
    def fragment_seconds(self) -> int:
        return 0 if self.is_preview else 300

    @cached_property
    def fragment_key(self) -> str:
        """What the cached fragment depends on besides the catalog version: the schedule
        epoch (a section starting or ending changes the page at that instant)."""
        if self.is_preview:
            return f"preview-{self.preview_at.isoformat()}"
        return str(schedule_epoch())

    @cached_property
    def sections(self):
        if self.channel is None:
            return []
        return merchandising.section_views(
            self.channel,
            at=self.preview_at or timezone.now(),
            include_unpublished=self.is_preview,
        )

    @cached_property
    def live_events(self):
        """Livestreams on air now (直播中), shown above the sections."""
        if self.channel is None:
            return []
        return merchandising.live_now(self.channel, at=self.preview_at or timezone.now())

    @cached_property
    def new_products(self):
        return selectors.new_products(self.channel, HOME_PRODUCTS) if self.channel else []

    @cached_property
    def best_sellers(self):
        return selectors.best_selling_products(self.channel, HOME_PRODUCTS) if self.channel else []

    @cached_property
    def collections(self) -> list[Collection]:
        return list(selectors.shop_collections(self.channel))

    @cached_property
    def featured(self):
        if self.channel is None:
            return []
        return [
            (collection, selectors.collection_products(collection, self.channel, FEATURED_PRODUCTS))
            for collection in self.collections[:FEATURED_COLLECTIONS]
        ]

    @cached_property
    def categories(self):
        return list(selectors.top_categories())

    @cached_property
    def tourism_category(self):
        return selectors.tourism_category(self.channel)

    @cached_property
    def zone_query(self) -> str:
        """The query string of the all-products listing filtered to the weak villages' towns."""
        origins = selectors.weak_village_origins()
        if not origins:
            return ""
        return urlencode([(selectors.ORIGIN_ATTRIBUTE, value.slug) for value in origins])


@require_GET
@with_csp
@cache_anonymous_page("home")
def home(request):
    from backend.storefront.merchandising_views import home_preview_instant

    context = _base_context(request, canonical=reverse("storefront:home"))
    preview_at = home_preview_instant(request)
    context["home"] = HomeContent(context["channel"], preview_at=preview_at)
    response = render(request, "storefront/home.html", context)
    if preview_at is not None:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


class Listing:
    """A filtered, sorted, paginated product list; queries run when the template asks."""

    def __init__(
        self,
        request,
        products: QuerySet,
        channel: Channel,
        *,
        search: str = "",
        search_facets: SearchFacetLinks | None = None,
    ):
        self.params = request.GET
        self.products = products
        self.channel = channel
        self.search = search
        self.search_facets = search_facets

    @cached_property
    def facets(self):
        if self.search_facets is not None:
            # The search's own facet statement names the attribute values its products carry.
            return facet_values(self.products, value_ids=self.search_facets.facets.attribute_values)
        return facet_values(self.products)

    @cached_property
    def query(self):
        return parse_listing_query(self.params, self.facets, searching=bool(self.search))

    @cached_property
    def sort_choices(self):
        return sort_choices(searching=bool(self.search))

    @cached_property
    def brand_licensed_count(self) -> int:
        """How many of the listing's products carry the brand's licence now (the facet)."""
        if self.search_facets is not None:
            return self.search_facets.facets.brand_licensed
        return self.products.filter(licensed_condition()).count()

    @cached_property
    def page(self) -> Page:
        ordered = apply_listing_query(
            selectors.with_card_data(self.products, self.channel), self.query, self.channel
        )
        paginator = Paginator(ordered, PAGE_SIZE)
        if self.search_facets is None or self.query.is_filtered:
            return paginator.get_page(self.params.get("page"))
        # The search's facet statement counted the same products (the search and its facet
        # picks, nothing more) and, in relevance order, named the requested page's: no
        # second run of the search to count them, nor a third to rank them.
        facets = self.search_facets.facets
        paginator.count = facets.total
        page = paginator.get_page(self.params.get("page"))
        window = self.search_facets.page_window
        if (
            self.query.sort == Sort.RELEVANCE
            and facets.page_ids is not None
            and window == ((page.number - 1) * PAGE_SIZE, PAGE_SIZE)
        ):
            # The same order (rank, name, id) over just those rows: the text match and the
            # rank for a page of products, not for every match.
            page.object_list = ordered.filter(pk__in=facets.page_ids)
        return page

    @cached_property
    def cards(self):
        return selectors.cards(self.page.object_list)

    @property
    def cache_key(self) -> str:
        # Only the parameters a listing reads make a different fragment.
        items = sorted((k, v) for k, values in self.params.lists() for v in values[:20])
        # The schedule epoch too: a brand licence (or a price) ending changes the cards and
        # the facet counts at that instant (backend/catalog/schedule.py).
        return hashlib.sha256(repr((schedule_epoch(), items[:60])).encode()).hexdigest()


def _render_listing(request, *, template_context: dict, products: QuerySet, search: str = ""):
    context = template_context
    channel = context["channel"]
    context["listing"] = (
        Listing(
            request,
            products,
            channel,
            search=search,
            search_facets=context.get("search_facets"),
        )
        if channel is not None
        else None
    )
    context["max_query_length"] = MAX_QUERY_LENGTH
    return render(request, "storefront/listing.html", context)


def _listing_canonical(request, path: str) -> str:
    page = request.GET.get("page", "")
    return f"{path}?page={page}" if page.isdigit() and page != "1" else path


@require_GET
@with_csp
def category(request, slug: str):
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    path = reverse("storefront:category", args=[category.slug])
    context = _base_context(request, canonical=_listing_canonical(request, path))
    products = selectors.listed_products(context["channel"]).filter(
        category_id__in=category_and_descendant_ids([category.pk])
    )
    context.update(
        heading=category.name,
        title=category.seo_title or category.name,
        description=category.seo_description or _plain_description(category.description),
        category=category,
        subcategories=list(category.children.all()),
    )
    return _render_listing(request, template_context=context, products=products)


@require_GET
@with_csp
def collection(request, slug: str):
    site = selectors.current_site()
    collection = get_object_or_404(selectors.shop_collections(site.channel), slug=slug)
    path = reverse("storefront:collection", args=[collection.slug])
    context = _base_context(request, canonical=_listing_canonical(request, path))
    products = selectors.listed_products(context["channel"]).filter(
        collectionproduct__collection=collection
    )
    context.update(
        heading=collection.name,
        title=collection.seo_title or collection.name,
        description=collection.seo_description or _plain_description(collection.description),
        collection=collection,
    )
    return _render_listing(request, template_context=context, products=products)


@require_GET
@with_csp
def all_products(request):
    path = reverse("storefront:products")
    context = _base_context(request, canonical=_listing_canonical(request, path))
    context.update(heading=_("全部商品"), title=_("全部商品"), description="")
    products = selectors.listed_products(context["channel"])
    return _render_listing(request, template_context=context, products=products)


@require_GET
@with_csp
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context = _base_context(request, canonical=reverse("storefront:search"))
    context.update(
        heading=_("搜索"),
        title=_("搜索：%(query)s") % {"query": query} if query else _("搜索"),
        description="",
        search_query=query,
        is_search=True,
        robots="noindex",
        categories=list(selectors.top_categories()) if query else [],
    )
    products = selectors.listed_products(context["channel"])
    # Without a query the page explains what to search for and lists nothing. A corrected typo
    # shows the corrected results with a note; no results offer suggestions (backend/search).
    found = search_selectors.search(products, query) if query else None
    products = found.products if found else products.none()
    if found:
        # Facet links with counts (category, price band, town, certification, vendor, zone).
        selection = search_selectors.FacetSelection.from_params(request.GET)
        products = search_selectors.filter_by_facets(products, selection)
        context["search_facets"] = SearchFacetLinks(
            products=products,
            selection=selection,
            query=query,
            path=request.path,
            page_window=_relevance_window(request.GET),
            answer=found.answer_key(context["channel"], selection),
        )
    if found and found.did_you_mean:
        context["did_you_mean"] = found.did_you_mean
    if query:
        context["search_suggestions"] = search_selectors.suggestions(query, limit=5)
    return _render_listing(request, template_context=context, products=products, search=query)


def _relevance_window(params) -> tuple[int, int] | None:
    """The (offset, limit) of the requested results page when they are in relevance order
    (a search's default), for the search's facet statement to name its products."""
    if params.get("sort", "") not in ("", Sort.RELEVANCE):
        return None
    raw = str(params.get("page", "") or "")
    number = int(raw) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1
    return ((number - 1) * PAGE_SIZE, PAGE_SIZE)


def _plain_description(description) -> str:
    blocks = description.get("blocks") if isinstance(description, dict) else None
    texts = [
        str((b.get("data") or {}).get("text", "")) for b in blocks or [] if isinstance(b, dict)
    ]
    return " ".join(t for t in texts if t)[:160]


_MISSING = object()


def _product_page(channel: Channel | None, slug: str):
    if channel is None:
        return None
    digest = hashlib.sha256(slug.encode()).hexdigest()
    # The schedule epoch: a live or flash-sale price starts and ends at its exact instant.
    key = f"storefront:product:{catalog_version()}:{schedule_epoch()}:{channel.pk}:{digest}"
    page = cache.get(key, _MISSING)
    if page is _MISSING:
        page = selectors.product_page(channel, slug)
        cache.set(key, page, PRODUCT_CACHE_SECONDS)
    return page


def _product_json_ld(request, page) -> dict:
    product = page.product
    url = request.build_absolute_uri(reverse("storefront:product", args=[product.slug]))
    offers = [
        {
            "@type": "Offer",
            "sku": choice.variant.sku,
            "name": choice.variant.name or product.name,
            "price": f"{choice.pricing.price.gross.amount:.2f}",
            "priceCurrency": choice.pricing.price.gross.currency,
            "availability": "https://schema.org/InStock"
            if choice.in_stock
            else "https://schema.org/OutOfStock",
            "url": url,
        }
        for choice in page.variants
    ]
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": (product.seo_description or product.description_plaintext)[:500],
        "image": [request.build_absolute_uri(image.url) for image in page.images],
        "offers": offers,
    }
    if page.variants:
        data["sku"] = page.variants[0].variant.sku
    if product.vendor is not None:
        data["brand"] = {"@type": "Brand", "name": product.vendor.name}
    return data


@require_GET
@with_csp
def product(request, slug: str):
    context = _base_context(request)
    page = _product_page(context["channel"], slug)
    if page is None:
        raise Http404(_("没有这个商品。"))
    product = page.product
    context.update(
        canonical_url=request.build_absolute_uri(
            reverse("storefront:product", args=[product.slug])
        ),
        page=page,
        product=product,
        title=product.seo_title or product.name,
        description=(product.seo_description or product.description_plaintext)[:160],
        json_ld=_product_json_ld(request, page),
        # Outside the cached page object: the badge goes at the exact instant of expiry.
        brand_licence=licence_window_of(product.pk),
        **_poverty_context(product.pk),
        # The trace page of the batch on sale now (issue #14), linked under the badges.
        trace_batch=batch_on_sale(product),
    )
    return render(request, "storefront/product.html", context)


def _poverty_context(product_id: int) -> dict:
    """The zone badge and its mechanism in plain words (backend/poverty), outside the cached
    page object like the brand badge, so it goes at the exact instant of expiry or revocation."""
    from backend.poverty.models import Certification
    from backend.poverty.plain_words import mechanism_in_plain_words
    from backend.poverty.selectors import certification_window_of

    window = certification_window_of(product_id)
    if window is None:
        return {"poverty_certification": None}
    certification = (
        Certification.objects.select_related("village").filter(pk=window.certification_id).first()
    )
    if certification is None:
        return {"poverty_certification": None}
    return {
        "poverty_certification": window,
        "poverty_mechanism": mechanism_in_plain_words(certification),
    }


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for errors in error.message_dict.values() for m in errors]
    return list(error.messages)


@require_POST
@with_csp
def cart_add(request):
    site = selectors.current_site()
    back = request.POST.get("product", "")
    back_url = reverse("storefront:product", args=[back]) if back else reverse("storefront:cart")
    if site.channel is None:
        messages.error(request, _("商城暂未开放。"))
        return redirect(back_url)
    try:
        quantity = parse_quantity(request.POST.get("quantity"), allow_zero=False)
        add_to_cart(
            request, channel=site.channel, variant_id=request.POST.get("variant"), quantity=quantity
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect(back_url)
    messages.success(request, _("已加入购物车。"))
    return redirect("storefront:cart")


@require_POST
@with_csp
def cart_update(request):
    try:
        quantity = parse_quantity(request.POST.get("quantity"), allow_zero=True)
        set_line_quantity(request, line_id=request.POST.get("line"), quantity=quantity)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("购物车已更新。") if quantity else _("已移出购物车。"))
    return redirect("storefront:cart")


@require_GET
@with_csp
def cart(request):
    context = _base_context(request, canonical=reverse("storefront:cart"))
    checkout = session_checkout(request)
    lines, subtotal, total = [], None, None
    if checkout is not None:
        info = load_checkout_info(checkout)
        problems = {str(p.line.pk): p for p in checkout_problems(info)}
        for line_info in info.lines:
            problem = problems.get(str(line_info.line.pk))
            lines.append({"info": line_info, "problem": problem})
        subtotal, total = info.subtotal(), info.total()
    context.update(
        title=_("购物车"),
        description="",
        robots="noindex",
        lines=lines,
        subtotal=subtotal,
        total=total,
        **cart_discounts(request, info if checkout is not None else None),
    )
    return render(request, "storefront/cart.html", context)


@require_GET
@with_csp
def about(request):
    context = _base_context(request, canonical=reverse("storefront:about"))
    brand = context["brand"]
    if brand is None:
        raise Http404(_("没有品牌信息。"))
    context.update(title=_("关于%(brand)s") % {"brand": brand.name}, description=brand.slogan)
    return render(request, "storefront/about.html", context)


@require_GET
@with_csp
def static_page(request, slug: str):
    page = load_page(slug)
    if page is None:
        raise Http404(_("没有这个页面。"))
    context = _base_context(request, canonical=reverse("storefront:page", args=[slug]))
    context.update(page=page, title=page.title, description=page.summary)
    return render(request, "storefront/page.html", context)


@require_GET
def switch_language(request):
    """The footer's language switch: a GET form, so pages carrying it need no CSRF token and
    can be cached whole (see page_cache). Choosing a language is a preference, not a change
    anyone could abuse; `next` must point back into this site."""
    language = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("storefront:home")
    response = redirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("storefront:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /dashboard/",
        "Disallow: /graphql/",
        "Disallow: /cart/",
        "Disallow: /search/",
        "Disallow: /language/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
