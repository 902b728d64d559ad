"""The error report: the rows as uploaded plus an 错误 column, a list of every problem, stored
under the vendor's id and a random token, safe to open in Excel, and fit to upload again
once corrected."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from backend.catalog.models import Product
from backend.listings.import_report import open_report, report_path
from backend.listings.imports import import_listings
from tests.listings_import.conftest import HEADER, csv_file, row

pytestmark = pytest.mark.django_db

ERROR = len(HEADER) + 1


def report_book(result):
    assert result.report_token
    with open_report(result.vendor.pk, result.report_token) as handle:
        return load_workbook(io.BytesIO(handle.read()))


def test_report_has_the_rows_an_error_column_and_a_problem_list(shop):
    rows = [row(), row(name="糙米", sku="C-1", price="1.234", quantity="x"), row()]
    result = import_listings(user=shop.owner, upload=csv_file(rows))
    book = report_book(result)
    sheet = book["商品"]
    assert [c.value for c in sheet[1]] == [*HEADER, "错误"]
    assert [c.value for c in sheet[2]][: len(HEADER)] == row()
    assert sheet.cell(row=2, column=ERROR).value is None
    assert sheet.cell(row=3, column=ERROR).value == (
        "价格（元）：价格最多保留两位小数（分）。；库存：库存“x”应为整数。"
    )
    assert sheet.cell(row=4, column=ERROR).value == "与第 2 行完全相同。"
    listed = [[c.value for c in r] for r in book["问题清单"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3]) for r in listed] == [
        (3, "价格（元）", "INVALID_PRICE"),
        (3, "库存", "INVALID_QUANTITY"),
        (4, None, "DUPLICATE_ROW"),
    ]


def test_report_path_has_the_vendor_id_and_a_random_token(shop):
    first = import_listings(user=shop.owner, upload=csv_file([row(price="0")]))
    second = import_listings(user=shop.owner, upload=csv_file([row(price="0")]))
    assert first.report_token != second.report_token and len(first.report_token) >= 32
    path = report_path(shop.vendor.pk, first.report_token)
    assert path == f"listing-imports/{shop.vendor.pk}/{first.report_token}.xlsx"
    assert default_storage.exists(path)
    assert open_report(shop.other_vendor.pk, first.report_token) is None


def test_cells_that_look_like_formulas_stay_text(shop):
    rows = [row(name='=HYPERLINK("http://evil")', price="0", description="+1+1")]
    sheet = report_book(import_listings(user=shop.owner, upload=csv_file(rows)))["商品"]
    name = sheet.cell(row=2, column=1)
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=HEADER.index("描述") + 1).data_type == "s"


def test_corrected_report_can_be_uploaded_again(shop):
    result = import_listings(user=shop.owner, upload=csv_file([row(price="0")]))
    book = report_book(result)
    book["商品"].cell(row=2, column=HEADER.index("价格（元）") + 1).value = "45"
    buffer = io.BytesIO()
    book.save(buffer)
    again = import_listings(
        user=shop.owner, upload=SimpleUploadedFile("报告.xlsx", buffer.getvalue())
    )
    assert again.problems == [] and again.created_products == 1
    assert Product.objects.get().variants.get().channel_listings.get().price_amount == 45


def test_file_level_problems_are_in_the_problem_list_only(shop):
    header = [*HEADER, "备注"]
    result = import_listings(user=shop.owner, upload=csv_file([[*row(), "x"]], header=header))
    book = report_book(result)
    assert [c.value for c in book["商品"][1]] == [*header, "错误"]
    listed = [[c.value for c in r] for r in book["问题清单"].iter_rows(min_row=2)]
    assert listed == [[1, "备注", "未知的列“备注”，请使用模板中的列名。", "UNKNOWN_COLUMN"]]


def test_cells_beyond_the_header_are_kept_before_the_error_column(shop):
    rows = [[*row(price="0"), "", "多出的格子"]]
    sheet = report_book(import_listings(user=shop.owner, upload=csv_file(rows)))["商品"]
    assert sheet.cell(row=2, column=ERROR + 1).value == "多出的格子"
    assert sheet.cell(row=1, column=ERROR + 2).value == "错误"
    assert sheet.cell(row=2, column=ERROR + 2).value.startswith("价格（元）：")
