"""The vendors GraphQL API: public and private fields, the managers' list, the mutations and
their scoping (another vendor's ID is NOT_FOUND, its private fields are null)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from backend.core.models import AuditLogEntry
from backend.vendors.models import Vendor, VendorDocument, VendorRole, VendorStaff, VendorStatus
from tests.vendors.conftest import (
    api,
    application,
    attach_required_documents,
    credit_code,
    pdf_bytes,
    upload,
    user_with_phone,
    vendor_with_owner,
)

pytestmark = pytest.mark.django_db

VENDOR = """query($id: ID, $slug: String) { vendor(id: $id, slug: $slug) {
  name slug kind town village status legalName creditCode bankAccountMasked commissionRate
  rejectionReason staff { role user { phone } } documents { kind contentType size } } }"""

PRIVATE = (
    "status",
    "legalName",
    "creditCode",
    "bankAccountMasked",
    "commissionRate",
    "rejectionReason",
    "staff",
    "documents",
)


def vid(vendor) -> str:
    return to_global_id("Vendor", vendor.pk)


@pytest.fixture
def coop(town):
    vendor, owner = vendor_with_owner(
        name="稻香村稻米合作社",
        legal_name="灌云县稻香村稻米种植专业合作社",
        credit_code=credit_code(),
        legal_representative="张建国",
        contact_phone="+8613812345678",
        town="东王集镇",
        village="稻香村",
        commission_rate="0.0300",
    )
    return vendor, owner


def test_everyone_sees_an_active_vendor_s_public_details_only(client, coop):
    vendor, _owner = coop
    for viewer in (None, user_with_phone(), vendor_with_owner()[1]):
        data = api(client, viewer).query(VENDOR, {"slug": vendor.slug})["vendor"]
        assert data["name"] == "稻香村稻米合作社" and data["kind"] == "COOPERATIVE"
        assert data["town"] == "东王集镇" and data["village"] == "稻香村"
        assert all(data[field] is None for field in PRIVATE), data


def test_the_vendor_s_staff_and_managers_see_its_private_details(client, coop, manager):
    vendor, owner = coop
    staff = user_with_phone()
    VendorStaff.objects.create(vendor=vendor, user=staff, role=VendorRole.STAFF)
    attach_required_documents(vendor, owner)
    for viewer in (owner, staff, manager):
        data = api(client, viewer).query(VENDOR, {"id": vid(vendor)})["vendor"]
        assert data["status"] == "ACTIVE"
        assert data["creditCode"] == vendor.credit_code
        assert data["commissionRate"] == "0.0300"
        assert {m["role"] for m in data["staff"]} == {"OWNER", "STAFF"}
        assert data["documents"] == [
            {"kind": "BUSINESS_LICENCE", "contentType": "application/pdf", "size": len(pdf_bytes())}
        ]


def test_a_vendor_that_is_not_active_is_hidden_from_the_public(client, town):
    vendor, owner = vendor_with_owner(status=VendorStatus.SUSPENDED)
    assert api(client, None).query(VENDOR, {"id": vid(vendor)})["vendor"] is None
    assert api(client, vendor_with_owner()[1]).query(VENDOR, {"id": vid(vendor)})["vendor"] is None
    own = api(client, owner).query(VENDOR, {"id": vid(vendor)})["vendor"]
    assert own["status"] == "SUSPENDED"


def test_me_vendor(client, coop):
    vendor, owner = coop
    query = "{ me { vendor { slug status } } }"
    assert api(client, owner).query(query)["me"]["vendor"] == {
        "slug": vendor.slug,
        "status": "ACTIVE",
    }
    assert api(client, user_with_phone()).query(query)["me"]["vendor"] is None


VENDORS = """query($filter: VendorFilterInput, $first: Int) {
  vendors(first: $first, filter: $filter) {
    totalCount edges { node { name status staff { role } documents { kind } } } } }"""


def test_managers_list_and_filter_vendors(client, manager, town):
    for index in range(3):
        vendor_with_owner(status=VendorStatus.APPLIED, name=f"待审{index}")
    vendor_with_owner(status=VendorStatus.ACTIVE, name="已入驻")
    manager_api = api(client, manager)
    data = manager_api.query(VENDORS, {"first": 10, "filter": {"status": "APPLIED"}})["vendors"]
    assert data["totalCount"] == 3
    assert {edge["node"]["status"] for edge in data["edges"]} == {"APPLIED"}
    found = manager_api.query(VENDORS, {"first": 10, "filter": {"search": "已入驻"}})["vendors"]
    assert [edge["node"]["name"] for edge in found["edges"]] == ["已入驻"]


def test_the_vendor_list_costs_the_same_queries_for_any_page_size(client, manager, town):
    def statements(count: int) -> int:
        Vendor.objects.all().delete()
        for _index in range(count):
            vendor, owner = vendor_with_owner()
            attach_required_documents(vendor, owner)
        with CaptureQueriesContext(connection) as queries:
            data = api(client, manager).query(VENDORS, {"first": 20})
        assert len(data["vendors"]["edges"]) == count
        return len(queries)

    few, many = statements(2), statements(8)
    assert few == many, (few, many)
    print(f"vendors list: {few} SQL statements for 2 and for 8 vendors")


@pytest.mark.parametrize("viewer", ["anonymous", "shopper", "vendor_owner", "staff_without"])
def test_only_vendor_managers_list_vendors(client, town, viewer):
    from tests.graphql.conftest import staff_with

    users = {
        "anonymous": None,
        "shopper": user_with_phone(),
        "vendor_owner": vendor_with_owner()[1],
        "staff_without": staff_with(),
    }
    body = api(client, users[viewer]).post(VENDORS, {"first": 5}).json()
    assert body["data"]["vendors"] is None
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"


APPLY = """mutation($input: VendorApplyInput!) { vendorApply(input: $input) {
  vendor { name status creditCode staff { role } } errors { field code } } }"""


def _apply_input(**overrides) -> dict:
    data = application(**overrides)
    camel = {
        "legal_name": "legalName",
        "credit_code": "creditCode",
        "legal_representative": "legalRepresentative",
        "contact_phone": "contactPhone",
    }
    result = {camel.get(key, key): value for key, value in data.items()}
    result["kind"] = data["kind"].upper()
    return result


def test_vendor_apply(client, town, applicant):
    data = api(client, applicant).query(APPLY, {"input": _apply_input()})["vendorApply"]
    assert data["errors"] == []
    assert data["vendor"]["status"] == "APPLIED"
    assert data["vendor"]["staff"] == [{"role": "OWNER"}]


def test_vendor_apply_errors_are_typed_and_write_nothing(client, town, applicant):
    data = api(client, applicant).query(
        APPLY, {"input": _apply_input(credit_code="93320723MA1OOOOOO1", contact_phone="1")}
    )["vendorApply"]
    assert data["vendor"] is None
    assert sorted((e["field"], e["code"]) for e in data["errors"]) == [
        ("contactPhone", "INVALID_PHONE"),
        ("creditCode", "INVALID_CREDIT_CODE"),
    ]
    assert not Vendor.objects.exists()


def test_anonymous_visitors_cannot_apply(client, town):
    data = api(client, None).query(APPLY, {"input": _apply_input()})["vendorApply"]
    assert data["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]


def test_on_behalf_application_by_a_manager(client, town, manager):
    data = api(client, manager).query(
        APPLY, {"input": {**_apply_input(), "ownerPhone": "13911112222"}}
    )["vendorApply"]
    assert data["errors"] == [] and data["vendor"]["staff"] == []


REVIEW = {
    "vendorApprove": 'mutation($id: ID!) { vendorApprove(id: $id, commissionRate: "0.05") { '
    "vendor { status commissionRate } errors { field code } } }",
    "vendorReject": 'mutation($id: ID!) { vendorReject(id: $id, reason: "材料不全") { '
    "vendor { status rejectionReason } errors { field code } } }",
    "vendorSuspend": 'mutation($id: ID!) { vendorSuspend(id: $id, reason: "抽检不合格") { '
    "vendor { status } errors { field code } } }",
    "vendorReactivate": "mutation($id: ID!) { vendorReactivate(id: $id) { "
    "vendor { status } errors { field code } } }",
}


def test_review_mutations(client, town, manager):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    attach_required_documents(vendor, owner)
    manager_api = api(client, manager)
    run = lambda name: manager_api.query(REVIEW[name], {"id": vid(vendor)})[name]  # noqa: E731
    approved = run("vendorApprove")
    assert approved["errors"] == []
    assert approved["vendor"] == {"status": "ACTIVE", "commissionRate": "0.0500"}
    assert run("vendorReject")["errors"] == [{"field": "id", "code": "INVALID_STATUS"}]
    assert run("vendorSuspend")["vendor"] == {"status": "SUSPENDED"}
    assert run("vendorReactivate")["vendor"] == {"status": "ACTIVE"}
    assert list(
        AuditLogEntry.objects.filter(object_id=str(vendor.pk))
        .filter(action__in=["vendor.approved", "vendor.suspended", "vendor.reactivated"])
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["vendor.approved", "vendor.suspended", "vendor.reactivated"]


@pytest.mark.parametrize("name", sorted(REVIEW))
def test_vendors_cannot_review_themselves(client, town, name):
    vendor, owner = vendor_with_owner(status=VendorStatus.APPLIED)
    body = api(client, owner).post(REVIEW[name], {"id": vid(vendor)}).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED


# Every mutation a vendor's staff can call, aimed at another vendor: NOT_FOUND, nothing written.
CROSS_VENDOR = {
    "vendorUpdate": 'mutation($id: ID) { vendorUpdate(id: $id, input: {description: "x"}) { '
    "errors { field code } } }",
    "vendorBankAccountUpdate": "mutation($id: ID) { vendorBankAccountUpdate(id: $id, input: "
    '{bankName: "农行", accountName: "某", accountNumber: "6228480012345678"}) '
    "{ errors { field code } } }",
    "vendorStaffInvite": 'mutation($id: ID) { vendorStaffInvite(id: $id, phone: "13911112222") { '
    "errors { field code } } }",
    "vendorStaffRemove": "mutation($id: ID, $user: ID!) { "
    "vendorStaffRemove(id: $id, user: $user) { errors { field code } } }",
}


@pytest.mark.parametrize("name", sorted(CROSS_VENDOR))
def test_another_vendor_s_id_is_not_found(client, town, name):
    _mine, me = vendor_with_owner()
    theirs, their_owner = vendor_with_owner(description="原简介")
    before = AuditLogEntry.objects.count()
    variables = {"id": vid(theirs), "user": to_global_id("User", their_owner.pk)}
    data = api(client, me).query(CROSS_VENDOR[name], variables)[name]
    assert data["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    theirs.refresh_from_db()
    assert theirs.description == "原简介" and theirs.bank_account_encrypted == ""
    assert VendorStaff.objects.filter(vendor=theirs).count() == 1
    assert not theirs.invitations.exists()
    assert AuditLogEntry.objects.count() == before


def _upload_document(client, user, vendor_id, content, content_type="application/pdf"):
    operations = {
        "query": "mutation($id: ID, $file: Upload!) { vendorDocumentUpload(id: $id, "
        "kind: BUSINESS_LICENCE, file: $file) { document { kind contentType size url } "
        "errors { field code } } }",
        "variables": {"id": vendor_id, "file": None},
    }
    client_api = api(client, user)
    return client.post(
        "/graphql/",
        {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": upload(content, content_type),
        },
        HTTP_AUTHORIZATION=f"Bearer {client_api.token}",
    ).json()["data"]["vendorDocumentUpload"]


def test_document_upload_over_multipart(client, coop):
    vendor, owner = coop
    data = _upload_document(client, owner, None, pdf_bytes())
    assert data["errors"] == []
    assert data["document"]["kind"] == "BUSINESS_LICENCE"
    assert data["document"]["url"].startswith("http://testserver/media/vendor-documents/")
    assert VendorDocument.objects.filter(vendor=vendor).count() == 1
    refused = _upload_document(client, owner, None, b"MZ\x90\x00 not a pdf")
    assert refused["errors"] == [{"field": "file", "code": "INVALID_FILE_TYPE"}]


def test_documents_cannot_be_added_to_another_vendor(client, coop):
    vendor, _owner = coop
    _mine, me = vendor_with_owner()
    data = _upload_document(client, me, vid(vendor), pdf_bytes())
    assert data["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert not VendorDocument.objects.filter(vendor=vendor).exists()


def test_people_who_work_for_no_vendor_are_told_so(client, town):
    data = api(client, user_with_phone()).query(CROSS_VENDOR["vendorUpdate"], {"id": None})
    assert data["vendorUpdate"]["errors"] == [{"field": None, "code": "NOT_VENDOR_STAFF"}]


def test_bank_account_is_returned_masked_only(client, coop):
    vendor, owner = coop
    data = api(client, owner).query(
        CROSS_VENDOR["vendorBankAccountUpdate"].replace(
            "errors", "vendor { bankAccountMasked } errors"
        ),
        {"id": None},
    )["vendorBankAccountUpdate"]
    assert data["errors"] == []
    assert data["vendor"]["bankAccountMasked"] == "**** 5678"
    response = api(client, owner).post(
        VENDOR.replace("bankAccountMasked", "bankAccountMasked bankName"), {"id": vid(vendor)}
    )
    assert "6228480012345678" not in response.content.decode()


INVITE = """mutation($phone: String!, $role: VendorRoleEnum) {
  vendorStaffInvite(phone: $phone, role: $role) {
    invitation { phone role expiresAt } errors { field code } } }"""
ACCEPT = """mutation($token: String!) { vendorInvitationAccept(token: $token) {
  vendor { slug staff { role user { phone } } } errors { field code } } }"""


def test_invite_and_accept_over_the_api(
    client, coop, sms_texts, eager_celery, django_capture_on_commit_callbacks
):
    vendor, owner = coop
    with django_capture_on_commit_callbacks(execute=True):
        data = api(client, owner).query(INVITE, {"phone": "139 0000 7777", "role": "STAFF"})
    invitation = data["vendorStaffInvite"]
    assert invitation["errors"] == []
    assert invitation["invitation"]["phone"] == "+8613900007777"
    token = sms_texts()[-1].split("邀请码 ")[1].split("）")[0]
    invitee = user_with_phone("+8613900007777")
    accepted = api(client, invitee).query(ACCEPT, {"token": token})["vendorInvitationAccept"]
    assert accepted["errors"] == []
    assert accepted["vendor"]["slug"] == vendor.slug
    assert {"role": "STAFF", "user": {"phone": "+8613900007777"}} in accepted["vendor"]["staff"]
    remove = """mutation($user: ID!) { vendorStaffRemove(user: $user) { vendor { staff { role } }
      errors { field code } } }"""
    removed = api(client, owner).query(remove, {"user": to_global_id("User", invitee.pk)})
    assert removed["vendorStaffRemove"]["vendor"]["staff"] == [{"role": "OWNER"}]


def test_staff_cannot_invite(client, coop):
    vendor, _owner = coop
    staff = user_with_phone()
    VendorStaff.objects.create(vendor=vendor, user=staff, role=VendorRole.STAFF)
    data = api(client, staff).query(INVITE, {"phone": "13900007777"})["vendorStaffInvite"]
    assert data["errors"] == [{"field": None, "code": "OWNER_REQUIRED"}]


def test_staff_who_are_not_owners_cannot_change_the_vendor(client, coop):
    vendor, _owner = coop
    staff = user_with_phone()
    VendorStaff.objects.create(vendor=vendor, user=staff, role=VendorRole.STAFF)
    data = api(client, staff).query(CROSS_VENDOR["vendorUpdate"], {"id": None})["vendorUpdate"]
    assert data["errors"] == [{"field": None, "code": "OWNER_REQUIRED"}]


def test_a_rejected_applicant_resubmits_through_vendor_apply(client, town, applicant, manager):
    applicant_api = api(client, applicant)
    applicant_api.query(APPLY, {"input": _apply_input()})
    vendor = Vendor.objects.get()
    reject = api(client, manager).query(REVIEW["vendorReject"], {"id": vid(vendor)})
    assert reject["vendorReject"]["vendor"]["rejectionReason"] == "材料不全"
    again = applicant_api.query(APPLY, {"input": _apply_input(legal_representative="张建军")})
    assert again["vendorApply"]["errors"] == []
    assert again["vendorApply"]["vendor"]["status"] == "APPLIED"
    assert Vendor.objects.get().legal_representative == "张建军"
