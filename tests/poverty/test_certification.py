"""Certification (扶贫产品认定): a vendor applies for its own product with a mechanism; county
staff approve with a validity period or reject with reasons; revocation and expiry (the beat
task) take the product out of the zone and tell the vendor; typed errors write nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.poverty import services
from backend.poverty.models import Certification, CertificationStatus, Mechanism
from backend.poverty.selectors import certified_product_ids, zone_certifications
from backend.poverty.tasks import expire_certifications
from tests.factories import ProductFactory, UserFactory
from tests.listings.conftest import sms  # noqa: F401  (a fixture)
from tests.poverty.conftest import in_days
from tests.vendors.conftest import eager_celery  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def apply(zone, product=None, actor=None, **terms):
    terms.setdefault("mechanism", Mechanism.PURCHASE)
    terms.setdefault("price_per_kg", Decimal("4"))
    terms.setdefault("kg_per_unit", Decimal("1"))
    terms.setdefault("households", [("GY-0000", 1)])
    return services.apply_for_certification(
        actor=actor or zone.owner, product=product or zone.rice, description="收购稻谷", **terms
    )


def code(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code


def test_approval_puts_the_product_in_the_zone_and_texts_the_vendor(
    zone,
    sms,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    certification = apply(zone)
    assert certification.status == CertificationStatus.REQUESTED
    assert zone.rice.pk not in certified_product_ids()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_certification(
            actor=zone.staff, certification=certification, valid_until=in_days(30)
        )
    certification.refresh_from_db()
    assert certification.status == CertificationStatus.APPROVED
    assert certification.number == f"FP-{timezone.localdate().year}-0001"
    assert zone.rice.pk in certified_product_ids()
    assert any("已通过扶贫产品认定" in text for text in sms(zone.owner.phone))


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ({"mechanism": "gift"}, "INVALID_MECHANISM"),
        ({"price_per_kg": "-1"}, "INVALID"),
        ({"households": [("GY-9999", 1)]}, "NOT_FOUND"),
        ({"households": []}, "REQUIRED"),
        ({"households": [("GY-0000", 1), ("GY-0000", 2)]}, "INVALID"),
    ],
)
def test_bad_applications_are_typed_errors_that_write_nothing(zone, terms, expected):
    with pytest.raises(ValidationError) as error:
        apply(zone, **terms)
    assert code(error.value) == expected
    assert not Certification.objects.exists()


def test_only_the_vendors_own_staff_apply_and_only_once(zone):
    with pytest.raises(ValidationError) as error:
        apply(zone, product=ProductFactory(vendor=zone.other_vendor))
    assert code(error.value) == "NOT_FOUND"
    with pytest.raises(ValidationError) as error:
        apply(zone, actor=UserFactory())
    assert code(error.value) == "NOT_VENDOR_STAFF"
    apply(zone)
    with pytest.raises(ValidationError) as error:
        apply(zone)
    assert code(error.value) == "CERTIFICATION_EXISTS"


def test_decisions_need_county_staff_a_period_and_reasons(zone):
    certification = apply(zone)
    with pytest.raises(ValidationError) as error:
        services.approve_certification(
            actor=zone.owner, certification=certification, valid_until=in_days(30)
        )
    assert code(error.value) == "PERMISSION_DENIED"
    with pytest.raises(ValidationError) as error:
        services.approve_certification(
            actor=zone.staff, certification=certification, valid_until=in_days(-1)
        )
    assert code(error.value) == "INVALID_PERIOD"
    with pytest.raises(ValidationError) as error:
        services.reject_certification(actor=zone.staff, certification=certification, reason=" ")
    assert code(error.value) == "REQUIRED"
    services.reject_certification(actor=zone.staff, certification=certification, reason="材料不全")
    with pytest.raises(ValidationError) as error:
        services.approve_certification(
            actor=zone.staff, certification=certification, valid_until=in_days(30)
        )
    assert code(error.value) == "INVALID_STATUS"
    certification.refresh_from_db()
    assert (certification.status, certification.reason) == ("rejected", "材料不全")


def test_revocation_removes_the_product_at_once(zone, sms, django_capture_on_commit_callbacks):  # noqa: F811
    certification = zone.certify(zone.rice)
    assert list(zone_certifications()) == [certification]
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_certification(
            actor=zone.staff, certification=certification, reason="未按约收购"
        )
    assert list(zone_certifications()) == []
    assert zone.rice.pk not in certified_product_ids()
    assert any("已撤销" in text and "未按约收购" in text for text in sms(zone.owner.phone))


def test_expiry_the_zone_drops_it_at_the_instant_and_the_task_records_it_once(
    zone,
    sms,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    end = timezone.now() + datetime.timedelta(hours=1)
    certification = zone.certify(zone.rice, until=end)
    before = end - datetime.timedelta(seconds=1)
    after = end + datetime.timedelta(seconds=1)
    assert zone.rice.pk in certified_product_ids(before)
    assert zone.rice.pk not in certified_product_ids(end)  # [from, until): gone at the instant
    assert expire_certifications(at=before) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_certifications(at=after) == 1
    assert expire_certifications(at=after) == 0
    certification.refresh_from_db()
    assert certification.status == CertificationStatus.EXPIRED
    assert any("到期" in text for text in sms(zone.owner.phone))
    # A new application is possible once the old one has ended.
    assert apply(zone).status == CertificationStatus.REQUESTED


def test_a_sale_after_expiry_writes_no_ledger_entry(zone):
    from backend.poverty.models import ZoneSale

    certification = zone.certify(zone.rice, until=in_days(1))
    Certification.objects.filter(pk=certification.pk).update(valid_until=in_days(-0.001))
    zone.paid_order([(zone.rice_variant, 1)])
    assert not ZoneSale.objects.exists()
