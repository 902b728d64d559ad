"""Applying to sell on the web (/vendor/apply/): sign in with the shop's phone login, fill the
form on the phone with the licence photo, errors next to their fields and nothing written,
a rejected application resubmitted with the reviewer's reason shown."""

import pytest
from django.test import Client

from backend.core.permissions import Permission
from backend.vendors.models import Vendor, VendorDocument, VendorRole, VendorStaff, VendorStatus
from backend.vendors.services import reject
from tests.factories import TownFactory, VillageFactory
from tests.graphql.conftest import staff_with
from tests.vendordesk.conftest import signed_in
from tests.vendors.conftest import (
    application,
    credit_code,
    jpeg_bytes,
    pdf_bytes,
    upload,
    user_with_phone,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    """The town and village `application()` names."""
    town = TownFactory(code="320723109", name="东王集镇")
    VillageFactory(town=town, code="320723109203", name="稻香村")
    return town


@pytest.fixture
def manager(db):
    return staff_with(Permission.MANAGE_VENDORS, group_name="服务中心审核员")


def _form(**overrides) -> dict:
    data = application(**overrides)
    data.setdefault("processes_food", "")
    return {key: value for key, value in data.items() if value is not None}


def test_anonymous_visitors_are_sent_to_the_phone_login_and_back(db):
    html = Client().get("/vendor/apply/").content.decode()
    assert "/account/login/?next=%2Fvendor%2Fapply%2F" in html
    assert "/account/signup/?next=%2Fvendor%2Fapply%2F" in html


def test_a_signed_in_farmer_applies_with_the_licence_photo(town):
    farmer = user_with_phone()
    client = signed_in(farmer)
    page = client.get("/vendor/apply/").content.decode()
    assert 'capture="environment"' in page and 'enctype="multipart/form-data"' in page
    data = _form()
    data["business_licence"] = upload(jpeg_bytes(), "image/jpeg", "licence.jpg")
    response = client.post("/vendor/apply/", data)
    assert response.status_code == 302 and response["Location"] == "/vendor/"
    vendor = Vendor.objects.get(name="稻香村稻米合作社")
    assert vendor.status == VendorStatus.APPLIED and vendor.town == "东王集镇"
    assert VendorStaff.objects.get(user=farmer).role == VendorRole.OWNER
    assert VendorDocument.objects.get(vendor=vendor).kind == "business_licence"
    # Once applied, the form sends them to the workspace, which shows where it stands.
    assert client.get("/vendor/apply/")["Location"] == "/vendor/"
    assert "申请中" in client.get("/vendor/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"credit_code": "91320723MA1C00311X"}, "credit_code", ""),
        ({"town": ""}, "town", ""),
        ({"kind": "enterprise", "processes_food": "on", "sc_licence_number": ""}, None, "SC"),
    ],
)
def test_errors_appear_next_to_their_field_and_nothing_is_written(town, overrides, field, text):
    client = signed_in(user_with_phone())
    if overrides.get("kind") == "enterprise":
        overrides["credit_code"] = credit_code("91320723")
    response = client.post("/vendor/apply/", _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    if field:
        assert f'id="id_{field}-errors"' in html
    assert text in html
    assert not Vendor.objects.exists() and not VendorStaff.objects.exists()


def test_a_refused_scan_leaves_no_half_made_application(town):
    client = signed_in(user_with_phone())
    data = _form()
    data["business_licence"] = upload(b"MZ\x90\x00 not a licence", "application/pdf", "x.pdf")
    response = client.post("/vendor/apply/", data)
    assert response.status_code == 400
    assert 'id="id_business_licence-errors"' in response.content.decode()
    assert not Vendor.objects.exists() and not VendorDocument.objects.exists()


def test_a_rejected_application_comes_back_with_the_reason_and_can_be_resubmitted(town, manager):
    farmer = user_with_phone()
    client = signed_in(farmer)
    data = _form()
    data["business_licence"] = upload(pdf_bytes())
    client.post("/vendor/apply/", data)
    vendor = Vendor.objects.get()
    reject(vendor=vendor, actor=manager, reason="营业执照照片模糊，请重新拍摄上传")
    page = client.get("/vendor/apply/")
    assert page.status_code == 200
    assert "营业执照照片模糊" in page.content.decode()
    again = _form(credit_code=vendor.credit_code, description="重新拍了执照")
    again["business_licence"] = upload(jpeg_bytes(), "image/jpeg", "licence.jpg")
    assert client.post("/vendor/apply/", again).status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED and vendor.description == "重新拍了执照"
    assert Vendor.objects.count() == 1 and vendor.documents.count() == 2


def test_staff_of_a_trading_vendor_are_sent_to_their_workspace(world):
    response = signed_in(world.a.owner).get("/vendor/apply/")
    assert response.status_code == 302 and response["Location"] == "/vendor/"
    assert signed_in(world.a.owner).post("/vendor/apply/", _form())["Location"] == "/vendor/"
