"""A cooperative with a warehouse, the catalog names its rows refer to, a second vendor, and
builders of XLSX and CSV files for the bulk listing import tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.catalog.models import AttributeProduct, AttributeValue
from backend.listings.imports import COLUMNS
from backend.vendors.models import VendorRole, VendorStaff
from tests.factories import (
    AttributeFactory,
    CategoryFactory,
    ChannelFactory,
    ProductTypeFactory,
    UserFactory,
    VendorFactory,
    WarehouseFactory,
)

HEADER = [column.header for column in COLUMNS]
PASSWORD = "secret-password-1"


@dataclass
class Shop:
    channel: object
    vendor: object
    owner: object
    clerk: object
    warehouse: object
    cold_store: object
    category: object
    product_type: object
    single_type: object
    other_vendor: object
    other_owner: object
    other_warehouse: object
    outsider: object


def staff_of(vendor, role=VendorRole.OWNER):
    user = UserFactory()
    VendorStaff.objects.create(vendor=vendor, user=user, role=role)
    return user


@pytest.fixture
def shop(db) -> Shop:
    channel = ChannelFactory()
    vendor = VendorFactory(name="伊山大米合作社")
    other = VendorFactory(name="板浦酱油厂")
    origin = AttributeFactory(slug="origin", name="产地", input_type="dropdown")
    AttributeValue.objects.create(attribute=origin, name="伊山镇", slug="伊山镇")
    AttributeValue.objects.create(attribute=origin, name="板浦镇", slug="板浦镇")
    product_type = ProductTypeFactory(name="粮食特产", slug="grain-specialty", has_variants=True)
    AttributeProduct.objects.create(attribute=origin, product_type=product_type)
    return Shop(
        channel=channel,
        vendor=vendor,
        owner=staff_of(vendor),
        clerk=staff_of(vendor, VendorRole.STAFF),
        warehouse=WarehouseFactory(name="伊山仓", slug="yishan", vendor=vendor, channels=[channel]),
        cold_store=WarehouseFactory(name="冷库", slug="cold", vendor=vendor, channels=[channel]),
        category=CategoryFactory(name="大米", slug="rice"),
        product_type=product_type,
        single_type=ProductTypeFactory(name="旅游服务", slug="tourism", has_variants=False),
        other_vendor=other,
        other_owner=staff_of(other),
        other_warehouse=WarehouseFactory(name="板浦仓", slug="banpu", vendor=other),
        outsider=UserFactory(),
    )


def row(**values) -> list[str]:
    """A row of the template; keyword names are the column keys."""
    defaults = {
        "name": "伊山大米",
        "category": "大米",
        "product_type": "粮食特产",
        "sku": "YS-DM-5KG",
        "variant_name": "5kg 袋装",
        "price": "39.90",
        "weight": "5.2",
        "quantity": "100",
        "warehouse": "伊山仓",
        "description": "当季新米。",
        "origin": "伊山镇",
    }
    defaults.update(values)
    return [defaults[column.key] for column in COLUMNS]


def csv_file(rows, *, header=None, encoding="utf-8-sig", name="商品.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_bytes(rows, *, header=None, sheet="商品") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header or HEADER)
    for values in rows:
        ws.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, *, header=None, name="商品.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, header=header),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
