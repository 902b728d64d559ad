"""One world for the scoping matrix: two active vendors A (ALFA) and B (BETA), each with an
owner and a staff member, a warehouse with stock, products whose listings are a draft (with a
photo), submitted, and approved with a pending revision (and a certificate), a draft and an
issued statement; one paid order holding lines of both vendors in two parcels, one from each
vendor's warehouse, and an order of each vendor alone; an import error report and a pending
invitation of each. Plus a customer (the orders' shopper), a shopper who works for no vendor
and has no orders, and a county reviewer (is_staff, MANAGE_VENDORS).

Every name, SKU and slug of a vendor's objects carries its marker (ALFA / BETA), so a page or a
response that shows any of B's objects to A is caught by looking for "BETA" in it.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from backend.catalog.models import Attribute, ProductType, ProductTypeKind
from backend.core.permissions import Permission
from backend.listings import services as listing_services
from backend.listings.imports import import_listings
from backend.listings.models import CertificateKind
from backend.routing import pickup_codes
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentLine,
)
from backend.settlement import services as settlement_services
from backend.stations.models import StationLevel
from backend.vendors import services as vendor_services
from backend.vendors.models import VendorRole, VendorStaff
from backend.vendors.scoping import forget_membership
from tests.factories import (
    CategoryFactory,
    ChannelFactory,
    TownFactory,
    UserFactory,
    VendorFactory,
    VillageFactory,
    WarehouseFactory,
    order_with_lines,
)
from tests.graphql.conftest import staff_with
from tests.listings.conftest import certificate
from tests.listings_import.conftest import HEADER, csv_file
from tests.stationdesk.conftest import make_station
from tests.vendors.conftest import credit_code

_phones = itertools.count(13700000001)


def mobile() -> str:
    return f"+86{next(_phones)}"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 140, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class Side:
    """One vendor's objects. `marker` is in every name and SKU of them."""

    marker: str
    vendor: object
    owner: object
    staff: object
    warehouse: object
    draft: object  # product with a draft listing and a photo
    submitted: object  # product in review
    approved: object  # approved product with a pending revision
    certificate: object
    media: object  # the draft's photo (ProductMedia)
    stock: object  # a Stock row in the vendor's warehouse
    statement: object  # draft statement (last month)
    issued: object  # issued statement (the month before)
    parcel: object = None  # its parcel of the mixed order
    invitation: object = None
    invitation_token: str = ""
    invitee: object = None  # a user whose phone the invitation was sent to
    report_token: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    shop: object
    a: Side
    b: Side
    shopper: object
    reviewer: object
    order: object
    product_type: object
    media_root: str = ""


def _side(shop, marker: str, reviewer, product_type) -> Side:
    vendor = VendorFactory(
        name=f"{marker}合作社",
        slug=f"coop-{marker.lower()}",
        legal_name=f"灌云县{marker}种植专业合作社",
        credit_code=credit_code("93320723"),
        legal_representative="张建国",
        contact_phone="13812345678",
        town="东王集镇",
        village="稻香村",
    )
    owner = UserFactory(phone=mobile(), first_name=f"{marker}负责人")
    staff = UserFactory(phone=mobile(), first_name=f"{marker}员工")
    VendorStaff.objects.create(vendor=vendor, user=owner, role=VendorRole.OWNER)
    VendorStaff.objects.create(vendor=vendor, user=staff, role=VendorRole.STAFF)
    warehouse = WarehouseFactory(
        name=f"{marker}仓", slug=f"wh-{marker.lower()}", vendor=vendor, channels=[shop.channel]
    )

    def product(label: str):
        return listing_services.create_vendor_product(
            actor=owner,
            name=f"{marker}{label}",
            category=shop.rice,
            product_type=product_type,
            description="当季新货。",
            variants=[
                {
                    "sku": f"SKU-{marker}-{label}",
                    "name": "500g 袋装",
                    "price": Decimal("12.80"),
                    "stock": [{"warehouse": warehouse.pk, "quantity": 30}],
                }
            ],
            certifications=[],
        )

    draft = product("draft")
    media = listing_services.add_product_photo(actor=owner, product=draft, image_file=png_bytes())
    submitted = product("submitted")
    listing_services.submit_for_review(actor=owner, product=submitted)
    approved = product("approved")
    cert = certificate(approved, CertificateKind.INSPECTION_REPORT, number=f"CERT-{marker}")
    listing_services.submit_for_review(actor=owner, product=approved)
    listing_services.approve_listing(actor=reviewer, product=approved)
    listing_services.update_vendor_product(
        actor=owner, product=approved, name=f"{marker}approved 新名字"
    )
    approved.refresh_from_db()
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    before_end = last_month_end.replace(day=1) - dt.timedelta(days=1)
    issued = settlement_services.draft_statement(
        vendor=vendor,
        period_start=before_end.replace(day=1),
        period_end=before_end,
        actor=reviewer,
    )
    issued = settlement_services.issue_statement(statement=issued, actor=reviewer)
    statement = settlement_services.draft_statement(
        vendor=vendor,
        period_start=last_month_end.replace(day=1),
        period_end=last_month_end,
        actor=reviewer,
    )
    invitee = UserFactory(phone=mobile(), first_name=f"{marker}受邀人")
    invitation, token = vendor_services.invite_staff(
        vendor=vendor, actor=owner, phone=str(invitee.phone), role=VendorRole.STAFF
    )
    return Side(
        marker=marker,
        vendor=vendor,
        owner=owner,
        staff=staff,
        warehouse=warehouse,
        draft=draft,
        submitted=submitted,
        approved=approved,
        certificate=cert,
        media=media,
        stock=draft.variants.get().stocks.get(),
        statement=statement,
        issued=issued,
        invitation=invitation,
        invitation_token=token,
        invitee=invitee,
    )


