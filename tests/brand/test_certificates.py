"""A licence is granted only while the product's certificates are valid: a grant with a missing
or expired certificate is refused with CERTIFICATE_INVALID and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.brand import services
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus
from backend.core.models import AuditLogEntry
from backend.listings.models import CertificateKind, CertificateStatus, ProductCertificate
from tests.brand.conftest import certificate, in_days
from tests.brand.test_lifecycle import codes

pytestmark = pytest.mark.django_db


def refused_grant(world, **kw) -> ValidationError:
    before = (BrandLicence.objects.count(), LicenceEvent.objects.count())
    audit = AuditLogEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.grant_licence(actor=world.manager, valid_until=in_days(30), **kw)
    assert codes(raised.value) == {"CERTIFICATE_INVALID"}
    assert "product" in raised.value.error_dict
    assert (BrandLicence.objects.count(), LicenceEvent.objects.count()) == before
    assert AuditLogEntry.objects.count() == audit
    return raised.value


def test_product_without_any_certificate_cannot_be_licensed(world):
    error = refused_grant(world, product=world.bare)
    assert "没有有效期内的证书" in error.error_dict["product"][0].message


def test_requested_licence_is_not_granted_while_the_certificate_has_expired(world):
    licence = services.request_licence(actor=world.market.owner, product=world.lotus)
    ProductCertificate.objects.filter(product=world.lotus).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    refused_grant(world, licence=licence)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REQUESTED


def test_certificate_marked_expired_by_the_listing_task_blocks_the_grant(world):
    ProductCertificate.objects.filter(product=world.lotus).update(status=CertificateStatus.EXPIRED)
    refused_grant(world, product=world.lotus)


def test_badge_shown_without_its_certificate_blocks_the_grant(world):
    """The rice shows 地理标志: an inspection report alone is not enough once the GI
    certificate has lapsed."""
    ProductCertificate.objects.filter(product=world.rice).delete()
    certificate(world.rice, CertificateKind.INSPECTION_REPORT)
    error = refused_grant(world, product=world.rice)
    assert "地理标志" in error.error_dict["product"][0].message


def test_certificate_expiring_today_still_counts(world):
    """Certificate dates are local dates: one that expires today is valid all day."""
    ProductCertificate.objects.filter(product=world.lotus).update(expires_on=timezone.localdate())
    licence = services.grant_licence(
        actor=world.manager, product=world.lotus, valid_until=in_days(30)
    )
    assert licence.status == LicenceStatus.ACTIVE


def test_reinstating_checks_the_certificates_again(world):
    licence = world.grant(world.lotus)
    services.suspend_licence(actor=world.manager, licence=licence, reason="抽检")
    ProductCertificate.objects.filter(product=world.lotus).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as raised:
        services.reinstate_licence(actor=world.manager, licence=licence)
    assert codes(raised.value) == {"CERTIFICATE_INVALID"}
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED
