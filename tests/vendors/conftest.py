"""Fixtures of the vendor tests: a town with villages, applicants, vendor managers, vendors with
owners, valid credit codes computed with the GB 32100 algorithm, and small files of each type."""

from __future__ import annotations

import io
import itertools
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.vendors import services
from backend.vendors.models import VendorRole, VendorStaff, VendorStatus
from backend.vendors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
from tests.conftest import GraphQLClient
from tests.factories import TownFactory, UserFactory, VendorFactory, VillageFactory
from tests.graphql.conftest import staff_with
from tests.storefront.conftest import rice, shop  # noqa: F401  (fixtures of test_suspension)

_serial = itertools.count(1)


def credit_code(prefix: str = "93320723") -> str:
    """A valid credit code with the given authority, type and division (e.g. 93 + 320723 for a
    cooperative registered in Guanyun): a fresh organisation code and its check character."""
    n = next(_serial)
    body = "MA" + "".join(CREDIT_CODE_ALPHABET[(n * 7 + i * 13) % 31] for i in range(7))
    first17 = prefix + body
    return first17 + credit_code_check_char(first17)


_phones = itertools.count(13900000001)


def mobile() -> str:
    return f"+86{next(_phones)}"


def user_with_phone(phone: str | None = None, **extra):
    return UserFactory(phone=phone or mobile(), **extra)


@pytest.fixture
def town(db):
    town = TownFactory(code="320723109", name="东王集镇")
    VillageFactory(town=town, code="320723109203", name="稻香村")
    VillageFactory(town=town, code="320723109201", name="东王集村")
    return town


def application(**overrides) -> dict:
    """What a cooperative sends with its application."""
    data = {
        "kind": "cooperative",
        "name": "稻香村稻米合作社",
        "legal_name": "灌云县稻香村稻米种植专业合作社",
        "credit_code": credit_code("93320723"),
        "legal_representative": "张建国",
        "contact_phone": "13812345678",
        "town": "东王集镇",
        "village": "稻香村",
        "description": "统一育秧、统一收割。",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(db):
    return user_with_phone()


@pytest.fixture
def manager(db):
    return staff_with(Permission.MANAGE_VENDORS, group_name="服务中心审核员")


def vendor_with_owner(status=VendorStatus.ACTIVE, owner=None, **extra):
    vendor = VendorFactory(status=status, **extra)
    owner = owner or user_with_phone()
    VendorStaff.objects.create(vendor=vendor, user=owner, role=VendorRole.OWNER)
    return vendor, owner


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(content: bytes, content_type: str = "application/pdf", name: str = "licence.pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach_required_documents(vendor, actor) -> None:
    services.upload_document(
        vendor=vendor, actor=actor, kind="business_licence", file=upload(pdf_bytes())
    )
    if vendor.sc_licence_number:
        services.upload_document(
            vendor=vendor, actor=actor, kind="sc_licence", file=upload(pdf_bytes())
        )


def api(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user) if user else None)


@pytest.fixture
def sms_texts(caplog):
    """Messages the log SMS backend 'sent' in this test, as (phone, text) pairs."""
    caplog.set_level(logging.INFO, logger="backend.account.sms")

    def texts() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "backend.account.sms"]

    return texts


@pytest.fixture
def eager_celery():
    """Tasks queued after commit run in the test's process (the broker has no worker here)."""
    from backend.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
