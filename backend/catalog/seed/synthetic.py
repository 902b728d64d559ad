"""Synthetic products for load tests and benchmarks: many rows, quickly, always the same.

Names and SKUs are numbered ("合成商品 00042", SYN-00042-1), spread round-robin over the
seeded leaf categories, vendors and warehouses, so two runs with the same N produce the same
catalog and a second run adds nothing. Rows are written with bulk_create; all products of a
category share one picture and its thumbnails, so 10,000 products add a handful of files.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.catalog.cache import bump_catalog_version
from backend.catalog.models import (
    AssignedProductAttributeValue,
    AttributeInputType,
    AttributeProduct,
    AttributeValue,
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductTypeKind,
    ProductVariant,
    ProductVariantChannelListing,
    Thumbnail,
    ThumbnailFormat,
)
from backend.catalog.seed.illustrations import draw_product_image, encode
from backend.catalog.seed.sync import SeedReport
from backend.catalog.thumbnails import render_thumbnail, thumbnail_sizes
from backend.channel.models import Channel
from backend.inventory.models import Stock, Warehouse
from backend.search.indexing import reindex_products
from backend.vendors.models import Vendor, VendorStatus

SLUG_PREFIX = "synthetic-"
SKU_PREFIX = "SYN-"
_BATCH = 2000


class SyntheticCatalogError(Exception):
    """Synthetic products need the seeded categories, product types and channels first."""


def synthetic_number_width(count: int) -> int:
    return max(5, len(str(count)))


def generate_synthetic_products(*, count: int) -> SeedReport:
    """Add products 1..count that do not exist yet; returns the counts per kind of row."""
    report = SeedReport()
    if count <= 0:
        return report
    with transaction.atomic():
        _Generator(count=count, report=report).run()
    if report.changed:
        bump_catalog_version()
        # Thousands of rows arrived at once: refresh the planner's statistics now rather
        # than waiting for autovacuum, or the first queries plan for empty tables.
        with connection.cursor() as cursor:
            for model in (
                Product,
                ProductVariant,
                ProductChannelListing,
                ProductVariantChannelListing,
                Stock,
            ):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return report


class _Generator:
    def __init__(self, *, count: int, report: SeedReport) -> None:
        self.count = count
        self.report = report
        self.width = synthetic_number_width(count)
        self.now = timezone.now()

    def run(self) -> None:
        self.prepare()
        wanted = {self.slug(n): n for n in range(1, self.count + 1)}
        existing = set(
            Product.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        )
        numbers = [n for slug, n in wanted.items() if slug not in existing]
        self.report.add("synthetic_products", "unchanged", len(wanted) - len(numbers))
        if not numbers:
            self.report.add("synthetic_products", "created", 0)
            return
        products = self.create_products(numbers)
        variants = self.create_variants(products)
        self.create_listings(products, variants)
        self.create_stock(variants)
        self.create_attribute_values(products)
        self.create_media(products)
        self.report.add("search_documents", "updated", reindex_products([p.pk for p in products]))

    def slug(self, number: int) -> str:
        return f"{SLUG_PREFIX}{number:0{self.width}d}"

    def prepare(self) -> None:
        self.channels = list(Channel.objects.filter(is_active=True).order_by("slug"))
        leaves = list(
            Category.objects.filter(children__isnull=True).order_by(
                "parent__sort_order", "sort_order", "slug"
            )
        )
        self.vendors = list(Vendor.objects.filter(status=VendorStatus.ACTIVE).order_by("slug"))
        product_types = {t.pk: t for t in ProductType.objects.all()}
        if not (self.channels and leaves and product_types):
            raise SyntheticCatalogError(
                _("请先加载目录种子数据（需要渠道、分类和商品类型），再生成合成商品。")
            )
        # Each leaf category gets the product type its seeded products use most, so synthetic
        # tickets land among tickets and rice among grain.
        usage: dict[int, Counter] = defaultdict(Counter)
        for category_id, type_id in (
            Product.objects.exclude(slug__startswith=SLUG_PREFIX)
            .filter(category__in=leaves)
            .values_list("category_id", "product_type_id")
        ):
            usage[category_id][type_id] += 1
        fallback = next(
            (t for t in product_types.values() if t.kind != ProductTypeKind.TOURISM_VOUCHER),
            next(iter(product_types.values())),
        )
        self.categories = [
            (
                category,
                product_types[usage[category.pk].most_common(1)[0][0]]
                if usage[category.pk]
                else fallback,
            )
            for category in leaves
        ]
        warehouses = list(Warehouse.objects.order_by("slug"))
        self.public_warehouses = [w for w in warehouses if w.vendor_id is None] or warehouses
        self.vendor_warehouses: dict[int, list[Warehouse]] = defaultdict(list)
        for warehouse in warehouses:
            if warehouse.vendor_id:
                self.vendor_warehouses[warehouse.vendor_id].append(warehouse)

    def create_products(self, numbers: list[int]) -> list[Product]:
        products = []
        for number in numbers:
            category, product_type = self.categories[number % len(self.categories)]
            vendor = self.vendors[number % len(self.vendors)] if self.vendors else None
            name = f"合成商品 {number:0{self.width}d}"
            text = f"{name}：{category.name}类目的合成测试商品，用于性能测试与演示。"
            products.append(
                Product(
                    slug=self.slug(number),
                    name=name,
                    product_type=product_type,
                    category=category,
                    vendor=vendor,
                    description={"blocks": [{"type": "paragraph", "data": {"text": text}}]},
                    description_plaintext=text,
                    weight_grams=product_type.weight_grams,
                    metadata={"synthetic": True},
                    search_index_dirty=True,
                )
            )
        Product.objects.bulk_create(products, batch_size=_BATCH)
        self.report.add("synthetic_products", "created", len(products))
        return products

    def create_variants(self, products: list[Product]) -> list[ProductVariant]:
        variants = []
        for product in products:
            number = int(product.slug.removeprefix(SLUG_PREFIX))
            kinds = 2 if product.product_type.has_variants else 1
            is_voucher = product.product_type.kind == ProductTypeKind.TOURISM_VOUCHER
            for index in range(kinds):
                variant = ProductVariant(
                    product=product,
                    sku=f"{SKU_PREFIX}{number:0{self.width}d}-{index + 1}",
                    name=_variant_name(index, is_voucher),
                    weight_grams=None
                    if is_voucher
                    else (product.weight_grams or 500) * (index + 1),
                    track_inventory=not is_voucher,
                    sort_order=index,
                )
                variant.price = _price(number, index)  # type: ignore[attr-defined]
                variants.append(variant)
        ProductVariant.objects.bulk_create(variants, batch_size=_BATCH)
        self.report.add("synthetic_variants", "created", len(variants))
        return variants

    def create_listings(self, products: list[Product], variants: list[ProductVariant]) -> None:
        lowest: dict[int, Decimal] = {}
        variant_listings = []
        for variant in variants:
            price = variant.price  # type: ignore[attr-defined]
            lowest[variant.product_id] = min(price, lowest.get(variant.product_id, price))
            for channel in self.channels:
                variant_listings.append(
                    ProductVariantChannelListing(
                        variant=variant,
                        channel=channel,
                        currency=channel.currency_code,
                        price_amount=price,
                        cost_price_amount=(price * Decimal("0.7")).quantize(Decimal("0.01")),
                        discounted_price_amount=price,
                    )
                )
        product_listings = [
            ProductChannelListing(
                product=product,
                channel=channel,
                is_published=True,
                published_at=self.now,
                visible_in_listings=True,
                available_for_purchase_at=self.now,
                currency=channel.currency_code,
                discounted_price_amount=lowest[product.pk],
            )
            for product in products
            for channel in self.channels
        ]
        ProductChannelListing.objects.bulk_create(product_listings, batch_size=_BATCH)
        ProductVariantChannelListing.objects.bulk_create(variant_listings, batch_size=_BATCH)
        self.report.add("synthetic_product_channel_listings", "created", len(product_listings))
        self.report.add("synthetic_variant_channel_listings", "created", len(variant_listings))

    def create_stock(self, variants: list[ProductVariant]) -> None:
        stocks = []
        for variant in variants:
            if not variant.track_inventory:
                continue
            number = int(variant.product.slug.removeprefix(SLUG_PREFIX))
            own = self.vendor_warehouses.get(variant.product.vendor_id or 0, [])
            warehouses = own + self.public_warehouses[:1] if own else self.public_warehouses[:1]
            for position, warehouse in enumerate(warehouses):
                stocks.append(
                    Stock(
                        warehouse=warehouse,
                        product_variant=variant,
                        quantity=10 + (number * 7 + position * 13) % 190,
                    )
                )
        Stock.objects.bulk_create(stocks, batch_size=_BATCH)
        self.report.add("synthetic_stocks", "created", len(stocks))

    def create_attribute_values(self, products: list[Product]) -> None:
        """Dropdown product attributes (origin town, certification) picked round-robin."""
        dropdowns: dict[int, list[list[int]]] = defaultdict(list)
        values_by_attribute: dict[int, list[int]] = defaultdict(list)
        for attribute_id, value_id in (
            AttributeValue.objects.filter(attribute__input_type=AttributeInputType.DROPDOWN)
            .order_by("attribute_id", "sort_order", "pk")
            .values_list("attribute_id", "pk")
        ):
            values_by_attribute[attribute_id].append(value_id)
        for type_id, attribute_id in (
            AttributeProduct.objects.filter(attribute__input_type=AttributeInputType.DROPDOWN)
            .order_by("sort_order")
            .values_list("product_type_id", "attribute_id")
        ):
            if values_by_attribute[attribute_id]:
                dropdowns[type_id].append(values_by_attribute[attribute_id])
        rows = []
        for product in products:
            number = int(product.slug.removeprefix(SLUG_PREFIX))
            for index, choices in enumerate(dropdowns.get(product.product_type_id, [])):
                rows.append(
                    AssignedProductAttributeValue(
                        product=product, value_id=choices[number % len(choices)], sort_order=index
                    )
                )
        AssignedProductAttributeValue.objects.bulk_create(rows, batch_size=_BATCH)
        self.report.add("synthetic_product_attribute_values", "created", len(rows))

    def create_media(self, products: list[Product]) -> None:
        """One picture per category, drawn and thumbnailed once, shared by its products."""
        shared: dict[int | None, tuple[str, str, list[tuple]]] = {
            category.pk: self.category_picture(category) for category, _t in self.categories
        }
        media_rows = []
        for product in products:
            name, checksum, _thumbnails = shared[product.category_id]
            media_rows.append(
                ProductMedia(product=product, image=name, alt=product.name, checksum=checksum)
            )
        ProductMedia.objects.bulk_create(media_rows, batch_size=_BATCH)
        thumbnail_rows = [
            Thumbnail(product_media=media, size=size, format=fmt, image=path, width=w, height=h)
            for media in media_rows
            for size, fmt, path, w, h in shared[media.product.category_id][2]
        ]
        Thumbnail.objects.bulk_create(thumbnail_rows, batch_size=5000)
        self.report.add("synthetic_product_media", "created", len(media_rows))
        self.report.add("synthetic_thumbnails", "created", len(thumbnail_rows))

    def category_picture(self, category: Category) -> tuple[str, str, list[tuple]]:
        picture = draw_product_image(name=category.name)
        content = encode(picture, image_format="PNG")
        checksum = hashlib.sha256(content).hexdigest()
        name = f"products/synthetic/{category.slug}-{checksum[:12]}.png"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
        thumbnails = []
        for size in thumbnail_sizes():
            for fmt, save_format in (
                (ThumbnailFormat.ORIGINAL, "PNG"),
                (ThumbnailFormat.WEBP, "WEBP"),
            ):
                rendered = render_thumbnail(picture, size=size, image_format=save_format)
                path = (
                    f"thumbnails/synthetic/{category.slug}-{checksum[:12]}/"
                    f"{size}-{fmt.lower()}.{rendered.extension}"
                )
                if not default_storage.exists(path):
                    default_storage.save(path, ContentFile(rendered.content))
                thumbnails.append((size, fmt.value, path, rendered.width, rendered.height))
        return name, checksum, thumbnails


def _price(number: int, index: int) -> Decimal:
    """A plausible price between ¥5.90 and ¥305.90, larger packs dearer."""
    base = Decimal(5 + (number * 37) % 300) + Decimal("0.90")
    return base * (index + 1) if index else base


def _variant_name(index: int, is_voucher: bool) -> str:
    if is_voucher:
        return ("成人票", "儿童票")[index % 2]
    return ("标准装", "家庭装")[index % 2]
