"""Licence scans: the declared type and the file's own bytes must agree and be accepted; the
size is capped; only the vendor's staff and vendor managers upload."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backend.core.models import AuditLogEntry
from backend.vendors import services
from backend.vendors.models import VendorDocument
from tests.vendors.conftest import jpeg_bytes, pdf_bytes, png_bytes, upload, vendor_with_owner

pytestmark = pytest.mark.django_db

WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (pdf_bytes(), "application/pdf"),
        (png_bytes(), "image/png"),
        (jpeg_bytes(), "image/jpeg"),
        (WEBP, "image/webp"),
    ],
)
def test_accepted_types(town, content, content_type):
    vendor, owner = vendor_with_owner()
    document = services.upload_document(
        vendor=vendor, actor=owner, kind="business_licence", file=upload(content, content_type)
    )
    assert document.content_type == content_type and document.size == len(content)
    assert document.file.read() == content
    # The stored name tells nothing of the uploaded one.
    assert "licence.pdf" not in document.file.name
    assert document.file.name.startswith("vendor-documents/")
    entry = AuditLogEntry.objects.get(action="vendor.document_uploaded")
    assert entry.after["document"] == document.pk


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (png_bytes(), "application/pdf"),  # a PNG calling itself a PDF
        (pdf_bytes(), "image/jpeg"),
        (b"<html><script>alert(1)</script></html>", "application/pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf"),  # a Windows program
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),  # a real GIF, but not an accepted type
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "image/webp"),  # RIFF, but a sound file
        (b"", "application/pdf"),
    ],
)
def test_refused_types(town, content, content_type):
    vendor, owner = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            vendor=vendor, actor=owner, kind="business_licence", file=upload(content, content_type)
        )
    assert error.value.error_dict["file"][0].code == "INVALID_FILE_TYPE"
    assert not VendorDocument.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_files_over_the_limit_are_refused(town, settings):
    settings.VENDOR_DOCUMENT_MAX_BYTES = 1024
    vendor, owner = vendor_with_owner()
    big = pdf_bytes() + b"0" * 1024
    with pytest.raises(ValidationError) as error:
        services.upload_document(vendor=vendor, actor=owner, kind="sc_licence", file=upload(big))
    assert error.value.error_dict["file"][0].code == "FILE_TOO_LARGE"
    exactly = pdf_bytes() + b"0" * (1024 - len(pdf_bytes()))
    services.upload_document(vendor=vendor, actor=owner, kind="sc_licence", file=upload(exactly))
    assert VendorDocument.objects.get().size == 1024


def test_another_vendor_s_staff_cannot_upload_and_managers_can(town, manager):
    vendor, _owner = vendor_with_owner()
    _other, stranger = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            vendor=vendor, actor=stranger, kind="business_licence", file=upload(pdf_bytes())
        )
    assert error.value.error_dict["id"][0].code == "NOT_FOUND"
    services.upload_document(
        vendor=vendor, actor=manager, kind="business_licence", file=upload(pdf_bytes())
    )
    assert VendorDocument.objects.get().uploaded_by == manager


def test_unknown_document_kinds_are_refused(town):
    vendor, owner = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        services.upload_document(
            vendor=vendor, actor=owner, kind="selfie", file=upload(pdf_bytes())
        )
    assert error.value.error_dict["kind"][0].code == "INVALID"
