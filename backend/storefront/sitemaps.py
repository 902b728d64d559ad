"""sitemap.xml for search engines: the brand's pages, categories, published collections and
every product visible in the channel (also those hidden from listings: they have pages)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from backend.catalog.selectors import visible_products
from backend.storefront import selectors
from backend.storefront.pages import page_slugs


class ProductSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        channel = selectors.current_site().channel
        return (
            visible_products(channel=channel, user=None, for_listing=False)
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def location(self, item):
        return reverse("storefront:product", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.all_categories().only("slug", "updated_at")

    def location(self, item):
        return reverse("storefront:category", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class CollectionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.shop_collections(selectors.current_site().channel).only("slug")

    def location(self, item):
        return reverse("storefront:collection", args=[item.slug])


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return [
            "storefront:home",
            "storefront:about",
            "storefront:brand",
            "storefront:campaigns",
            "storefront:live",
        ] + [f"page:{slug}" for slug in page_slugs()]

    def location(self, item):
        if item.startswith("page:"):
            return reverse("storefront:page", args=[item.removeprefix("page:")])
        return reverse(item)


class CampaignSitemap(Sitemap):
    """Published campaigns (an ended one keeps its page, with a message)."""

    changefreq = "daily"
    priority = 0.7

    def items(self):
        from backend.merchandising.selectors import published_campaigns

        channel = selectors.current_site().channel
        return published_campaigns(channel).only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("storefront:campaign", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "collections": CollectionSitemap,
    "campaigns": CampaignSitemap,
    "products": ProductSitemap,
}
