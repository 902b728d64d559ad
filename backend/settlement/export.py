"""A statement as a file for the vendor's accountant: CSV (UTF-8 with a BOM, so Excel opens the
Chinese headers correctly) and XLSX. Lines first, then the totals. Amounts are written as they
are stored (fen, two decimals); nothing is rounded here."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.settlement.models import StatementLine, StatementLineKind, VendorStatement

BOM = "\ufeff"


def headers() -> list[str]:
    return [
        _("类型"),
        _("订单号"),
        _("商品"),
        _("数量"),
        _("金额（元）"),
        _("商家承担优惠（元）"),
        _("平台佣金（元）"),
        _("应结金额（元）"),
        _("发生时间"),
        _("说明"),
    ]


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _line_row(line: StatementLine) -> list:
    return [
        str(StatementLineKind(line.kind).label),
        line.order_number or "",
        line.product_name,
        line.quantity if line.kind == StatementLineKind.SALE else "",
        line.amount,
        line.discount,
        line.commission,
        line.net,
        _local(line.occurred_at),
        line.note,
    ]


def title_rows(statement: VendorStatement) -> list[list]:
    return [
        [_("商家"), statement.vendor.name],
        [_("账期"), f"{statement.period_start:%Y-%m-%d} ~ {statement.period_end:%Y-%m-%d}"],
        [_("状态"), str(statement.get_status_display())],
        [_("佣金比例"), f"{statement.commission_rate * 100:.2f}%"],
    ]


def total_rows(statement: VendorStatement) -> list[list]:
    rows: list[list] = [
        [_("销售总额"), statement.gross_amount],
        [_("退款"), statement.refund_amount],
        [_("商家承担优惠"), statement.discount_amount],
        [_("平台佣金"), statement.commission_amount],
        [_("调整"), statement.adjustment_amount],
        [_("应付金额"), statement.net_amount],
    ]
    if statement.paid_at:
        rows.append([_("付款时间"), _local(statement.paid_at)])
        rows.append([_("付款凭证号"), statement.payment_reference])
    return rows


def _lines(statement: VendorStatement, lines):
    if lines is not None:
        return lines
    return statement.lines.order_by("occurred_at", "pk").iterator(chunk_size=2000)


def export_csv(statement: VendorStatement, *, lines=None) -> bytes:
    """The statement as CSV bytes: UTF-8 with BOM, a title block, the lines, the totals.
    `lines`: the statement's lines when the caller already has them (in date order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(title_rows(statement))
    writer.writerow([])
    writer.writerow(headers())
    for line in _lines(statement, lines):
        writer.writerow(_line_row(line))
    writer.writerow([])
    writer.writerows(total_rows(statement))
    return (BOM + buffer.getvalue()).encode("utf-8")


def export_xlsx(statement: VendorStatement, *, lines=None) -> bytes:
    """The statement as an XLSX workbook: sheet 对账单 with the title block, the lines (money
    as numbers formatted 0.00) and the totals."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = _("对账单")
    bold = Font(bold=True)
    for row in title_rows(statement):
        sheet.append(row)
    sheet.append([])
    sheet.append(headers())
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    header_row = sheet.max_row
    for line in _lines(statement, lines):
        sheet.append(_line_row(line))
    for row in sheet.iter_rows(min_row=header_row + 1, min_col=5, max_col=8):
        for cell in row:
            cell.number_format = "0.00"
    sheet.append([])
    for row in total_rows(statement):
        sheet.append(row)
        label, value = sheet[sheet.max_row][0], sheet[sheet.max_row][1]
        label.font = bold
        if isinstance(value.value, Decimal):
            value.number_format = "0.00"
    for column, width in zip("ABCDEFGHIJ", (8, 14, 30, 6, 12, 16, 14, 14, 17, 24), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def filename(statement: VendorStatement, extension: str) -> str:
    return f"statement-{statement.vendor_id}-{statement.period_start:%Y%m%d}.{extension}"
