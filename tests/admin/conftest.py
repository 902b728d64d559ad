"""A small catalog with one row of every model the dashboard manages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils.translation import trans_real

from backend.account.models import User
from backend.catalog.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
    Category,
    Collection,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.channel.models import Channel
from backend.inventory.models import Stock, Warehouse
from backend.listings.models import (
    CertificateKind,
    Listing,
    ListingImportJob,
    ListingState,
    ProductCertificate,
)
from backend.settlement.models import VendorStatement
from backend.vendors.models import Vendor, VendorKind, VendorStatus

_serial = count(1)


@dataclass
class Catalog:
    channel: Channel
    vendor: Vendor
    category: Category
    product_type: ProductType
    attribute: Attribute
    warehouse: Warehouse
    collection: Collection
    group: Group

    def add_product(self, *, price: str = "39.90", quantity: int = 50) -> Product:
        """A published product with one variant, a channel price and stock."""
        n = next(_serial)
        product = Product.objects.create(
            product_type=self.product_type,
            category=self.category,
            vendor=self.vendor,
            name=f"东王集大米 {n}",
            slug=f"dongwangji-rice-{n}",
        )
        ProductChannelListing.objects.create(
            product=product, channel=self.channel, is_published=True
        )
        variant = ProductVariant.objects.create(product=product, name="5kg", sku=f"GY-RICE-{n}")
        ProductVariantChannelListing.objects.create(
            variant=variant, channel=self.channel, price_amount=Decimal(price)
        )
        Stock.objects.create(warehouse=self.warehouse, product_variant=variant, quantity=quantity)
        value = self.attribute.values.first()
        AssignedProductAttributeValue.objects.create(product=product, value=value)
        CollectionProduct.objects.create(collection=self.collection, product=product)
        return product


@pytest.fixture
def catalog(db) -> Catalog:
    channel = Channel.objects.create(name="灌云县域商城", slug="guanyun")
    vendor = Vendor.objects.create(
        name="东王集稻米合作社",
        slug="dongwangji-coop",
        kind=VendorKind.COOPERATIVE,
        status=VendorStatus.ACTIVE,
        town="东王集镇",
    )
    root = Category.objects.create(name="农产品", slug="farm")
    category = Category.objects.create(name="大米", slug="rice", parent=root)
    product_type = ProductType.objects.create(name="粮油", slug="grain-oil")
    attribute = Attribute.objects.create(name="产地", slug="origin")
    AttributeValue.objects.create(attribute=attribute, name="东王集镇", slug="dongwangji")
    pack = Attribute.objects.create(name="包装规格", slug="pack")
    AttributeProduct.objects.create(attribute=attribute, product_type=product_type)
    AttributeVariant.objects.create(attribute=pack, product_type=product_type)
    warehouse = Warehouse.objects.create(name="县级物流配送分拨中心", slug="county-dc")
    warehouse.channels.add(channel)
    collection = Collection.objects.create(name="扶贫网销专区", slug="poverty-zone")
    group = Group.objects.create(name="品牌管理员")
    group.permissions.add(Permission.objects.get(codename="manage_products"))
    built = Catalog(
        channel=channel,
        vendor=vendor,
        category=category,
        product_type=product_type,
        attribute=attribute,
        warehouse=warehouse,
        collection=collection,
        group=group,
    )
    product = built.add_product()
    # Listing review's admin pages need a listing and a certificate to open.
    Listing.objects.create(product=product, state=ListingState.APPROVED)
    ProductCertificate.objects.create(
        product=product,
        vendor=vendor,
        kind=CertificateKind.INSPECTION_REPORT,
        number="JC-2026-001",
        issued_on=date(2026, 3, 1),
        expires_on=date(2027, 3, 1),
    )
    _add_order(channel)
    _add_station(warehouse)
    ListingImportJob.objects.create(vendor=vendor, original_name="商品.xlsx", total_rows=120)
    # Settlement's admin pages need a statement to open.
    VendorStatement.objects.create(
        vendor=vendor, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31)
    )
    _add_brand_licence(channel, product, vendor)
    _add_discounts(channel, product)
    _add_merchandising(channel, product)
    _add_tourism(product, vendor)
    _add_poverty(product, vendor)
    _add_training(vendor)
    _add_reconciliation()
    # Search's admin pages need a synonym group and a vocabulary word to open.
    from backend.search.models import SearchTerm, Synonym

    Synonym.objects.create(terms="藕, 莲藕")
    SearchTerm.objects.create(term="大米", pinyin="dami", initials="dm", frequency=1)
    return built


def _add_poverty(product, vendor) -> None:
    """A weak village with its story, a registered household, a certified product and an
    account flagged as related to the vendor, for the poverty pages (backend/poverty/admin.py)."""
    from django.utils import timezone

    from backend.poverty.models import Certification, Household, RelatedAccount, VillageStory
    from tests.factories import UserFactory, VillageFactory

    village = VillageFactory(is_economically_weak=True, name="薄弱村")
    VillageStory.objects.create(village=village, title="荷塘里的新生计", story="村集体的藕塘。")
    Household.objects.create(
        reference_number="DEMO-0001", village=village, head_name="示例户主", is_fictional=True
    )
    now = timezone.now()
    Certification.objects.create(
        product=product,
        vendor=vendor,
        status="approved",
        mechanism="sales_share",
        share_percent=Decimal("5.00"),
        share_recipient="village",
        village=village,
        valid_from=now,
        valid_until=now + timezone.timedelta(days=365),
    )
    RelatedAccount.objects.create(user=UserFactory(), vendor=vendor, reason="商家员工的家属")


def _add_training(vendor) -> None:
    """A course, a session with one attendee and a reported job (backend/training/admin.py)."""
    from django.utils import timezone

    from backend.training.models import Attendance, Attendee, Job, TrainingCourse, TrainingSession

    course = TrainingCourse.objects.create(title="直播带货入门", topic="直播电商")
    starts_at = timezone.now()
    session = TrainingSession.objects.create(
        course=course,
        trainer="徐老师",
        starts_at=starts_at,
        ends_at=starts_at + timezone.timedelta(hours=2),
    )
    attendee = Attendee.objects.create(name="示例学员", name_masked="示****")
    Attendance.objects.create(
        session=session, attendee=attendee, source="staff", session_starts_at=starts_at
    )
    Job.objects.create(vendor=vendor, position="客服", start_date=starts_at.date())


def _add_reconciliation() -> None:
    """A day's reconciliation report with one planted difference (backend/payment/admin.py)."""
    from backend.payment.models import ReconciliationReport

    ReconciliationReport.objects.create(
        gateway="alipay",
        day=date(2026, 12, 1),
        statement_rows=2,
        matched=1,
        statement_total=Decimal("59.80"),
        our_total=Decimal("29.90"),
        mismatches=[{"kind": "missing_here", "trade_no": "2026120122001", "amount": "29.90"}],
    )


