"""The error report of a listing import: the rows as uploaded plus an 错误 column (issue #6).

Stored in the default storage under the vendor's id and a random token, so the path can be
neither guessed nor reached from another vendor: the download view rebuilds the path from
the signed-in user's own vendor, and another vendor's token simply is not there (404).
The vendor fixes the rows in this workbook and uploads it again: the 错误 column is ignored
on upload.
"""

from __future__ import annotations

import io
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from backend.listings.imports import REPORT_COLUMN, ImportResult

REPORT_DIR = "listing-imports"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Cells Excel would run as a formula (CSV/formula injection): written as text.
FORMULA_STARTS = ("=", "+", "-", "@")


def report_path(vendor_id: int, token: str) -> str | None:
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return f"{REPORT_DIR}/{int(vendor_id)}/{token}.xlsx"


def _text_cell(sheet, row: int, column: int, value) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"


def report_bytes(result: ImportResult) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "商品"
    header = list(result.header)
    # After the widest row: cells beyond the header are kept as they were, not overwritten.
    error_column = max([len(header), *(len(row.cells) for row in result.rows)]) + 1
    for index, text in enumerate(header, start=1):
        _text_cell(sheet, 1, index, text)
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.cell(row=1, column=error_column, value=REPORT_COLUMN).font = Font(
        bold=True, color="C62828"
    )
    # Problems of the header and of the whole file are on the 问题清单 sheet only: the header
    # row must stay as it is for the corrected workbook to be uploaded again.
    bad = PatternFill("solid", fgColor="FDECEA")
    for offset, row in enumerate(result.rows, start=2):
        for index, value in enumerate(row.cells, start=1):
            _text_cell(sheet, offset, index, value)
        if row.problems:
            messages = "；".join(
                f"{p.column}：{p.message}" if p.column else p.message for p in row.problems
            )
            cell = sheet.cell(row=offset, column=error_column, value=messages)
            cell.alignment = Alignment(wrap_text=True)
            for index in range(1, error_column + 1):
                sheet.cell(row=offset, column=index).fill = bad
    sheet.column_dimensions[sheet.cell(row=1, column=error_column).column_letter].width = 60
    sheet.freeze_panes = "A2"

    summary = book.create_sheet("问题清单")
    for index, text in enumerate((_("行号"), _("列"), _("问题"), _("代码")), start=1):
        summary.cell(row=1, column=index, value=text).font = Font(bold=True)
    for offset, problem in enumerate(result.problems, start=2):
        summary.cell(row=offset, column=1, value=problem.row)
        _text_cell(summary, offset, 2, problem.column or "")
        _text_cell(summary, offset, 3, problem.message)
        summary.cell(row=offset, column=4, value=str(problem.code))
    summary.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def store_report(result: ImportResult) -> str:
    """Save the report; returns its token (the last part of the download URL)."""
    token = secrets.token_urlsafe(24)
    path = report_path(result.vendor.pk, token)
    assert path is not None
    default_storage.save(path, ContentFile(report_bytes(result)))
    return token


def open_report(vendor_id: int, token: str):
    """The stored report of this vendor with this token, open for reading; None when there
    is none (a bad token, another vendor's report, a removed file)."""
    path = report_path(vendor_id, token)
    if path is None or not default_storage.exists(path):
        return None
    return default_storage.open(path, "rb")
