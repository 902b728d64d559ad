"""The settlement account: only the owner sets it; the number is encrypted at rest and only its
last digits are ever shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backend.core.crypto import decrypt
from backend.core.models import AuditLogEntry
from backend.vendors import services
from backend.vendors.models import VendorRole, VendorStaff
from tests.vendors.conftest import application, user_with_phone, vendor_with_owner

pytestmark = pytest.mark.django_db

NUMBER = "6228480402564890018"


def _set(vendor, actor, number=NUMBER):
    return services.set_bank_account(
        vendor=vendor,
        actor=actor,
        bank_name="中国农业银行灌云支行",
        account_name="灌云县稻香村稻米种植专业合作社",
        account_number=number,
    )


def test_the_number_is_encrypted_at_rest_and_shown_masked(town):
    vendor, owner = vendor_with_owner()
    _set(vendor, owner, "6228 4804 0256 4890 018")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM vendors_vendor WHERE id = %s", [vendor.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert NUMBER not in row and "62284804" not in row
    vendor.refresh_from_db()
    assert vendor.bank_account_masked == "**** 0018"
    assert decrypt(vendor.bank_account_encrypted) == NUMBER
    entry = AuditLogEntry.objects.get(action="vendor.bank_account_changed")
    assert NUMBER not in str(entry.before) + str(entry.after)
    assert entry.after["bank_account_masked"] == "**** 0018"


def test_bank_details_given_with_the_application_are_encrypted_too(town, applicant):
    data = application(bank_name="农行", bank_account_name="合作社", bank_account_number=NUMBER)
    vendor = services.apply(actor=applicant, data=data)
    assert vendor.bank_account_masked == "**** 0018"
    assert NUMBER not in str(AuditLogEntry.objects.get(action="vendor.applied").after)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bank_account_encrypted FROM vendors_vendor WHERE id = %s", [vendor.pk]
        )
        assert NUMBER not in cursor.fetchone()[0]


def test_only_the_owner_sets_the_account(town, manager):
    vendor, _owner = vendor_with_owner()
    staff = user_with_phone()
    VendorStaff.objects.create(vendor=vendor, user=staff, role=VendorRole.STAFF)
    with pytest.raises(ValidationError) as error:
        _set(vendor, staff)
    assert error.value.error_dict["__all__"][0].code == "OWNER_REQUIRED"
    with pytest.raises(ValidationError) as error:
        _set(vendor, manager)
    assert error.value.error_dict["id"][0].code == "NOT_FOUND"
    vendor.refresh_from_db()
    assert vendor.bank_account_encrypted == ""


@pytest.mark.parametrize("number", ["1234567", "6228-4804-abcd-0018", "9" * 31, ""])
def test_bad_numbers_are_refused(town, number):
    vendor, owner = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        _set(vendor, owner, number)
    assert error.value.error_dict["bank_account_number"][0].code in (
        "INVALID_BANK_ACCOUNT",
        "REQUIRED",
    )
