"""Fixtures of the listing review tests: the storefront's small shop (channel, brand,
certification attribute), two vendors with owners and staff, a reviewer, product types of the
seed's kinds, and helpers to make products, certificates and API calls."""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from graphql_relay import to_global_id
from PIL import Image

from backend.account.jwt import create_access_token
from backend.catalog.models import AttributeValue, ProductType, ProductTypeKind
from backend.core.permissions import Permission
from backend.listings import services
from backend.listings.models import CHECKLIST_ITEMS, CertificateKind, ProductCertificate
from backend.vendors.models import VendorRole, VendorStaff
from tests.conftest import GraphQLClient
from tests.factories import UserFactory, VendorFactory, WarehouseFactory
from tests.graphql.conftest import staff_with
from tests.storefront.conftest import shop  # noqa: F401  (a fixture used here)

_phones = iter(range(13900000000, 13999999999))


def vendor_user(vendor, role=VendorRole.OWNER):
    user = UserFactory(phone=f"+86{next(_phones)}")
    VendorStaff.objects.create(vendor=vendor, user=user, role=role)
    return user


@dataclass
class Market:
    shop: object
    vendor: object
    other_vendor: object
    owner: object
    staff: object
    other_owner: object
    reviewer: object
    warehouse: object
    other_warehouse: object
    packaged: ProductType
    grain: ProductType

    def product(self, *, user=None, product_type=None, price="12.80", certifications=(), **kw):
        """A draft product of `user`'s vendor (the owner's by default) with one variant."""
        return services.create_vendor_product(
            actor=user or self.owner,
            name=kw.pop("name", "红薯粉丝"),
            category=self.shop.rice,
            product_type=product_type or self.grain,
            description=kw.pop("description", "传统工艺，无添加。"),
            variants=[
                {
                    "sku": kw.pop("sku", f"SKU-{next(_phones)}"),
                    "name": "500g 袋装",
                    "price": Decimal(price),
                    "stock": [{"warehouse": self.warehouse.pk, "quantity": 20}]
                    if (user or self.owner) in (self.owner, self.staff)
                    else [],
                }
            ],
            certifications=list(certifications),
        )

    def approved(self, **kw):
        """A product taken through submit and approve."""
        product = self.product(**kw)
        services.submit_for_review(actor=self.owner, product=product)
        services.approve_listing(actor=self.reviewer, product=product)
        product.refresh_from_db()
        return product


def certificate(product, kind=CertificateKind.INSPECTION_REPORT, *, issued_days_ago=30, **kw):
    today = timezone.localdate()
    return ProductCertificate.objects.create(
        product=product,
        vendor=product.vendor,
        kind=kind,
        number=kw.pop("number", f"NO-{next(_phones)}"),
        issued_on=today - datetime.timedelta(days=issued_days_ago),
        expires_on=kw.pop("expires_on", today + datetime.timedelta(days=365)),
        badge=kw.pop(
            "badge",
            {
                "geographical_indication": "geographical-indication",
                "green_food": "green-food",
                "organic": "organic",
                "sc_licence": "sc",
            }.get(kind, ""),
        ),
        **kw,
    )


@pytest.fixture
def market(shop) -> Market:  # noqa: F811
    for name, slug in (("有机", "organic"), ("SC", "sc")):
        AttributeValue.objects.create(attribute=shop.certification, name=name, slug=slug)
    vendor = VendorFactory(name="南岗粉丝厂")
    other_vendor = VendorFactory(name="双程酱油酿造厂")
    return Market(
        shop=shop,
        vendor=vendor,
        other_vendor=other_vendor,
        owner=vendor_user(vendor),
        staff=vendor_user(vendor, VendorRole.STAFF),
        other_owner=vendor_user(other_vendor),
        reviewer=staff_with(Permission.MANAGE_VENDORS, group_name="商品审核员"),
        warehouse=WarehouseFactory(vendor=vendor, channels=[shop.channel]),
        other_warehouse=WarehouseFactory(vendor=other_vendor, channels=[shop.channel]),
        packaged=ProductType.objects.create(
            name="包装食品", slug="packaged-food", kind=ProductTypeKind.PROCESSED_FOOD
        ),
        grain=ProductType.objects.create(
            name="粮食特产", slug="grain-specialty", kind=ProductTypeKind.SPECIALTY
        ),
    )


@pytest.fixture
def sms(caplog):
    """Texts sent through the log backend: `sms(phone)` lists the messages to a number."""
    caplog.set_level(logging.INFO, logger="backend.account.sms")

    def messages(phone: str) -> list[str]:
        return [
            record.getMessage()
            for record in caplog.records
            if record.name == "backend.account.sms" and phone in record.getMessage()
        ]

    return messages


def checklist(*failing: str, na: tuple[str, ...] = ()) -> dict[str, str]:
    """A reviewer's checklist: the named items fail, `na` are not applicable, the rest pass."""
    return {
        key: "fail" if key in failing else "n.a." if key in na else "pass"
        for key, _label in CHECKLIST_ITEMS
    }


def api(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user) if user else None)


def gid(type_name: str, pk) -> str:
    return to_global_id(type_name, pk)


def pdf_upload(name="report.pdf", size=None) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n" + b"0" * ((size or 200) - 9)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()