def _add_tourism(product, vendor) -> None:
    """A venue with its rules, capacity, a ticket type and an issued voucher with a redemption
    and a ledger entry, for the tourism pages (backend/tourism/admin.py)."""
    from django.utils import timezone

    from backend.order.models import OrderLine
    from backend.tourism import codes
    from backend.tourism.models import (
        Capacity,
        TicketType,
        TourismProduct,
        TourismRedemption,
        TourismVoucher,
        Venue,
        VenueLedgerEntry,
    )

    venue = Venue.objects.create(
        name="大伊山景区", slug="dayishan", kind="scenic_area", vendor=vendor
    )
    rules = TourismProduct.objects.create(product=product, venue=venue, default_capacity=100)
    Capacity.objects.create(tourism_product=rules, date=date(2026, 5, 1), capacity=100)
    TicketType.objects.create(variant=product.variants.first(), kind="adult")
    line = OrderLine.objects.order_by("pk").first()
    now = timezone.now()
    voucher = TourismVoucher.objects.create(
        code=codes.generate(),
        order=line.order,
        order_line=line,
        unit=1,
        venue=venue,
        tourism_product=rules,
        product_name="大伊山景区门票",
        valid_from=now,
        valid_until=now + timezone.timedelta(days=1),
        price_amount=Decimal("39.90"),
    )
    TourismRedemption.objects.create(voucher=voucher, venue=venue)
    VenueLedgerEntry.objects.create(
        venue=venue,
        voucher=voucher,
        kind="sale",
        amount=Decimal("39.90"),
        commission=Decimal("0"),
        net=Decimal("39.90"),
    )


