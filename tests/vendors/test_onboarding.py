"""Applying, reviewing and the vendor status machine: every allowed and forbidden transition."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from backend.core.models import AuditLogEntry
from backend.vendors import services
from backend.vendors.models import Vendor, VendorInvitation, VendorRole, VendorStaff, VendorStatus
from tests.factories import UserFactory
from tests.vendors.conftest import (
    application,
    attach_required_documents,
    credit_code,
    mobile,
    vendor_with_owner,
)

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.value.error_dict.items()}


def test_a_signed_in_user_applies_and_becomes_the_owner(town, applicant):
    vendor = services.apply(actor=applicant, data=application())
    assert vendor.status == VendorStatus.APPLIED
    assert vendor.town == "东王集镇" and vendor.village == "稻香村"
    assert vendor.contact_phone == "+8613812345678"
    assert vendor.applied_by == applicant and vendor.applied_at is not None
    assert vendor.slug
    staff = VendorStaff.objects.get(user=applicant)
    assert staff.vendor == vendor and staff.role == VendorRole.OWNER
    entry = AuditLogEntry.objects.get(action="vendor.applied")
    assert entry.object_id == str(vendor.pk)
    assert entry.before is None and entry.after["status"] == "applied"
    assert entry.after["credit_code"] == vendor.credit_code


def test_town_and_village_may_be_given_by_division_code(town, applicant):
    vendor = services.apply(
        actor=applicant, data=application(town="320723109", village="320723109201")
    )
    assert (vendor.town, vendor.village) == ("东王集镇", "东王集村")


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(town, applicant):
    with pytest.raises(ValidationError) as error:
        services.apply(
            actor=applicant,
            data=application(
                credit_code="93320723MA1XXXXXX1", contact_phone="12", village="不存在村"
            ),
        )
    assert codes(error) == {
        "credit_code": ["INVALID_CREDIT_CODE"],
        "contact_phone": ["INVALID_PHONE"],
        "village": ["INVALID_VILLAGE"],
    }
    assert not Vendor.objects.exists() and not VendorStaff.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_a_town_outside_the_county_is_refused(town, applicant):
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data=application(town="南京市"))
    assert codes(error) == {"town": ["INVALID_TOWN"]}


def test_the_credit_code_is_required_except_for_individual_sellers(town, applicant):
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data=application(credit_code=""))
    assert codes(error) == {"credit_code": ["REQUIRED"]}
    vendor = services.apply(
        actor=applicant,
        data=application(kind="individual", credit_code="", legal_name="", name="小王网店"),
    )
    assert vendor.credit_code == ""


def test_a_cooperative_code_must_be_a_cooperative_s(town, applicant):
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data=application(credit_code=credit_code("91320723")))
    assert codes(error) == {"credit_code": ["CREDIT_CODE_KIND_MISMATCH"]}


def test_a_food_processor_needs_an_sc_licence(town, applicant):
    data = application(kind="enterprise", credit_code=credit_code("91320723"), processes_food=True)
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data=data)
    assert codes(error) == {"sc_licence_number": ["REQUIRED"]}
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data={**data, "sc_licence_number": "SC123"})
    assert codes(error) == {"sc_licence_number": ["INVALID_SC_LICENCE"]}
    vendor = services.apply(actor=applicant, data={**data, "sc_licence_number": "sc10632072300018"})
    assert vendor.sc_licence_number == "SC10632072300018"


def test_a_family_farm_that_does_not_process_food_needs_no_sc_licence(town, applicant):
    data = application(kind="family_farm", credit_code=credit_code("92320723"), processes_food=True)
    assert services.apply(actor=applicant, data=data).sc_licence_number == ""


def test_a_credit_code_is_used_by_one_vendor_only(town, applicant):
    code = credit_code()
    services.apply(actor=applicant, data=application(credit_code=code))
    with pytest.raises(ValidationError) as error:
        services.apply(actor=UserFactory(), data=application(credit_code=code, name="另一家"))
    assert codes(error) == {"credit_code": ["UNIQUE"]}


def test_a_user_on_a_vendor_s_staff_cannot_apply_again(town):
    _vendor, owner = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        services.apply(actor=owner, data=application())
    assert error.value.error_dict["__all__"][0].code == "ALREADY_VENDOR_STAFF"


def test_the_service_centre_applies_for_a_farmer_without_a_smartphone(
    town, manager, sms_texts, eager_celery, django_capture_on_commit_callbacks
):
    farmer_phone = mobile()
    with django_capture_on_commit_callbacks(execute=True):
        vendor = services.apply(actor=manager, data=application(), owner_phone=farmer_phone)
    assert vendor.status == VendorStatus.APPLIED
    assert not VendorStaff.objects.filter(vendor=vendor).exists()
    invitation = VendorInvitation.objects.get(vendor=vendor)
    assert invitation.phone == farmer_phone and invitation.role == VendorRole.OWNER
    assert AuditLogEntry.objects.filter(action="vendor.applied_on_behalf").count() == 1
    [text] = sms_texts()
    assert farmer_phone in text and "稻香村稻米合作社" in text and "负责人" in text


def test_an_on_behalf_application_for_someone_already_on_a_vendor_s_staff_is_refused(town, manager):
    _vendor, owner = vendor_with_owner()
    with pytest.raises(ValidationError) as error:
        services.apply(actor=manager, data=application(), owner_phone=owner.phone)
    assert codes(error) == {"owner_phone": ["ALREADY_VENDOR_STAFF"]}
    assert Vendor.objects.count() == 1


def test_only_vendor_managers_apply_on_behalf_of_someone(town, applicant):
    with pytest.raises(ValidationError) as error:
        services.apply(actor=applicant, data=application(), owner_phone=mobile())
    assert error.value.error_dict["__all__"][0].code == "PERMISSION_DENIED"


# --- the status machine ------------------------------------------------------------------------

ACTIONS = {
    "approve": lambda vendor, actor: services.approve(vendor=vendor, actor=actor),
    "reject": lambda vendor, actor: services.reject(vendor=vendor, actor=actor, reason="证照模糊"),
    "suspend": lambda vendor, actor: services.suspend(
        vendor=vendor, actor=actor, reason="抽检不合格"
    ),
    "reactivate": lambda vendor, actor: services.reactivate(vendor=vendor, actor=actor),
    "resubmit": lambda vendor, actor: services.resubmit(vendor=vendor, actor=actor),
}
ALLOWED = {
    ("applied", "approve"): "active",
    ("applied", "reject"): "rejected",
    ("active", "suspend"): "suspended",
    ("suspended", "reactivate"): "active",
    ("rejected", "resubmit"): "applied",
}
MATRIX = [(status, action) for status in VendorStatus.values for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), MATRIX)
def test_status_machine(town, manager, status, action):
    vendor, owner = vendor_with_owner(
        status=status,
        legal_name="某合作社",
        credit_code=credit_code(),
        legal_representative="张三",
        contact_phone="+8613800000000",
        town="东王集镇",
    )
    attach_required_documents(vendor, owner)
    actor = owner if action == "resubmit" else manager
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(ValidationError) as error:
            ACTIONS[action](vendor, actor)
        assert error.value.error_dict["id"][0].code == "INVALID_STATUS"
        vendor.refresh_from_db()
        assert vendor.status == status
    else:
        result = ACTIONS[action](vendor, actor)
        vendor.refresh_from_db()
        assert vendor.status == result.status == expected
        entry = AuditLogEntry.objects.filter(object_id=str(vendor.pk)).latest("pk")
        assert entry.before["status"] == status and entry.after["status"] == expected


def test_approval_sets_the_commission_rate_and_tells_the_owner(
    town, manager, sms_texts, eager_celery, django_capture_on_commit_callbacks
):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED, credit_code=credit_code())
    attach_required_documents(vendor, owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(vendor=vendor, actor=manager, commission_rate=Decimal("0.035"))
    vendor.refresh_from_db()
    assert vendor.commission_rate == Decimal("0.0350")
    assert vendor.reviewed_by == manager and vendor.reviewed_at is not None
    [text] = sms_texts()
    assert owner.phone in text and "已通过审核" in text and "3.5%" in text


def test_a_cooperative_of_a_weak_village_may_pay_no_commission(town, manager):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    attach_required_documents(vendor, owner)
    services.approve(vendor=vendor, actor=manager, commission_rate=Decimal("0"))
    vendor.refresh_from_db()
    assert vendor.commission_rate == Decimal("0")


@pytest.mark.parametrize("rate", ["1", "-0.01", "0.12345", "NaN"])
def test_a_bad_commission_rate_is_refused(town, manager, rate):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    attach_required_documents(vendor, owner)
    with pytest.raises(ValidationError) as error:
        services.approve(vendor=vendor, actor=manager, commission_rate=Decimal(rate))
    assert codes(error) == {"commission_rate": ["INVALID_COMMISSION_RATE"]}
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED


def test_approval_needs_the_licence_scans(town, manager):
    vendor, _owner = vendor_with_owner(
        status=VendorStatus.APPLIED, sc_licence_number="SC10632072300018"
    )
    with pytest.raises(ValidationError) as error:
        services.approve(vendor=vendor, actor=manager)
    assert codes(error) == {"id": ["MISSING_DOCUMENTS"]}
    assert "营业执照" in str(error.value) and "食品生产许可证" in str(error.value)


def test_a_rejection_needs_a_reason_which_the_owner_reads(
    town, manager, sms_texts, eager_celery, django_capture_on_commit_callbacks
):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    with pytest.raises(ValidationError) as error:
        services.reject(vendor=vendor, actor=manager, reason="  ")
    assert codes(error) == {"reason": ["REQUIRED"]}
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(vendor=vendor, actor=manager, reason="营业执照照片不清晰")
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.REJECTED
    assert vendor.rejection_reason == "营业执照照片不清晰"
    [text] = sms_texts()
    assert owner.phone in text and "营业执照照片不清晰" in text


def test_a_rejected_applicant_corrects_and_applies_again(town, manager, applicant):
    vendor = services.apply(actor=applicant, data=application())
    services.reject(vendor=vendor, actor=manager, reason="法定代表人姓名与执照不符")
    again = services.apply(actor=applicant, data=application(legal_representative="张建军"))
    assert again.pk == vendor.pk
    assert again.status == VendorStatus.APPLIED
    assert again.legal_representative == "张建军"
    assert AuditLogEntry.objects.filter(action="vendor.resubmitted").count() == 1


def test_only_vendor_managers_review(town):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    attach_required_documents(vendor, owner)
    for action in ("approve", "reject", "suspend", "reactivate"):
        with pytest.raises(ValidationError) as error:
            ACTIONS[action](vendor, owner)
        assert error.value.error_dict["__all__"][0].code == "PERMISSION_DENIED"
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED


def test_the_owner_cannot_change_legal_details_once_active(town, manager):
    vendor, owner = vendor_with_owner(
        status=VendorStatus.ACTIVE,
        credit_code=credit_code(),
        legal_name="甲合作社",
        legal_representative="张三",
        contact_phone="+8613800000000",
        town="东王集镇",
    )
    updated = services.update_vendor(
        vendor=vendor, actor=owner, data={"description": "新简介", "village": "稻香村"}
    )
    assert updated.description == "新简介" and updated.village == "稻香村"
    with pytest.raises(ValidationError) as error:
        services.update_vendor(vendor=vendor, actor=owner, data={"legal_name": "乙合作社"})
    assert codes(error) == {"legal_name": ["LEGAL_DETAILS_LOCKED"]}
    services.update_vendor(vendor=vendor, actor=manager, data={"legal_name": "乙合作社"})
    vendor.refresh_from_db()
    assert vendor.legal_name == "乙合作社"
    entries = AuditLogEntry.objects.filter(action="vendor.updated").order_by("pk")
    assert [e.after["legal_name"] for e in entries] == ["甲合作社", "乙合作社"]


def test_a_decision_that_is_rolled_back_tells_nobody(
    town, manager, sms_texts, eager_celery, django_capture_on_commit_callbacks
):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    attach_required_documents(vendor, owner)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.approve(vendor=vendor, actor=manager)
        raise RuntimeError("the caller failed after the approval")
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED
    assert sms_texts() == []
    assert not AuditLogEntry.objects.filter(action="vendor.approved").exists()
