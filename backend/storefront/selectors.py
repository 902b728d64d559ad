"""Read queries of the shopper pages, built on the catalog's visibility rules.

Every product list goes through `backend.catalog.selectors.visible_products` (published in the
brand's channel, visible in listings, priced), and every card is priced by
`backend.discount.pricing` (list price, promotions, special prices), so the storefront never
shows what the API would hide. Cards load their images, thumbnails, variants and channel
prices with a fixed number of prefetch queries, whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.brand.models import PublicBrand
from backend.brand.selectors import LicenceWindow, licence_window_of
from backend.catalog.cache import catalog_version
from backend.catalog.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeValue,
    Category,
    Collection,
    Product,
    ProductMedia,
    ProductTypeKind,
    ProductVariant,
    ProductVariantChannelListing,
    Thumbnail,
)
from backend.catalog.selectors import visible_collections, visible_products
from backend.catalog.thumbnails import pick_thumbnail
from backend.channel.models import Channel
from backend.discount.pricing import (
    ProductPricing,
    VariantPricing,
    product_pricing,
    variant_pricing,
)
from backend.discount.rules import catalogue_rules
from backend.divisions.models import Town
from backend.inventory.allocation import available_quantities
from backend.order.models import OrderLine, OrderStatus
from backend.poverty.selectors import CertificationWindow, certification_window_of

# Attributes shown as badges on cards and product pages: where a product comes from and the
# certifications shoppers look for (geographical indication, green food, SC licence).
ORIGIN_ATTRIBUTE = "origin"
CERTIFICATION_ATTRIBUTE = "certification"
BADGE_ATTRIBUTES = (ORIGIN_ATTRIBUTE, CERTIFICATION_ATTRIBUTE)
# Orders that never became a sale do not make a product a best seller.
NOT_SOLD_STATUSES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)
# A variant with this many units or fewer left is shown as "only a few left".
LOW_STOCK = 5
SITE_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Site:
    """The brand the storefront sells under and the channel its prices come from."""

    brand: PublicBrand | None
    channel: Channel | None


def current_site(version: int | None = None) -> Site:
    """The active public brand and its channel, cached until the catalog changes (brand and
    channel rows bump the catalog version), so a cached page costs no SQL at all. Pass the
    catalog version when the caller has it already (one cache round trip less)."""
    key = f"storefront:site:{catalog_version() if version is None else version}"
    site = cache.get(key)
    if site is None:
        brand = PublicBrand.objects.filter(is_active=True).select_related("channel").first()
        channel = brand.channel if brand is not None and brand.channel_id else None
        if channel is None:
            channel = Channel.objects.filter(is_active=True).order_by("pk").first()
        site = Site(brand=brand, channel=channel)
        cache.set(key, site, SITE_CACHE_SECONDS)
    return site


@dataclass
class Image:
    url: str
    alt: str
    width: int
    height: int
    webp_srcset: str = ""
    srcset: str = ""


@dataclass
class Card:
    product: Product
    pricing: ProductPricing
    image: Image | None
    badges: list[AttributeValue] = field(default_factory=list)
    # The public brand's licence the product carries now (backend/brand/selectors.py).
    brand_licence: LicenceWindow | None = None
    # The poverty-alleviation certification it carries now (backend/poverty/selectors.py).
    poverty_certification: CertificationWindow | None = None

    @property
    def price(self):
        return self.pricing.price_range.start.gross if self.pricing.price_range else None

    @property
    def price_varies(self) -> bool:
        price_range = self.pricing.price_range
        return price_range is not None and price_range.start.gross != price_range.stop.gross


def _srcset(thumbnails: list[Thumbnail], fmt: str) -> str:
    by_width: dict[int, str] = {}
    for thumbnail in sorted(thumbnails, key=lambda t: t.size):
        if thumbnail.format == fmt and thumbnail.image and thumbnail.width:
            by_width.setdefault(thumbnail.width, thumbnail.image.url)
    return ", ".join(f"{url} {width}w" for width, url in sorted(by_width.items()))


def media_image(media: ProductMedia, size: int, alt: str) -> Image | None:
    """The image of `media` at about `size` px, with WebP and original-format srcsets from its
    thumbnails (already prefetched), or the original while thumbnails are being made."""
    thumbnails = list(media.thumbnails.all())
    chosen = pick_thumbnail(thumbnails, size, "ORIGINAL")
    if chosen is not None and chosen.image and chosen.width:
        url, width, height = chosen.image.url, chosen.width, chosen.height
    elif media.image:
        url = media.image.url
        width = height = size
    else:
        return None
    return Image(
        url=url,
        alt=media.alt or alt,
        width=width,
        height=height,
        webp_srcset=_srcset(thumbnails, "WEBP"),
        srcset=_srcset(thumbnails, "ORIGINAL"),
    )


def _badge_values() -> Prefetch:
    return Prefetch(
        "attributevalues",
        queryset=AssignedProductAttributeValue.objects.filter(
            value__attribute__slug__in=BADGE_ATTRIBUTES
        ).select_related("value__attribute"),
        to_attr="badge_assignments",
    )


def with_card_data(products: QuerySet[Product], channel: Channel) -> QuerySet[Product]:
    """Everything a product card shows, in a fixed number of queries."""
    return products.select_related("product_type", "vendor").prefetch_related(
        Prefetch(
            "media",
            queryset=ProductMedia.objects.filter(type="IMAGE").prefetch_related("thumbnails"),
        ),
        Prefetch(
            "variants__channel_listings",
            queryset=ProductVariantChannelListing.objects.filter(channel=channel),
        ),
        _badge_values(),
    )


def cards(products, size: int = 256) -> list[Card]:
    result = []
    # Licence windows come from the cache (no SQL per card); one instant for the whole page.
    licensed_at = timezone.now()
    # One promotion snapshot per channel for the whole page (no SQL per card).
    snapshots: dict = {}
    for product in products:
        listings = [
            listing
            for variant in product.variants.all()
            for listing in variant.channel_listings.all()
        ]
        rules = None
        if listings:
            channel_id = listings[0].channel_id
            if channel_id not in snapshots:
                snapshots[channel_id] = catalogue_rules(channel_id)
            rules = snapshots[channel_id]
        media = next((m for m in product.media.all() if m.image), None)
        result.append(
            Card(
                product=product,
                pricing=product_pricing(listings, product.product_type.tax_rate, rules=rules),
                image=media_image(media, size, product.name) if media else None,
                badges=[a.value for a in getattr(product, "badge_assignments", [])],
                brand_licence=licence_window_of(product.pk, licensed_at),
                poverty_certification=certification_window_of(product.pk, licensed_at),
            )
        )
    return result


def listed_products(channel: Channel | None) -> QuerySet[Product]:
    return visible_products(channel=channel, user=None)


def new_products(channel: Channel, limit: int) -> list[Card]:
    products = with_card_data(listed_products(channel), channel).order_by("-created_at", "-pk")
    return cards(products[:limit])


def best_selling_products(channel: Channel, limit: int) -> list[Card]:
    """Products by the number of order lines that sold them in the channel; the newest
    products while the channel has no orders yet."""
    sold = (
        OrderLine.objects.filter(variant__product_id=OuterRef("pk"), order__channel=channel)
        .exclude(order__status__in=NOT_SOLD_STATUSES)
        .values("variant__product_id")
        .annotate(lines=Count("pk"))
        .values("lines")
    )
    products = (
        with_card_data(listed_products(channel), channel)
        .annotate(order_lines=Coalesce(Subquery(sold), 0))
        .filter(order_lines__gt=0)
        .order_by("-order_lines", "-created_at", "-pk")
    )
    best = cards(products[:limit])
    return best or new_products(channel, limit)


def top_categories() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True)


def all_categories() -> QuerySet[Category]:
    return Category.objects.order_by("level", "sort_order", "name", "pk")


def shop_collections(channel: Channel | None) -> QuerySet[Collection]:
    return visible_collections(channel=channel, user=None).order_by("sort_order", "slug")


def collection_products(collection: Collection, channel: Channel, limit: int) -> list[Card]:
    products = with_card_data(
        listed_products(channel).filter(collectionproduct__collection=collection), channel
    ).order_by("collectionproduct__sort_order", "pk")
    return cards(products[:limit])


def tourism_category(channel: Channel | None) -> Category | None:
    """The top-level category holding the tourism vouchers on sale (文旅票券 in the seed)."""
    product = (
        listed_products(channel)
        .filter(product_type__kind=ProductTypeKind.TOURISM_VOUCHER, category__isnull=False)
        .select_related("category__parent")
        .order_by("created_at", "pk")
        .first()
    )
    if product is None or product.category is None:
        return None
    category = product.category
    while category.parent_id is not None and category.parent is not None:
        category = category.parent
    return category


def weak_village_origins() -> list[AttributeValue]:
    """Origin values of the towns that have economically weak villages (经济薄弱村 in the
    county's divisions): the entry to their products until the poverty-alleviation zone with
    certified products and beneficiaries has its own pages."""
    towns = Town.objects.filter(villages__is_economically_weak=True).values("name")
    return list(
        AttributeValue.objects.filter(attribute__slug=ORIGIN_ATTRIBUTE, name__in=towns).order_by(
            "sort_order", "pk"
        )
    )


# Product page -------------------------------------------------------------------------------


@dataclass
class VariantChoice:
    variant: ProductVariant
    pricing: VariantPricing
    available: int | None  # None: stock not tracked

    @property
    def in_stock(self) -> bool:
        return self.available is None or self.available > 0

    @property
    def low_stock(self) -> bool:
        return self.available is not None and 0 < self.available <= LOW_STOCK

    @property
    def original_price(self):
        """The struck-through price: the undiscounted price when on sale, else the prior
        price when it was higher."""
        if self.pricing.on_sale:
            return self.pricing.price_undiscounted.gross
        prior = self.pricing.prior_price
        if prior is not None and prior.gross.amount > self.pricing.price.gross.amount:
            return prior.gross
        return None


@dataclass
class ProductPage:
    product: Product
    images: list[Image]
    variants: list[VariantChoice]
    origins: list[AttributeValue]
    certifications: list[AttributeValue]
    details: list[tuple[Attribute, list[AttributeValue]]]

    @property
    def in_stock(self) -> bool:
        return any(choice.in_stock for choice in self.variants)

    @property
    def default_variant(self) -> VariantChoice | None:
        return next((c for c in self.variants if c.in_stock), None) or next(
            iter(self.variants), None
        )

    @property
    def lowest_price(self) -> Decimal | None:
        prices = [c.pricing.price.gross.amount for c in self.variants]
        return min(prices) if prices else None


def product_page(channel: Channel | None, slug: str) -> ProductPage | None:
    product = (
        visible_products(channel=channel, user=None, for_listing=False)
        .filter(slug=slug)
        .select_related("product_type", "category__parent", "vendor")
        .prefetch_related(
            Prefetch(
                "media",
                queryset=ProductMedia.objects.filter(type="IMAGE").prefetch_related("thumbnails"),
            ),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.prefetch_related(
                    Prefetch(
                        "channel_listings",
                        queryset=ProductVariantChannelListing.objects.filter(channel=channel),
                    )
                ),
            ),
            Prefetch(
                "attributevalues",
                queryset=AssignedProductAttributeValue.objects.filter(
                    value__attribute__visible_in_storefront=True
                ).select_related("value__attribute"),
            ),
        )
        .first()
    )
    if product is None or channel is None:
        return None
    tax_rate = product.product_type.tax_rate
    rules = catalogue_rules(channel.pk)
    priced = []
    for variant in product.variants.all():
        listing = next(iter(variant.channel_listings.all()), None)
        pricing = variant_pricing(listing, tax_rate, rules=rules)
        if pricing is not None:
            priced.append((variant, pricing))
    tracked = [variant.pk for variant, _pricing in priced if variant.track_inventory]
    stock = available_quantities(channel.pk, tracked) if tracked else {}
    variants = [
        VariantChoice(
            variant=variant,
            pricing=pricing,
            available=stock.get(variant.pk, 0) if variant.track_inventory else None,
        )
        for variant, pricing in priced
    ]
    grouped: dict[int, tuple[Attribute, list[AttributeValue]]] = {}
    for assignment in product.attributevalues.all():
        attribute = assignment.value.attribute
        grouped.setdefault(attribute.pk, (attribute, []))[1].append(assignment.value)
    details = sorted(
        (g for g in grouped.values() if g[0].slug not in BADGE_ATTRIBUTES),
        key=lambda g: (g[0].storefront_search_position, g[0].slug),
    )
    by_slug = {attribute.slug: values for attribute, values in grouped.values()}
    images = [
        image
        for image in (media_image(m, 512, product.name) for m in product.media.all() if m.image)
        if image is not None
    ]
    return ProductPage(
        product=product,
        images=images,
        variants=variants,
        origins=by_slug.get(ORIGIN_ATTRIBUTE, []),
        certifications=by_slug.get(CERTIFICATION_ATTRIBUTE, []),
        details=details,
    )
