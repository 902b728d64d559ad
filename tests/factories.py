"""factory_boy factories for the catalog, inventory and accounts (shared by all test folders)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from backend.account.models import Address, User
from backend.catalog import models as catalog
from backend.channel.models import Channel
from backend.checkout import models as checkout_models
from backend.divisions import models as divisions
from backend.inventory.models import Stock, Warehouse
from backend.order import models as order_models
from backend.stations import models as station_models
from backend.vendors.models import Vendor, VendorKind, VendorStatus


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


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = divisions.Town

    code = factory.Sequence(lambda n: f"320723{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"第{n}镇")
    kind = divisions.TownKind.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = divisions.Village

    town = factory.SubFactory(TownFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.town.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"第{n}村")


class AddressFactory(factory.django.DjangoModelFactory):
    """An address outside the county (district level); pass town/village for one inside."""

    class Meta:
        model = Address

    full_name = "王芳"
    phone = "+8613812345678"
    country_area = "江苏省"
    city = "南京市"
    city_area = "玄武区"
    street_address = "中山路 1 号"


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
    status = VendorStatus.ACTIVE


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


def _order_address():
    from backend.account.models import Address

    return Address.objects.create(
        full_name="王小明",
        phone="13800138000",
        country_area="江苏省",
        city="连云港市",
        city_area="灌云县",
        town_name="伊山镇",
        street_address="人民路 1 号",
    )


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as checkout completion leaves it; totals are set by `order_with_lines`."""

    class Meta:
        model = order_models.Order

    channel = factory.SubFactory(ChannelFactory)
    user_email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    user_phone = factory.Sequence(lambda n: f"139{n:08d}")
    shipping_address = factory.LazyFunction(_order_address)
    billing_address = factory.LazyAttribute(lambda o: o.shipping_address)
    delivery_method_id = "county-flat"
    shipping_method_name = "县内配送"
    payment_gateway = "dummy"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = order_models.OrderLine

    order = factory.SubFactory(OrderFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    product_name = factory.LazyAttribute(lambda o: o.variant.product.name if o.variant else "商品")
    variant_name = "500g"
    product_sku = factory.LazyAttribute(lambda o: o.variant.sku if o.variant else "")
    vendor_name = "伊山合作社"
    quantity = 1
    tax_rate = Decimal("0.09")
    unit_price_gross_amount = Decimal("12.80")
    unit_price_net_amount = factory.LazyAttribute(
        lambda o: (o.unit_price_gross_amount / (1 + o.tax_rate)).quantize(Decimal("0.01"))
    )
    total_price_gross_amount = factory.LazyAttribute(
        lambda o: o.unit_price_gross_amount * o.quantity
    )
    total_price_net_amount = factory.LazyAttribute(lambda o: o.unit_price_net_amount * o.quantity)
    undiscounted_unit_price_gross_amount = factory.LazyAttribute(
        lambda o: o.unit_price_gross_amount
    )


def order_with_lines(*, channel, lines, paid=True, allocate_stock=True, **fields):
    """An order of `lines` ((variant, quantity) pairs) in `channel` with its totals set, stock
    allocated from the channel's warehouses and, when `paid`, fully charged."""
    from django.db import transaction

    from backend.inventory.allocation import allocate

    order = OrderFactory(channel=channel, **fields)
    order_lines = [
        OrderLineFactory(order=order, variant=variant, quantity=quantity, sort_order=index)
        for index, (variant, quantity) in enumerate(lines)
    ]
    if allocate_stock:
        with transaction.atomic():
            allocate(order_lines, channel.pk)
    gross = sum((line.total_price_gross_amount for line in order_lines), Decimal(0))
    net = sum((line.total_price_net_amount for line in order_lines), Decimal(0))
    order.subtotal_gross_amount = order.total_gross_amount = gross
    order.subtotal_net_amount = order.total_net_amount = net
    if paid:
        order.total_charged_amount = gross
        order.charge_status = order_models.OrderChargeStatus.FULL
    order.save()
    order.refresh_from_db()
    return order


class CheckoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = checkout_models.Checkout

    channel = factory.SubFactory(ChannelFactory)
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    currency = factory.LazyAttribute(lambda o: o.channel.currency_code)


class CheckoutLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = checkout_models.CheckoutLine

    checkout = factory.SubFactory(CheckoutFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    quantity = 1


class StationFactory(factory.django.DjangoModelFactory):
    """A village station (pass level/town/village for others); serves its own village."""

    class Meta:
        model = station_models.Station
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T-V-{n}")
    name = factory.Sequence(lambda n: f"第{n}村电商服务站")
    level = station_models.StationLevel.VILLAGE
    village = factory.SubFactory(VillageFactory)
    town = factory.LazyAttribute(lambda o: o.village.town if o.village else None)
    latitude = Decimal("34.284000")
    longitude = Decimal("119.255000")
    capabilities = factory.LazyFunction(
        lambda: [
            station_models.StationCapability.PICKUP,
            station_models.StationCapability.HOME_DELIVERY,
        ]
    )
    daily_parcel_capacity = 100

    @factory.post_generation
    def served_villages(self, create, extracted, **kwargs):
        if not create:
            return
        villages = extracted if extracted is not None else ([self.village] if self.village else [])
        self.served_villages.set(villages)