def _add_discounts(channel: Channel, product) -> None:
    """A promotion with a rule, a voucher with a code and a flash sale, for the discount pages
    (backend/discount/admin.py); the flash sale comes before merchandising's live prices."""
    from django.utils import timezone

    from backend.discount.models import Promotion, SpecialPrice, Voucher

    now = timezone.now()
    promotion = Promotion.objects.create(name="丰收节地标好物9折", start_date=now)
    rule = promotion.rules.create(name="九折", reward_value=Decimal("10"))
    rule.channels.add(channel)
    rule.products.add(product)
    voucher = Voucher.objects.create(name="伊山伊水十元券", discount_value=Decimal("10"))
    voucher.channels.add(channel)
    voucher.codes.create(code="YISHAN10")
    SpecialPrice.objects.create(
        name="大米秒杀",
        channel=channel,
        variant=product.variants.first(),
        price_amount=Decimal("19.90"),
        starts_at=now,
        ends_at=now + timezone.timedelta(days=1),
        quantity_limit=10,
        per_customer_limit=2,
    )


def _add_merchandising(channel: Channel, product) -> None:
    """A home section, a campaign, a livestream event with a live price and a rule collection
    for the merchandising pages (backend/merchandising/admin.py)."""
    from django.utils import timezone

    from backend.merchandising import services

    now = timezone.now()
    services.save_home_section(
        section=None,
        data={"channel": channel, "kind": "banner", "title": "年货节横幅", "is_published": True},
    )
    services.save_campaign(
        campaign=None,
        data={
            "name": "年货节",
            "channel": channel,
            "starts_at": now,
            "ends_at": now + timezone.timedelta(days=60),
        },
    )
    services.save_livestream_event(
        event=None,
        data={
            "title": "新米直播",
            "host_name": "小王",
            "stream_url": "https://live.douyin.com/1",
            "channel": channel,
            "starts_at": now + timezone.timedelta(days=1),
            "ends_at": now + timezone.timedelta(days=1, hours=2),
            "products": [product],
            "prices": [(product.variants.first(), Decimal("9.90"))],
        },
    )
    Collection.objects.create(
        name="地理标志产品",
        slug="gi-rule",
        kind="rule",
        rule={"conditions": [{"kind": "geographical_indication"}]},
    )


def _add_brand_licence(channel: Channel, product, vendor: Vendor) -> None:
    """The brand pages need the brand and one licence to open (backend/brand/admin.py)."""
    from backend.brand.models import BrandLicence, LicenceStatus, PublicBrand

    PublicBrand.objects.create(
        county_name="灌云县", name="伊山伊水", slug="guanyun", channel=channel
    )
    BrandLicence.objects.create(
        number="YSYS-2026-0001", product=product, vendor=vendor, status=LicenceStatus.REQUESTED
    )


def _add_station(warehouse: Warehouse) -> None:
    """The county centre, for the station network's pages."""
    from backend.stations.models import Station, StationLevel

    Station.objects.create(
        code="GY-C",
        name="县级物流配送分拨中心",
        level=StationLevel.COUNTY,
        latitude=Decimal("34.284000"),
        longitude=Decimal("119.255000"),
        warehouse=warehouse,
    )


def _add_order(channel: Channel) -> None:
    """A paid order of one line with a note, for the read-only order pages."""
    from backend.order.models import Order, OrderEvent, OrderEvents, OrderLine

    order = Order.objects.create(
        channel=channel,
        user_email="buyer@example.com",
        user_phone="+8613900002222",
        total_gross_amount=Decimal("39.90"),
        total_net_amount=Decimal("36.61"),
        total_charged_amount=Decimal("39.90"),
        charge_status="full",
    )
    OrderLine.objects.create(
        order=order,
        product_name="东王集大米",
        variant_name="5kg",
        quantity=1,
        unit_price_net_amount=Decimal("36.61"),
        unit_price_gross_amount=Decimal("39.90"),
        total_price_net_amount=Decimal("36.61"),
        total_price_gross_amount=Decimal("39.90"),
        undiscounted_unit_price_gross_amount=Decimal("39.90"),
    )
    OrderEvent.objects.create(
        order=order, type=OrderEvents.NOTE_ADDED, parameters={"message": "大米"}
    )


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("admin@example.com", "correct-horse-battery-9")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def english_messages():
    """The English catalog compiled, as `make messages` does before `make test`.

    Compiled `.mo` files are build output, not committed; compiling here keeps a bare
    `pytest` run honest. Django keeps loaded catalogs per process, so they are dropped.
    """
    call_command(
        "compilemessages",
        locale=["en"],
        ignore_patterns=[".venv", ".data", "node_modules"],
        verbosity=0,
    )
    trans_real._translations = {}
    trans_real._default = None