def _mixed_order(world_shop, shopper, a: Side, b: Side):
    """A paid order with a line of each vendor; one parcel from each vendor's warehouse."""
    town = TownFactory(code="320723100", name="甲镇")
    county = make_station("C", StationLevel.COUNTY)
    town_station = make_station("TA", StationLevel.TOWN, town=town, parent=county)
    village = make_station(
        "VA1",
        StationLevel.VILLAGE,
        town=town,
        village=VillageFactory(town=town, name="甲一村"),
        parent=town_station,
    )
    order = order_with_lines(
        channel=world_shop.channel,
        lines=[(a.approved.variants.get(), 2), (b.approved.variants.get(), 1)],
        allocate_stock=False,
        user=shopper,
        user_phone="13900001111",
    )
    now = timezone.now()
    for side in (a, b):
        lines = list(order.lines.filter(variant__product__vendor=side.vendor))
        for line in lines:
            line.vendor = side.vendor
            line.vendor_name = side.vendor.name
            line.save(update_fields=["vendor", "vendor_name"])
        shipment = Shipment.objects.create(
            order=order,
            sequence=1 if side is a else 2,
            code=pickup_codes.new_parcel_code(),
            delivery_kind=DeliveryKind.PICKUP,
            source_warehouse=side.warehouse,
            destination_station=village,
            pickup_code_salt=pickup_codes.new_salt(),
        )
        for line in lines:
            ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity)
        for index, (origin, to, kind) in enumerate(
            [(town_station, county, LegKind.TO_COUNTY), (county, village, LegKind.TO_TOWN)],
            start=1,
        ):
            ShipmentLeg.objects.create(
                shipment=shipment,
                sequence=index,
                kind=kind,
                from_station=origin,
                to_station=to,
                status=LegStatus.PENDING,
                planned_at=now + dt.timedelta(hours=index),
                planned_arrival_at=now + dt.timedelta(hours=index, minutes=45),
            )
        side.parcel = shipment
    return order


@dataclass
class Shop:
    channel: object
    rice: object


def _build_world() -> World:
    shop = Shop(channel=ChannelFactory(), rice=CategoryFactory(name="大米", slug="rice"))
    Attribute.objects.create(name="认证", slug="certification")
    town = TownFactory(code="320723109", name="东王集镇")
    VillageFactory(town=town, code="320723109203", name="稻香村")
    reviewer = staff_with(Permission.MANAGE_VENDORS, group_name="服务中心审核员")
    product_type = ProductType.objects.create(
        name="粮食特产", slug="grain-specialty", kind=ProductTypeKind.SPECIALTY
    )
    a = _side(shop, "ALFA", reviewer, product_type)
    b = _side(shop, "BETA", reviewer, product_type)
    shopper = UserFactory(phone=mobile(), first_name="路人")
    customer = UserFactory(phone=mobile(), first_name="买家")
    order = _mixed_order(shop, customer, a, b)
    for side in (a, b):  # an order holding only this vendor's line
        only = order_with_lines(
            channel=shop.channel,
            lines=[(side.submitted.variants.get(), 1)],
            allocate_stock=False,
            user=customer,
        )
        only.lines.update(vendor=side.vendor, vendor_name=side.vendor.name)
        side.extra["order"] = only
    for side in (a, b):
        bad_row = [f"{side.marker}坏行"] + [""] * (len(HEADER) - 1)
        result = import_listings(user=side.owner, upload=csv_file([bad_row]))
        assert result.report_token, "the bad file leaves an error report"
        side.report_token = result.report_token
    return World(
        shop=shop,  # type: ignore[arg-type]
        a=a,
        b=b,
        shopper=shopper,
        reviewer=reviewer,
        order=order,
        product_type=product_type,
    )


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once per module inside a transaction that is rolled back at the end;
    each test runs in a savepoint inside it (pytest-django's own per-test atomic), so what a
    test changes is undone before the next one."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("scoping-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = _build_world()
            world.media_root = str(media)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(_world, db, settings) -> World:
    settings.MEDIA_ROOT = _world.media_root  # where the world's photos and reports are
    for user in (_world.a.owner, _world.a.staff, _world.b.owner, _world.b.staff):
        forget_membership(user)
    return _world
