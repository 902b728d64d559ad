"""Staff (invite by phone, remove, owner only), sales figures and statements (list, detail,
CSV and XLSX downloads), each scoped to the user's vendor."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backend.settlement.models import VendorStatement
from backend.vendors.models import VendorInvitation, VendorStaff
from tests.vendordesk.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_owner_invites_staff_by_phone(world):
    client = signed_in(world.a.owner)
    page = client.get("/vendor/staff/").content.decode()
    assert "邀请员工" in page and world.a_staff.phone in page
    response = client.post("/vendor/staff/", {"phone": "13812345678", "role": "staff"}, follow=True)
    assert "邀请短信已发送" in response.content.decode()
    assert VendorInvitation.objects.filter(vendor=world.a.vendor, phone="+8613812345678").exists()


def test_bad_phone_is_shown_next_to_the_field(world):
    response = signed_in(world.a.owner).post("/vendor/staff/", {"phone": "123", "role": "staff"})
    assert response.status_code == 200
    assert 'id="id_phone-errors"' in response.content.decode()
    assert not VendorInvitation.objects.exists()


def test_staff_cannot_invite_or_remove(world):
    client = signed_in(world.a_staff)
    page = client.get("/vendor/staff/").content.decode()
    assert "只有负责人可以" in page and "发送邀请短信" not in page
    response = client.post("/vendor/staff/", {"phone": "13812345678", "role": "staff"})
    assert "只有商家负责人可以这样做" in response.content.decode()
    assert not VendorInvitation.objects.exists()
    owner = VendorStaff.objects.get(user=world.a.owner)
    client.post(f"/vendor/staff/{owner.pk}/remove/")
    assert VendorStaff.objects.filter(pk=owner.pk).exists()


def test_owner_removes_a_staff_member_but_not_another_vendors(world):
    client = signed_in(world.a.owner)
    member = VendorStaff.objects.get(user=world.a_staff)
    assert client.post(f"/vendor/staff/{member.pk}/remove/").status_code == 302
    assert not VendorStaff.objects.filter(pk=member.pk).exists()
    theirs = VendorStaff.objects.get(user=world.b.owner)
    assert client.post(f"/vendor/staff/{theirs.pk}/remove/").status_code == 404
    assert VendorStaff.objects.filter(pk=theirs.pk).exists()


def test_sales_figures_of_the_month(world):
    world.parcel(world.a, quantity=3)
    world.parcel(world.b, quantity=5)
    html = signed_in(world.a.owner).get("/vendor/sales/").content.decode()
    assert world.a.variant.product.name in html
    assert world.b.variant.product.name not in html
    assert signed_in(world.a.owner).get("/vendor/sales/?month=bogus").status_code == 200


def _statement(side, **fields) -> VendorStatement:
    return VendorStatement.objects.create(
        vendor=side.vendor,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        gross_amount=Decimal("100.00"),
        commission_amount=Decimal("5.00"),
        net_amount=Decimal("95.00"),
        **fields,
    )


def test_statements_list_detail_and_downloads(world):
    mine = _statement(world.a)
    client = signed_in(world.a.owner)
    html = client.get("/vendor/statements/").content.decode()
    assert "95.00" in html
    html = client.get(f"/vendor/statements/{mine.pk}/").content.decode()
    assert "应付金额" in html and "下载 Excel" in html
    csv = client.get(f"/vendor/statements/{mine.pk}/download.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "attachment" in csv["Content-Disposition"]
    assert "95.00" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/vendor/statements/{mine.pk}/download.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row > 3
    assert client.get(f"/vendor/statements/{mine.pk}/download.exe").status_code == 404


def test_another_vendors_statement_is_404(world):
    theirs = _statement(world.b)
    client = signed_in(world.a.owner)
    assert "95.00" not in client.get("/vendor/statements/").content.decode()
    for url in ("", "download.csv", "download.xlsx"):
        assert client.get(f"/vendor/statements/{theirs.pk}/{url}").status_code == 404, url
