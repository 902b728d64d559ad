"""The listing import template a vendor downloads (issue #6).

XLSX: the 商品 sheet holds the header only (an example row left in would be imported), with
drop-down lists of the vendor's choices; the 填写说明 sheet explains each column and lists the
categories, product types, origins and the vendor's own warehouses. CSV: the header only, in
UTF-8 with a BOM, so Excel on a Chinese Windows opens it without garbling the Chinese.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from backend.catalog.models import AttributeValue, Category, ProductType
from backend.inventory.models import Warehouse
from backend.listings.import_table import DATA_SHEET, max_rows
from backend.listings.imports import COLUMNS, ORIGIN_ATTRIBUTE
from backend.vendors.models import Vendor

INSTRUCTIONS_SHEET = "填写说明"
LISTS_SHEET = "可选值"
EXAMPLE = {
    "name": "灌云大米",
    "category": "大米",
    "product_type": "粮食特产",
    "sku": "GY-DM-5KG",
    "variant_name": "5kg 袋装",
    "price": "39.90",
    "weight": "5.2",
    "quantity": "100",
    "warehouse": "",
    "description": "当季新米，真空包装。",
    "origin": "",
}


def _choices(vendor: Vendor) -> dict[str, list[tuple[str, str]]]:
    """(name, slug) of what each column may name."""
    return {
        "category": list(
            Category.objects.order_by("level", "sort_order", "name").values_list("name", "slug")
        ),
        "product_type": list(ProductType.objects.order_by("name").values_list("name", "slug")),
        "warehouse": list(
            Warehouse.objects.filter(vendor=vendor).order_by("name").values_list("name", "slug")
        ),
        "origin": list(
            AttributeValue.objects.filter(attribute__slug=ORIGIN_ATTRIBUTE)
            .order_by("sort_order", "name")
            .values_list("name", "slug")
        ),
    }


def template_csv() -> bytes:
    header = ",".join(column.header for column in COLUMNS)
    return ("\ufeff" + header + "\r\n").encode("utf-8")


def template_xlsx(vendor: Vendor) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = _choices(vendor)
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required
        sheet.column_dimensions[get_column_letter(index)].width = 28 if index == 10 else 16
        if column.key in ("sku", "price", "weight", "quantity"):
            # Text cells keep "DM-001" and "39.90" exactly as typed.
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "A2"

    lists = book.create_sheet(LISTS_SHEET)
    for offset, key in enumerate(("category", "product_type", "warehouse", "origin"), start=1):
        position = next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
        names = [name for name, _slug in choices[key]]
        lists.cell(row=1, column=offset, value=next(c.header for c in COLUMNS if c.key == key))
        for row, name in enumerate(names, start=2):
            lists.cell(row=row, column=offset, value=name)
        if not names:
            continue
        letter = get_column_letter(offset)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(names) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        sheet.add_data_validation(validation)
        column_letter = get_column_letter(position)
        validation.add(f"{column_letter}2:{column_letter}{max_rows() + 1}")
    lists.sheet_state = "hidden"

    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 70
    notes.column_dimensions["C"].width = 24
    lines: list[tuple[str, str, str]] = [
        (_("批量导入商品：填写说明"), "", ""),
        ("", _("在“商品”工作表中每行填写一个规格（SKU），同名的多行是同一商品的不同规格。"), ""),
        (
            "",
            _("最多 %(rows)d 行。导入的商品都是草稿，需在工作台提交审核，审核通过后才会上架。")
            % {"rows": max_rows()},
            "",
        ),
        ("", _("文件有任何错误时默认不导入；勾选“导入有效行”则只导入没有错误的行。"), ""),
        ("", "", ""),
        (_("列名"), _("填写要求"), _("示例")),
    ]
    lines += [
        (
            column.header + (" *" if column.required else ""),
            str(column.hint),
            EXAMPLE.get(column.key, ""),
        )
        for column in COLUMNS
    ]
    labels = {
        "category": _("可选分类"),
        "product_type": _("可选商品类型"),
        "warehouse": _("本商家仓库"),
        "origin": _("可选产地"),
    }
    for key, label in labels.items():
        lines.append(("", "", ""))
        lines.append((label, _("名称"), _("标识")))
        if not choices[key]:
            lines.append(("", _("（无）"), ""))
        lines += [("", name, slug) for name, slug in choices[key]]
    for row, values in enumerate(lines, start=1):
        for position, value in enumerate(values, start=1):
            cell = notes.cell(row=row, column=position, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if position == 1 and value:
                cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
