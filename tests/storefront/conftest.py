"""A small shop for the storefront tests: a brand on its channel, a category tree, origin and
certification attributes, products with pack sizes, prices, stock and images."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from backend.brand.models import PublicBrand
from backend.catalog.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeValue,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
    ProductMedia,
    ProductVariantChannelListing,
)
from backend.catalog.thumbnails import generate_thumbnails
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    ProductFactory,
    VendorFactory,
    WarehouseFactory,
    list_product,
)


@dataclass
class Shop:
    channel: object
    brand: PublicBrand
    warehouse: object
    grain: object
    rice: object
    origin: Attribute
    certification: Attribute
    values: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)

    def add_product(
        self,
        name: str,
        *,
        slug: str,
        category=None,
        prices=(Decimal("12.80"),),
        stock: int = 10,
        origin: str | None = None,
        certifications: tuple[str, ...] = (),
        vendor=None,
    ) -> Product:
        product = ProductFactory(
            name=name,
            slug=slug,
            category=category or self.rice,
            vendor=vendor,
            search_document=name,
        )
        list_product(product, self.channel, prices=prices, stock=stock, warehouse=self.warehouse)
        for index, key in enumerate(([origin] if origin else []) + list(certifications)):
            AssignedProductAttributeValue.objects.create(
                product=product, value=self.values[key], sort_order=index
            )
        self.products[slug] = product
        return product


def image_bytes(colour=(200, 120, 40), size=(600, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_image(product: Product, alt: str = "", sort_order: int = 0) -> ProductMedia:
    media = ProductMedia(product=product, alt=alt, sort_order=sort_order)
    media.image.save(f"{product.slug}-{sort_order}.jpg", ContentFile(image_bytes()), save=True)
    generate_thumbnails(media=media)
    return media


@pytest.fixture
def shop(db) -> Shop:
    channel = ChannelFactory()
    brand = PublicBrand.objects.create(
        county_name="灌云县",
        name="伊山伊水",
        slug="yishan",
        slogan="伊山伊水 · 灌云好物",
        story="灌云县地处黄海之滨。",
        channel=channel,
    )
    warehouse = WarehouseFactory(channels=[channel])
    grain = CategoryFactory(name="粮油米面", slug="grain-oil")
    rice = CategoryFactory(name="大米", slug="rice", parent=grain)
    origin = Attribute.objects.create(name="产地", slug="origin")
    certification = Attribute.objects.create(name="认证", slug="certification")
    shop = Shop(
        channel=channel,
        brand=brand,
        warehouse=warehouse,
        grain=grain,
        rice=rice,
        origin=origin,
        certification=certification,
    )
    for attribute, name, slug in (
        (origin, "东王集镇", "东王集镇"),
        (origin, "燕尾港镇", "燕尾港镇"),
        (certification, "地理标志", "geographical-indication"),
        (certification, "绿色食品", "green-food"),
    ):
        shop.values[slug] = AttributeValue.objects.create(attribute=attribute, name=name, slug=slug)
    return shop


@pytest.fixture
def rice(shop) -> Product:
    """东王集大米 in two pack sizes, the smaller one on sale against its prior price."""
    vendor = VendorFactory(name="东王集稻米合作社", town="东王集镇")
    product = shop.add_product(
        "东王集大米",
        slug="dongwangji-rice",
        prices=(Decimal("12.80"), Decimal("56.80")),
        origin="东王集镇",
        certifications=("geographical-indication", "green-food"),
        vendor=vendor,
    )
    first, second = product.variants.order_by("pk")
    first.name, second.name = "2.5kg 袋装", "5kg 袋装"
    first.save()
    second.save()
    ProductVariantChannelListing.objects.filter(variant=first).update(
        prior_price_amount=Decimal("15.00")
    )
    product.description = {
        "blocks": [
            {"type": "paragraph", "data": {"text": "沂河冲积平原的<b>粳米</b>。"}},
            {"type": "list", "data": {"style": "unordered", "items": ["当季新米", "随订随碾"]}},
        ]
    }
    product.description_plaintext = "沂河冲积平原的粳米。当季新米，随订随碾。"
    product.save()
    return product


@pytest.fixture
def collection(shop, rice) -> Collection:
    collection = Collection.objects.create(name="地理标志好物", slug="geographical-indications")
    CollectionChannelListing.objects.create(
        collection=collection, channel=shop.channel, is_published=True
    )
    CollectionProduct.objects.create(collection=collection, product=rice)
    return collection
