"""The import service: what a good file creates, what a file with errors does not, and every
rule of the row-by-row check (row, column, message, code)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.catalog.models import Product, ProductChannelListing, ProductVariant
from backend.core.models import AuditLogEntry
from backend.inventory.models import Stock
from backend.listings.imports import import_listings
from backend.listings.models import ListingState
from backend.vendors.models import VendorStatus
from tests.factories import CategoryFactory, ProductVariantFactory
from tests.listings_import.conftest import HEADER, csv_file, row, xlsx_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"


def codes(result) -> set[str]:
    return {str(problem.code) for problem in result.problems}


def only_problem(result):
    assert len(result.problems) == 1, [(p.row, p.column, p.message) for p in result.problems]
    return result.problems[0]


def test_good_xlsx_creates_draft_products_of_the_vendor_with_prices_and_stock(shop):
    rows = [
        row(),
        row(
            sku="YS-DM-10KG",
            variant_name="10kg 袋装",
            price="75",
            weight="10.3",
            quantity="20",
            category="",
            product_type="",
            description="",
            origin="",
        ),
        row(name="伊山糙米", sku="YS-CM-1KG", price="12.5", weight="", quantity="", warehouse=""),
    ]
    result = import_listings(user=shop.clerk, upload=xlsx_file(rows))
    assert result.problems == []
    assert (result.created_products, result.created_variants) == (2, 3)
    assert result.report_token is None
    rice = Product.objects.get(name="伊山大米")
    assert rice.vendor == shop.vendor and rice.category == shop.category
    assert rice.product_type == shop.product_type
    assert rice.listing.state == ListingState.DRAFT
    assert rice.description_plaintext == "当季新米。"
    assert [v.name for v in rice.attribute_values.all()] == ["伊山镇"]
    assert not ProductChannelListing.objects.filter(is_published=True).exists()
    big = ProductVariant.objects.get(sku="YS-DM-10KG")
    assert big.product == rice and big.weight_grams == 10300
    assert big.channel_listings.get().price_amount == Decimal("75.00")
    assert Stock.objects.get(product_variant=big).quantity == 20
    assert Stock.objects.get(product_variant__sku="YS-DM-5KG").warehouse == shop.warehouse
    brown = ProductVariant.objects.get(sku="YS-CM-1KG")
    assert not brown.stocks.exists() and brown.weight_grams is None
    entry = AuditLogEntry.objects.get(action="listing.bulk_imported")
    assert entry.after["products"] == 2 and entry.actor == shop.clerk


def test_file_with_a_bad_row_writes_nothing(shop):
    rows = [row(), row(name="伊山糙米", sku="YS-CM-1KG", price="-1")]
    result = import_listings(user=shop.owner, upload=csv_file(rows))
    problem = only_problem(result)
    assert (problem.row, problem.column, problem.code) == (3, "价格（元）", "INVALID_PRICE")
    assert "大于 0" in problem.message
    assert result.created_products == 0 and result.imported_rows == 0
    assert not Product.objects.exists() and not Stock.objects.exists()
    assert not AuditLogEntry.objects.filter(action="listing.bulk_imported").exists()
    assert result.report_token


def test_import_valid_rows_imports_only_the_valid_rows(shop):
    rows = [
        row(),
        row(name="伊山糙米", sku="YS-CM-1KG", price="abc"),
        row(name="伊山香米", sku="YS-XM-1KG", price="20"),
    ]
    result = import_listings(user=shop.owner, upload=csv_file(rows), import_valid_rows=True)
    assert only_problem(result).row == 3
    assert result.created_products == 2 and result.imported_rows == 2
    assert set(Product.objects.values_list("name", flat=True)) == {"伊山大米", "伊山香米"}


def test_import_valid_rows_skips_later_rows_of_a_product_whose_first_row_is_bad(shop):
    rows = [
        row(category="没有这个分类"),
        row(sku="YS-DM-10KG", category="", product_type=""),
    ]
    result = import_listings(user=shop.owner, upload=csv_file(rows), import_valid_rows=True)
    assert [(p.row, p.code) for p in result.problems] == [
        (2, "NOT_FOUND"),
        (3, "PRODUCT_NOT_CREATED"),
    ]
    assert not Product.objects.exists()


def test_a_row_the_listing_service_refuses_is_reported_on_its_row(shop):
    """SKUs are checked against the catalog in one read; a SKU taken meanwhile is refused by
    the service and still lands on its own row."""
    ProductVariantFactory(sku="TAKEN-1")
    rows = [row(), row(sku="TAKEN-1", variant_name="10kg", category="", product_type="")]
    result = import_listings(user=shop.owner, upload=csv_file(rows), import_valid_rows=True)
    problem = only_problem(result)
    assert (problem.row, problem.column, problem.code) == (3, "SKU", "SKU_EXISTS")
    assert ProductVariant.objects.filter(product__vendor=shop.vendor).count() == 1


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"name": ""}, "商品名称", "REQUIRED"),
        ({"name": "米" * 251}, "商品名称", "TOO_LONG"),
        ({"sku": ""}, "SKU", "REQUIRED"),
        ({"sku": "A B"}, "SKU", "INVALID"),
        ({"price": ""}, "价格（元）", "REQUIRED"),
        ({"price": "0"}, "价格（元）", "INVALID_PRICE"),
        ({"price": "12.345"}, "价格（元）", "INVALID_PRICE"),
        ({"price": "十二"}, "价格（元）", "INVALID_PRICE"),
        ({"price": "99999999"}, "价格（元）", "INVALID_PRICE"),
        ({"weight": "-1"}, "重量（千克）", "INVALID_WEIGHT"),
        ({"weight": "0.0005"}, "重量（千克）", "INVALID_WEIGHT"),
        ({"weight": "重"}, "重量（千克）", "INVALID_WEIGHT"),
        ({"quantity": "1.5"}, "库存", "INVALID_QUANTITY"),
        ({"quantity": "-3"}, "库存", "INVALID_QUANTITY"),
        ({"quantity": "many"}, "库存", "INVALID_QUANTITY"),
        ({"category": "不存在"}, "分类", "NOT_FOUND"),
        ({"category": ""}, "分类", "REQUIRED"),
        ({"product_type": "不存在"}, "商品类型", "NOT_FOUND"),
        ({"warehouse": "板浦仓"}, "仓库", "NOT_FOUND"),
        ({"warehouse": "banpu"}, "仓库", "NOT_FOUND"),
        ({"warehouse": ""}, "仓库", "WAREHOUSE_REQUIRED"),
        ({"origin": "火星"}, "产地", "NOT_FOUND"),
        ({"description": "好" * 5001}, "描述", "TOO_LONG"),
    ],
)
def test_each_cell_rule(shop, values, column, code):
    result = import_listings(user=shop.owner, upload=csv_file([row(**values)]))
    problem = only_problem(result)
    assert (problem.row, problem.column, problem.code) == (2, column, code)
    assert problem.message
    assert not Product.objects.exists()


def test_category_product_type_and_warehouse_by_slug_and_loose_spelling(shop):
    rows = [
        row(category="RICE", product_type="grain-specialty", warehouse="cold", price="¥1,200.00")
    ]
    result = import_listings(user=shop.owner, upload=csv_file(rows))
    assert result.problems == []
    variant = ProductVariant.objects.get()
    assert variant.stocks.get().warehouse == shop.cold_store
    assert variant.channel_listings.get().price_amount == Decimal("1200.00")


def test_ambiguous_category_name_asks_for_the_slug(shop):
    CategoryFactory(name="大米", slug="rice-2")
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file([row()])))
    assert (problem.column, problem.code) == ("分类", "AMBIGUOUS")


def test_origin_on_a_type_without_origin_is_refused(shop):
    problem = only_problem(
        import_listings(user=shop.owner, upload=csv_file([row(product_type="旅游服务")]))
    )
    assert (problem.column, problem.code) == ("产地", "INVALID")


def test_stock_without_warehouse_uses_the_only_warehouse(shop):
    shop.cold_store.delete()
    result = import_listings(user=shop.owner, upload=csv_file([row(warehouse="")]))
    assert result.problems == []
    assert Stock.objects.get().warehouse == shop.warehouse


def test_sku_already_in_the_catalog(shop):
    ProductVariantFactory(sku="YS-DM-5KG")
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file([row()])))
    assert (problem.column, problem.code) == ("SKU", "SKU_EXISTS")


def test_sku_twice_in_the_file(shop):
    rows = [row(), row(name="伊山糙米")]
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file(rows)))
    assert (problem.row, problem.column, problem.code) == (3, "SKU", "DUPLICATE_SKU")
    assert "第 2 行" in problem.message


def test_duplicate_row(shop):
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file([row(), row()])))
    assert (problem.row, problem.column, problem.code) == (3, None, "DUPLICATE_ROW")


def test_rows_of_one_product_must_agree(shop):
    rows = [row(), row(sku="YS-DM-10KG", category="rice", product_type="旅游服务", origin="")]
    result = import_listings(user=shop.owner, upload=csv_file(rows))
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (3, "商品类型", "INCONSISTENT_PRODUCT")
    ]


def test_single_variant_type_takes_one_row_per_product(shop):
    rows = [
        row(product_type="旅游服务", origin=""),
        row(product_type="旅游服务", origin="", sku="T-2"),
    ]
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file(rows)))
    assert (problem.row, problem.code) == (3, "SINGLE_VARIANT_TYPE")


def test_missing_duplicate_and_unknown_columns(shop):
    header = [h for h in HEADER if h != "价格（元）"] + ["备注", "SKU"]
    result = import_listings(user=shop.owner, upload=csv_file([["x"] * len(header)], header=header))
    assert codes(result) == {"UNKNOWN_COLUMN", "DUPLICATE_COLUMN", "MISSING_COLUMN"}
    assert all(problem.row == 1 for problem in result.problems)
    assert result.total_rows == 0 and not Product.objects.exists()


def test_unknown_column_alone_blocks_a_strict_import_but_not_valid_rows(shop):
    header = [*HEADER, "备注"]
    strict = import_listings(user=shop.owner, upload=csv_file([[*row(), "x"]], header=header))
    assert codes(strict) == {"UNKNOWN_COLUMN"} and strict.created_products == 0
    lenient = import_listings(
        user=shop.owner, upload=csv_file([[*row(), "x"]], header=header), import_valid_rows=True
    )
    assert lenient.created_products == 1


def test_headers_in_half_width_and_the_report_column_are_accepted(shop):
    header = [h.replace("（", "(").replace("）", ")") for h in HEADER] + ["错误"]
    upload = csv_file([[*row(), "旧的错误"]], header=header)
    result = import_listings(user=shop.owner, upload=upload)
    assert result.problems == [] and result.created_products == 1


def test_gbk_csv_from_chinese_excel(shop):
    result = import_listings(user=shop.owner, upload=csv_file([row()], encoding="gbk"))
    assert result.problems == []
    assert Product.objects.get().name == "伊山大米"


def test_csv_without_bom_and_with_semicolons(shop):
    text = ";".join(HEADER) + "\n" + ";".join(row()) + "\n"
    upload = SimpleUploadedFile("a.csv", text.encode("utf-8"))
    assert import_listings(user=shop.owner, upload=upload).created_products == 1


def test_numbers_typed_in_excel_number_cells(shop):
    values = row()
    values[HEADER.index("价格（元）")] = 39.9
    values[HEADER.index("库存")] = 100.0
    values[HEADER.index("重量（千克）")] = 5.2
    result = import_listings(user=shop.owner, upload=xlsx_file([values]))
    assert result.problems == []
    variant = ProductVariant.objects.get()
    assert variant.channel_listings.get().price_amount == Decimal("39.90")
    assert variant.stocks.get().quantity == 100 and variant.weight_grams == 5200


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (PDF, "商品.xlsx", "UNSUPPORTED_FILE_TYPE"),
        (PDF, "商品.csv", "UNSUPPORTED_FILE_TYPE"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "商品.csv", "UNSUPPORTED_FILE_TYPE"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "商品.xls", "UNSUPPORTED_FILE_TYPE"),
        (b"PK\x03\x04broken zip", "商品.xlsx", "UNSUPPORTED_FILE_TYPE"),
        (b"", "商品.csv", "EMPTY_FILE"),
        ("商品名称,分类\n".encode("utf-16"), "商品.csv", "UNSUPPORTED_FILE_TYPE"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(shop, content, name, code):
    result = import_listings(user=shop.owner, upload=SimpleUploadedFile(name, content))
    problem = only_problem(result)
    assert (problem.row, problem.code) == (None, code)
    assert result.report_token is None and not Product.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(shop):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    upload = SimpleUploadedFile("商品.xlsx", buffer.getvalue())
    assert only_problem(import_listings(user=shop.owner, upload=upload)).code == (
        "UNSUPPORTED_FILE_TYPE"
    )


def test_a_workbook_renamed_to_csv_is_read_as_a_workbook(shop):
    upload = xlsx_file([row()], name="商品.csv")
    assert import_listings(user=shop.owner, upload=upload).created_products == 1


def test_size_limit(shop, settings):
    settings.LISTING_IMPORT_MAX_BYTES = 200
    upload = csv_file([row(), row(sku="2", name="b")])
    assert only_problem(import_listings(user=shop.owner, upload=upload)).code == "FILE_TOO_LARGE"


def test_row_limit(shop, settings):
    settings.LISTING_IMPORT_MAX_ROWS = 3
    rows = [row(name=f"米{i}", sku=f"S-{i}") for i in range(4)]
    problem = only_problem(import_listings(user=shop.owner, upload=csv_file(rows)))
    assert problem.code == "TOO_MANY_ROWS" and "3" in problem.message
    settings.LISTING_IMPORT_MAX_ROWS = 4
    assert import_listings(user=shop.owner, upload=csv_file(rows)).created_products == 4


def test_header_only_and_blank_rows(shop):
    assert only_problem(import_listings(user=shop.owner, upload=csv_file([]))).code == "EMPTY_FILE"
    rows = [[""] * len(HEADER), row()]
    result = import_listings(user=shop.owner, upload=csv_file(rows))
    assert result.problems == [] and result.rows[0].number == 3


def test_only_vendor_staff_may_import(shop):
    with pytest.raises(ValidationError) as error:
        import_listings(user=shop.outsider, upload=csv_file([row()]))
    assert error.value.code == "NOT_VENDOR_STAFF"


def test_suspended_vendor_may_not_import(shop):
    shop.vendor.status = VendorStatus.SUSPENDED
    shop.vendor.save()
    with pytest.raises(ValidationError) as error:
        import_listings(user=shop.owner, upload=csv_file([row()]))
    assert error.value.code == "VENDOR_INACTIVE"
    assert not Product.objects.exists()
