"""factory_boy factories for the catalog, inventory and accounts (shared by all test folders)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from backend.account.models import User
from backend.catalog import models as catalog
from backend.channel.models import Channel
from backend.inventory.models import Stock, Warehouse
from backend.vendors.models import Vendor, VendorKind


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ("slug",)

    name = "灌云县馆"
    slug = "guanyun"
    currency_code = "CNY"
    default_country = "CN"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.django.Password("secret-password-1")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Category

    name = factory.Sequence(lambda n: f"分类{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.ProductType

    name = factory.Sequence(lambda n: f"类型{n}")
    slug = factory.Sequence(lambda n: f"type-{n}")
    tax_rate = Decimal("0.09")


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Attribute

    name = factory.Sequence(lambda n: f"属性{n}")
    slug = factory.Sequence(lambda n: f"attribute-{n}")


class AttributeValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.AttributeValue

    attribute = factory.SubFactory(AttributeFactory)
    name = factory.Sequence(lambda n: f"值{n}")
    slug = factory.Sequence(lambda n: f"value-{n}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"合作社{n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    kind = VendorKind.COOPERATIVE


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.Product

    product_type = factory.SubFactory(ProductTypeFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"商品{n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    search_document = factory.LazyAttribute(lambda o: o.name)


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalog.ProductVariant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "500g"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"仓库{n}")
    slug = factory.Sequence(lambda n: f"warehouse-{n}")

    @factory.post_generation
    def channels(self, create, extracted, **kwargs):
        if create and extracted:
            self.channels.add(*extracted)


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    warehouse = factory.SubFactory(WarehouseFactory)
    product_variant = factory.SubFactory(ProductVariantFactory)
    quantity = 10


def list_product(product, channel, *, prices=(Decimal("12.80"),), stock=10, warehouse=None):
    """Publish `product` in `channel` with one variant per price and stock in `warehouse`."""
    now = timezone.now()
    catalog.ProductChannelListing.objects.update_or_create(
        product=product,
        channel=channel,
        defaults={
            "is_published": True,
            "published_at": now - timezone.timedelta(days=1),
            "visible_in_listings": True,
            "available_for_purchase_at": now - timezone.timedelta(days=1),
            "discounted_price_amount": min(prices),
        },
    )
    variants = []
    for price in prices:
        variant = ProductVariantFactory(product=product)
        catalog.ProductVariantChannelListing.objects.create(
            variant=variant, channel=channel, price_amount=price, discounted_price_amount=price
        )
        if warehouse is not None:
            Stock.objects.create(warehouse=warehouse, product_variant=variant, quantity=stock)
        variants.append(variant)
    return variants
