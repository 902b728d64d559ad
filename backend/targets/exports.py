"""Exports for provincial reporting: each target's drill-down as CSV or XLSX, the combined
monthly report (one row per month, the county's own column names: 月份, 扶贫产品网络销售额(元),
…) and a PDF of the summary for the office's paper file (reportlab with its built-in
STSong-Light CID font, so Chinese prints without shipping a font file)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.targets import months
from backend.targets.drilldown import Table
from backend.targets.selectors import Figure, figures

# Text a spreadsheet would run as a formula (CSV/formula injection): product and vendor names
# come from vendors, so such cells are written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else _text(value)


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else _text(v) for v in table.render(row)])
    # A BOM so that Excel opens the Chinese headings as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([_cell(v) for v in table.render(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_report(last: dt.date, count: int = 24) -> tuple[list[str], list[list]]:
    """One row per month; for each target its value as of that month, then its status."""
    shown = figures(last, series_months=count)
    columns = [_("月份")]
    for figure in shown:
        unit = f"({figure.target.unit})" if figure.target.unit else ""
        columns.append(f"{figure.target.title}{unit}")
        if figure.target.secondary:
            columns.append(f"{figure.target.secondary.title}({figure.target.secondary.unit})")
    columns.append(_("示例数据"))
    rows = []
    for index, month in enumerate(
        months.months_between(months.add_months(last, -(count - 1)), last)
    ):
        row: list = [months.label(month)]
        demo = False
        for figure in shown:
            point = figure.series[index]
            row.append(point.value)
            demo = demo or point.is_demo
            if figure.target.secondary:
                row.append(point.secondary)
        row.append(_("是") if demo else "")
        rows.append(row)
    return columns, rows


def monthly_report_xlsx(last: dt.date) -> bytes:
    columns, rows = monthly_report(last)
    book = Workbook()
    sheet = book.active
    sheet.title = _("月度报表")
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.column_dimensions["A"].width = 10
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_report_csv(last: dt.date) -> bytes:
    columns, rows = monthly_report(last)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _shown(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}{unit}" if unit == "%" else f"{value:,.2f}".rstrip("0").rstrip(".") + unit


def summary_pdf(shown: list[Figure], *, county: str, month: dt.date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        Table as PdfTable,
    )

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    heading = ParagraphStyle("h", fontName="STSong-Light", fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=9, leading=12)
    data = [[_("序号"), _("目标"), _("当前值"), _("目标值"), _("状态")]]
    for figure in shown:
        target = figure.target
        value = _shown(figure.value, target.unit)
        goal = _shown(target.target, target.unit)
        if target.secondary:
            second = _shown(figure.secondary_value, target.secondary.unit)
            value += f"；{target.secondary.title} {second}"
            goal += f"；{_shown(target.secondary.target, target.secondary.unit)}"
        title = target.title + (f"（{_('示例数据')}）" if figure.is_demo else "")
        data.append(
            [
                str(target.number),
                Paragraph(title, body),
                Paragraph(value, body),
                Paragraph(goal, body),
                figure.status_label,
            ]
        )
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=_("规划目标进展"))
    grid = PdfTable(data, colWidths=[28, 170, 130, 110, 60], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    title = _("%(county)s农村电子商务规划目标进展（截至 %(month)s）") % {
        "county": county,
        "month": months.label(month),
    }
    document.build([Paragraph(title, heading), Spacer(1, 12), grid])
    return out.getvalue()
