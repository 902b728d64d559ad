"""The zone's report as CSV (one table) or XLSX (every table, one sheet each), with the column
names of the county's 电商扶贫 statistics forms, so the office can paste them into its returns.
Amounts are yuan with two decimals; nothing is rounded beyond the fen."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from backend.poverty.reports import Report, Row


def _amount(value) -> str:
    return f"{value:.2f}"


def tables(report: Report) -> dict[str, tuple[str, list[str], list[list]]]:
    """key → (sheet title, header, rows)."""

    def rows(items: list[Row], *, sales=True, extra=False, households=True) -> list[list]:
        result = []
        for row in items:
            line: list = [row.label]
            if extra:
                line = [row.key, row.label, row.extra]
            if sales:
                line += [_amount(row.sales), row.quantity]
            line.append(_amount(row.benefit))
            if households:
                line.append(row.households)
            result.append(line)
        return result

    sales_columns = [_("扶贫产品销售额（元）"), _("销售数量（件）")]
    benefit = _("带贫收益（元）")
    households = _("受益低收入户（户）")
    coverage = report.coverage
    inclusion = report.inclusion
    summary: list[list] = [
        [_("年度"), report.year],
        [_("年度目标（元）"), _amount(report.target)],
        [_("扶贫产品销售额（元）"), _amount(report.sales)],
        [_("完成率（%）"), report.percent],
        [_("带贫收益（元）"), _amount(report.benefit)],
        [_("已剔除的关联购买（元）"), _amount(report.excluded_sales)],
    ]
    if coverage is not None:
        summary += [
            [_("经济薄弱村（个）"), coverage.weak_villages],
            [_("站点服务的经济薄弱村（个）"), coverage.served_by_station],
            [_("扶贫产品带动的经济薄弱村（个）"), coverage.reached_by_vendors],
            [_("电商服务覆盖的经济薄弱村（个）"), coverage.covered],
            [_("经济薄弱村覆盖率（%）"), str(coverage.share)],
        ]
    if inclusion is not None:
        summary += [
            [_("建档立卡低收入人口（人）"), inclusion.people],
            [_("纳入电商服务体系人口（人）"), inclusion.included_people],
            [_("纳入比例（%）"), str(inclusion.share)],
        ]
        labels = {
            "supply": _("其中供货（人）"),
            "job": _("其中就业（人）"),
            "agent_purchase": _("其中代购（人）"),
            "training": _("其中培训（人）"),
        }
        summary += [[labels[kind], people] for kind, (_h, people) in inclusion.by_kind.items()]
    return {
        "summary": (_("汇总"), [_("指标"), _("数值")], summary),
        "month": (
            _("分月"),
            [_("月份"), *sales_columns, benefit],
            rows(report.months, households=False),
        ),
        "village": (
            _("分村"),
            [_("村区划代码"), _("村名称"), _("类别"), benefit, households],
            rows(report.villages, sales=False, extra=True),
        ),
        "town": (
            _("分乡镇"),
            [_("乡镇名称"), benefit, households],
            rows(report.towns, sales=False),
        ),
        "vendor": (
            _("分商家"),
            [_("商家"), *sales_columns, benefit, households],
            rows(report.vendors),
        ),
        "product": (
            _("分商品"),
            [_("商品"), *sales_columns, benefit, households],
            rows(report.products),
        ),
    }


def to_csv(report: Report, table: str) -> bytes:
    _title, header, rows = tables(report)[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # A BOM so that spreadsheet programs on the county's PCs read the Chinese as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables(report).values():
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
