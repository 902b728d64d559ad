"""The /vendor/import/ pages: template downloads, the upload form (CSRF, the "import valid
rows" choice, the problems table), the error report and who may reach each page."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from backend.catalog.models import Product
from backend.listings.imports import COLUMNS
from backend.listings.models import ListingState
from tests.listings_import.conftest import HEADER, csv_file, row

pytestmark = pytest.mark.django_db

URL = "/vendor/import/"


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def report_url(html: str) -> str:
    match = re.search(r'href="(/vendor/import/reports/[^"]+/)"', html)
    assert match, html
    return match.group(1)


def test_page_shows_template_links_and_a_form_with_csrf(shop):
    page = signed_in(shop.clerk).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in html and 'enctype="multipart/form-data"' in html
    assert "/vendor/import/template.xlsx" in html and "/vendor/import/template.csv" in html
    assert "导入有效行" in html and "伊山大米合作社" in html


def test_upload_without_the_csrf_token_is_refused(shop):
    client = signed_in(shop.owner, enforce_csrf_checks=True)
    response = client.post(URL, {"file": csv_file([row()])})
    assert response.status_code == 403 and not Product.objects.exists()


def test_xlsx_template_has_the_chinese_header_and_the_vendors_choices(shop):
    response = signed_in(shop.owner).get(URL + "template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["商品"][1]] == HEADER
    assert book["商品"].max_row == 1  # no example row that would be imported
    notes = [str(c.value) for r in book["填写说明"].iter_rows() for c in r if c.value]
    assert "伊山仓" in notes and "冷库" in notes and "板浦仓" not in notes
    assert "大米" in notes and "粮食特产" in notes and "伊山镇" in notes
    assert "价格（元） *" in notes


def test_csv_template_is_utf8_with_bom(shop):
    response = signed_in(shop.owner).get(URL + "template.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip() == ",".join(c.header for c in COLUMNS)


def test_filled_template_imports(shop):
    """The downloaded template, filled in and uploaded again."""
    client = signed_in(shop.owner)
    book = load_workbook(io.BytesIO(client.get(URL + "template.xlsx").content))
    book["商品"].append(row())
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "filled.xlsx"
    buffer.seek(0)
    page = client.post(URL, {"file": buffer})
    assert "已导入 1 个商品" in page.content.decode()
    assert Product.objects.get().listing.state == ListingState.DRAFT


def test_errors_are_shown_in_a_table_with_the_report_link_and_nothing_is_imported(shop):
    client = signed_in(shop.owner)
    page = client.post(URL, {"file": csv_file([row(), row(name="b", sku="B-1", price="0")])})
    html = page.content.decode()
    assert page.status_code == 200
    assert "表格有错误，未导入任何商品" in html
    assert '<tr data-code="INVALID_PRICE"><td>3</td><td>价格（元）</td>' in html
    assert not Product.objects.exists()
    report = client.get(report_url(html))
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    assert [c.value for c in book["商品"][1]] == [*HEADER, "错误"]
    assert book["商品"].cell(row=3, column=len(HEADER) + 1).value.startswith("价格（元）：")
    assert book["商品"].cell(row=2, column=len(HEADER) + 1).value is None


def test_import_valid_rows_checkbox(shop):
    client = signed_in(shop.owner)
    upload = csv_file([row(), row(name="b", sku="B-1", price="0")])
    page = client.post(URL, {"file": upload, "import_valid_rows": "on"})
    html = page.content.decode()
    assert "已导入 1 个商品（1 个规格）" in html and "共 2 行，其中 1 行有错误" in html
    assert list(Product.objects.values_list("name", flat=True)) == ["伊山大米"]


def test_a_renamed_pdf_is_refused_on_the_page(shop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("商品.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    page = signed_in(shop.owner).post(URL, {"file": upload})
    assert page.status_code == 200 and "无法识别的文件" in page.content.decode()


def test_posting_without_a_file_shows_the_error_next_to_the_field(shop):
    page = signed_in(shop.owner).post(URL, {})
    assert page.status_code == 200 and 'id="id_file-errors"' in page.content.decode()


def test_suspended_vendor_sees_why_nothing_was_imported(shop):
    shop.vendor.status = "suspended"
    shop.vendor.save()
    page = signed_in(shop.owner).post(URL, {"file": csv_file([row()])})
    assert page.status_code == 200 and "不能导入商品" in page.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize("path", ["", "template.xlsx", "template.csv"])
def test_pages_need_a_signed_in_user(client, shop, path):
    response = client.get(URL + path)
    assert response.status_code == 302 and "/vendor/login/" in response["Location"]


@pytest.mark.parametrize("path", ["", "template.xlsx", "template.csv"])
def test_a_user_of_no_vendor_gets_the_403_page(shop, path):
    response = signed_in(shop.outsider).get(URL + path)
    assert response.status_code == 403
    assert "您还不是任何商家的员工" in response.content.decode()


def test_unknown_template_format_is_404(shop):
    assert signed_in(shop.owner).get(URL + "template.pdf").status_code == 404


def _report_of(shop) -> str:
    page = signed_in(shop.owner).post(URL, {"file": csv_file([row(price="0")])})
    return report_url(page.content.decode())


def test_report_is_for_the_vendors_staff_only(shop, client):
    url = _report_of(shop)
    assert signed_in(shop.clerk).get(url).status_code == 200
    assert signed_in(shop.other_owner).get(url).status_code == 404
    assert signed_in(shop.outsider).get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/vendor/login/" in anonymous["Location"]


def test_report_with_a_bearer_token(shop, client):
    from backend.account.jwt import create_access_token

    url = _report_of(shop)
    own = client.get(url, HTTP_AUTHORIZATION=f"Bearer {create_access_token(shop.clerk)}")
    assert own.status_code == 200
    other = client.get(url, HTTP_AUTHORIZATION=f"Bearer {create_access_token(shop.other_owner)}")
    assert other.status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


@pytest.mark.parametrize("token", ["short", "..%2F..%2Fsecret-file-name-here", "x" * 30])
def test_bad_or_unknown_report_tokens_are_404(shop, token):
    assert signed_in(shop.owner).get(f"{URL}reports/{token}/").status_code == 404
