"""Shopper pages. The foundation serves the catalog's front page; the full storefront
(product pages, cart, checkout) grows on it in later issues."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render

from backend.brand.models import PublicBrand
from backend.catalog.models import Category, ProductMedia, ProductVariantChannelListing
from backend.catalog.pricing import product_pricing
from backend.catalog.selectors import visible_products
from backend.catalog.thumbnails import pick_thumbnail
from backend.channel.models import Channel

HOME_PRODUCTS = 24


def _default_channel(brand: PublicBrand | None) -> Channel | None:
    if brand is not None and brand.channel_id:
        return brand.channel
    return Channel.objects.filter(is_active=True).order_by("pk").first()


def home(request):
    brand = PublicBrand.objects.filter(is_active=True).select_related("channel").first()
    channel = _default_channel(brand)
    products = (
        visible_products(channel=channel, user=None)
        .select_related("product_type", "category")
        .prefetch_related(
            Prefetch(
                "media",
                queryset=ProductMedia.objects.prefetch_related("thumbnails"),
            ),
            Prefetch(
                "variants__channel_listings",
                queryset=ProductVariantChannelListing.objects.filter(channel=channel),
            ),
        )
        .order_by("-created_at", "pk")[:HOME_PRODUCTS]
    )
    cards = []
    for product in products:
        listings = [
            listing
            for variant in product.variants.all()
            for listing in variant.channel_listings.all()
        ]
        pricing = product_pricing(listings, product.product_type.tax_rate)
        media = next((m for m in product.media.all() if m.image), None)
        thumbnail = None
        if media is not None:
            chosen = pick_thumbnail(list(media.thumbnails.all()), 256, "WEBP")
            thumbnail = (chosen or media).image.url
        cards.append({"product": product, "pricing": pricing, "thumbnail": thumbnail})
    categories = Category.objects.filter(parent__isnull=True)
    return render(
        request,
        "storefront/home.html",
        {"brand": brand, "channel": channel, "cards": cards, "categories": categories},
    )
