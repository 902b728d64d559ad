"""Certificates: upload checks, expiry by the beat task (badge removed unless another valid
certificate unlocks it, catalog version bumped, vendor told by SMS) and the one-time warning."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.catalog.cache import catalog_version
from backend.core.models import AuditLogEntry
from backend.listings import services
from backend.listings.models import CertificateKind, CertificateStatus, ProductCertificate
from backend.listings.tasks import expire_certificates, expire_certificates_task
from tests.listings.conftest import api, certificate, gid, pdf_upload

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _green_product(market):
    product = market.product(certifications=["green-food", "geographical-indication"])
    certificate(product, CertificateKind.GEOGRAPHICAL_INDICATION)
    green = certificate(product, CertificateKind.GREEN_FOOD, expires_on=timezone.localdate() - DAY)
    return product, green


def test_expired_certificate_removes_its_badge_and_tells_the_vendor(
    market, sms, django_capture_on_commit_callbacks
):
    product, green = _green_product(market)
    version = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        # The beat entry's task, run in-process (apply) through Celery's task machinery.
        result = expire_certificates_task.apply().get()
    assert result == {"expired": 1, "warned": 0}
    green.refresh_from_db()
    assert green.status == CertificateStatus.EXPIRED
    assert services.product_badges(product) == ["geographical-indication"]
    assert catalog_version() > version
    [message] = sms(market.owner.phone)
    assert "绿色食品" in message and "过期" in message and product.name in message
    assert sms(market.staff.phone) == []  # owners only
    entry = AuditLogEntry.objects.get(action="certificate.expired")
    assert entry.after["badge_removed"] == "green-food"
    # A second run the same day changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_certificates() == {"expired": 0, "warned": 0}
    assert len(sms(market.owner.phone)) == 1


def test_another_valid_certificate_keeps_the_badge(market, sms, django_capture_on_commit_callbacks):
    product, _expired = _green_product(market)
    certificate(product, CertificateKind.GREEN_FOOD)  # renewed
    with django_capture_on_commit_callbacks(execute=True):
        expire_certificates()
    assert "green-food" in services.product_badges(product)
    assert sms(market.owner.phone) == []  # renewed: nothing for the vendor to do


def test_an_expired_report_without_a_badge_asks_for_a_new_one(
    market, sms, django_capture_on_commit_callbacks
):
    product = market.product()
    certificate(product, expires_on=timezone.localdate() - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_certificates()["expired"] == 1
    [message] = sms(market.owner.phone)
    assert "检验报告" in message and "请尽快上传新证书" in message


def test_expiry_uses_the_local_date(market):
    product = market.product()
    today = timezone.localdate()
    cert = certificate(product, CertificateKind.INSPECTION_REPORT, expires_on=today)
    assert expire_certificates(today=today)["expired"] == 0  # valid through its last day
    assert expire_certificates(today=today + DAY)["expired"] == 1
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.EXPIRED


def test_vendors_are_warned_once_before_expiry(
    market, sms, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_EXPIRY_WARNING_DAYS = 30
    product = market.product()
    today = timezone.localdate()
    soon = certificate(product, expires_on=today + datetime.timedelta(days=20))
    # Not yet due, and of another kind (a renewal of the same kind would cancel the warning).
    certificate(product, CertificateKind.SC_LICENCE, expires_on=today + datetime.timedelta(days=45))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_certificates(today=today) == {"expired": 0, "warned": 1}
        assert expire_certificates(today=today + DAY) == {"expired": 0, "warned": 0}
    soon.refresh_from_db()
    assert soon.expiry_warned_at is not None
    [message] = sms(market.owner.phone)
    assert "到期" in message and soon.number in message


def test_no_warning_for_a_renewed_certificate(market, sms, django_capture_on_commit_callbacks):
    product = market.product()
    today = timezone.localdate()
    old = certificate(product, expires_on=today + datetime.timedelta(days=10))
    certificate(product, expires_on=today + datetime.timedelta(days=375))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_certificates(today=today)["warned"] == 0
    old.refresh_from_db()
    assert old.expiry_warned_at is not None  # looked at once, not again
    assert sms(market.owner.phone) == []


UPLOAD = """mutation($input: ProductCertificateUploadInput!) {
  productCertificateUpload(input: $input) {
    certificate { kind status badge number expiresOn } errors { field code }
  }
}"""


def _upload(client, user, product, file, **overrides):
    variables = {
        "input": {
            "product": gid("Product", product.pk),
            "kind": "GREEN_FOOD",
            "number": "LB-18-2301234567",
            "file": None,
            "issuedOn": (timezone.localdate() - DAY * 10).isoformat(),
            "expiresOn": (timezone.localdate() + DAY * 300).isoformat(),
            **overrides,
        }
    }
    token = api(client, user).token
    return client.post(
        "/graphql/",
        {
            "operations": json.dumps({"query": UPLOAD, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.file"]}),
            "0": file,
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()["data"]["productCertificateUpload"]


def test_certificate_upload_through_the_api(market, client):
    product = market.product()
    data = _upload(client, market.owner, product, pdf_upload())
    assert data["errors"] == []
    assert data["certificate"]["kind"] == "GREEN_FOOD"
    assert data["certificate"]["badge"] == "green-food"
    assert data["certificate"]["status"] == "VALID"
    assert ProductCertificate.objects.get().uploaded_by == market.owner


@pytest.mark.parametrize(
    ("file", "overrides", "error"),
    [
        ("text", {}, {"field": "file", "code": "INVALID_FILE"}),
        ("renamed", {}, {"field": "file", "code": "INVALID_FILE"}),
        ("big", {}, {"field": "file", "code": "FILE_TOO_LARGE"}),
        ("pdf", {"number": " "}, {"field": "number", "code": "REQUIRED"}),
        ("pdf", {"expiresOn": "2000-01-01"}, {"field": "expiresOn", "code": "INVALID"}),
        ("pdf", {"issuedOn": "2999-01-01"}, {"field": "issuedOn", "code": "INVALID"}),
    ],
)
def test_bad_certificate_uploads_are_refused(market, client, settings, file, overrides, error):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VENDOR_DOCUMENT_MAX_BYTES = 1000
    product = market.product()
    upload = {
        "text": SimpleUploadedFile("a.txt", b"hello", content_type="text/plain"),
        # A text file claiming to be a PDF: the content decides.
        "renamed": SimpleUploadedFile("a.pdf", b"hello, not a pdf", content_type="application/pdf"),
        "big": pdf_upload(size=2000),
        "pdf": pdf_upload(),
    }[file]
    data = _upload(client, market.owner, product, upload, **overrides)
    assert data["errors"] == [error]
    assert not ProductCertificate.objects.exists()


def test_an_expired_certificate_cannot_be_uploaded(market):
    product = market.product()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as raised:
        services.upload_certificate(
            actor=market.owner,
            product=product,
            kind=CertificateKind.ORGANIC,
            number="OR-1",
            file=pdf_upload(),
            issued_on=today - DAY * 400,
            expires_on=today - DAY,
        )
    assert raised.value.error_dict["expires_on"][0].code == "CERTIFICATE_EXPIRED"
