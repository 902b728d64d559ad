"""The vendors' dashboard page: review actions through the services, the status filter, the
inlines, and a bank account that is never shown in full."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.core.models import AuditLogEntry
from backend.vendors import services
from backend.vendors.models import VendorStatus
from tests.vendors.conftest import attach_required_documents, credit_code, vendor_with_owner

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:vendors_vendor_changelist"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _act(client, action, vendors, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [v.pk for v in vendors], **extra},
        follow=True,
    )


def test_status_filter_and_inlines(manager_client, town):
    applied, owner = vendor_with_owner(status=VendorStatus.APPLIED, name="待审合作社")
    vendor_with_owner(status=VendorStatus.ACTIVE, name="已入驻合作社")
    attach_required_documents(applied, owner)
    page = manager_client.get(reverse(CHANGELIST), {"status__exact": "applied"})
    html = page.content.decode()
    assert "待审合作社" in html and "已入驻合作社" not in html
    # The action bar takes the reason and the commission rate the actions need.
    assert 'name="reason"' in html and 'name="commission_rate"' in html
    change = manager_client.get(reverse("admin:vendors_vendor_change", args=[applied.pk]))
    assert change.status_code == 200
    assert "营业执照" in change.content.decode() and str(owner) in change.content.decode()


def test_the_bank_number_is_not_shown_in_full(manager_client, town):
    vendor, owner = vendor_with_owner()
    services.set_bank_account(
        vendor=vendor,
        actor=owner,
        bank_name="农行",
        account_name="合作社",
        account_number="6228480402564890018",
    )
    html = manager_client.get(
        reverse("admin:vendors_vendor_change", args=[vendor.pk])
    ).content.decode()
    assert "**** 0018" in html and "6228480402564890018" not in html
    vendor.refresh_from_db()
    assert vendor.bank_account_encrypted not in html


def test_approve_and_reject_actions(manager_client, town):
    approved, owner = vendor_with_owner(status=VendorStatus.APPLIED, credit_code=credit_code())
    attach_required_documents(approved, owner)
    _act(manager_client, "approve_selected", [approved], commission_rate="0.0300")
    approved.refresh_from_db()
    assert approved.status == VendorStatus.ACTIVE and str(approved.commission_rate) == "0.0300"

    rejected, _owner = vendor_with_owner(status=VendorStatus.APPLIED)
    page = _act(manager_client, "reject_selected", [rejected])
    rejected.refresh_from_db()
    assert rejected.status == VendorStatus.APPLIED
    assert "请填写原因" in page.content.decode()
    _act(manager_client, "reject_selected", [rejected], reason="执照已过期")
    rejected.refresh_from_db()
    assert rejected.status == VendorStatus.REJECTED and rejected.rejection_reason == "执照已过期"
    assert AuditLogEntry.objects.filter(action="vendor.rejected").count() == 1


def test_suspend_and_reactivate_actions(manager_client, town):
    vendor, _owner = vendor_with_owner()
    _act(manager_client, "suspend_selected", [vendor], reason="抽检不合格")
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.SUSPENDED
    _act(manager_client, "reactivate_selected", [vendor])
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.ACTIVE


def test_edits_are_validated_and_audited(manager_client, town):
    vendor, _owner = vendor_with_owner(town="东王集镇")
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    form = {
        "name": vendor.name,
        "slug": vendor.slug,
        "kind": "cooperative",
        "credit_code": "93320723MA1OOOOOO1",
        "town": "东王集镇",
        "commission_rate": "0.0300",
        **{
            f"{prefix}-{key}": value
            for prefix in ("staff", "documents", "invitations")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    page = manager_client.post(url, form)
    assert page.status_code == 200 and "统一社会信用代码" in page.content.decode()
    code = credit_code()
    manager_client.post(url, {**form, "credit_code": code})
    vendor.refresh_from_db()
    assert vendor.credit_code == code
    entry = AuditLogEntry.objects.get(action="vendor.updated_in_admin")
    assert entry.after["credit_code"] == code
