"""Exports read back: the CSV (UTF-8 with BOM, Chinese headers) and the XLSX hold the title,
every line and the totals of the statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backend.settlement import services
from backend.settlement.export import export_csv, export_xlsx, headers
from tests.settlement.conftest import at, deliver, make_order, refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(channel, vendor, manager):
    order, (rice, lotus) = make_order(
        channel,
        [
            {
                "vendor": vendor,
                "price": "12.80",
                "quantity": 3,
                "list_price": "15.00",
                "name": "灌云大米",
                "variant": "5kg",
            },
            {"vendor": vendor, "price": "9.90", "name": '莲藕, 新鲜"特级"'},
        ],
    )
    deliver([rice, lotus], at(2026, 3, 10, 9, 30))
    refund(order, "4.83", at(2026, 3, 12))
    draft = services.draft_statement(
        vendor=vendor,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        actor=manager,
    )
    return services.issue_statement(statement=draft, actor=manager)


def test_csv_has_bom_headers_lines_and_totals(statement):
    data = export_csv(statement)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["商家", "伊山稻米合作社"]
    assert rows[1] == ["账期", "2026-03-01 ~ 2026-03-31"]
    assert rows[2] == ["状态", "已出账"]
    assert rows[3] == ["佣金比例", "5.00%"]
    header_at = rows.index(headers())
    assert rows[header_at] == [
        "类型",
        "订单号",
        "商品",
        "数量",
        "金额（元）",
        "商家承担优惠（元）",
        "平台佣金（元）",
        "应结金额（元）",
        "发生时间",
        "说明",
    ]
    body = rows[header_at + 1 : rows.index([], header_at)]
    assert [(r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in body] == [
        ("销售", "灌云大米 5kg", "3", "45.00", "6.60", "1.92", "36.48", "2026-03-10 09:30"),
        ("销售", '莲藕, 新鲜"特级" 500g', "1", "9.90", "0.00", "0.50", "9.40", "2026-03-10 09:30"),
        # 4.83 shared over 38.40 and 9.90: 3.84 and 0.99.
        ("退款", "灌云大米 5kg", "", "3.84", "0.00", "-0.19", "-3.65", "2026-03-12 12:00"),
        ("退款", '莲藕, 新鲜"特级" 500g', "", "0.99", "0.00", "-0.05", "-0.94", "2026-03-12 12:00"),
    ]
    totals = dict(tuple(r) for r in rows[rows.index([], header_at) + 1 :])
    assert totals == {
        "销售总额": "54.90",
        "退款": "4.83",
        "商家承担优惠": "6.60",
        "平台佣金": "2.18",
        "调整": "0.00",
        "应付金额": "41.29",
    }
    assert Decimal(totals["应付金额"]) == statement.net_amount
    assert sum(Decimal(r[7]) for r in body) == statement.net_amount


def test_xlsx_holds_the_same_lines_and_totals_as_numbers(statement):
    book = load_workbook(io.BytesIO(export_xlsx(statement)))
    sheet = book["对账单"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if row[:1] == ["类型"])
    assert rows[header_at] == headers()
    body = rows[header_at + 1 : header_at + 5]
    assert [row[0] for row in body] == ["销售", "销售", "退款", "退款"]
    assert [Decimal(str(row[7])).quantize(Decimal("0.01")) for row in body] == [
        Decimal("36.48"),
        Decimal("9.40"),
        Decimal("-3.65"),
        Decimal("-0.94"),
    ]
    assert body[0][1] == statement.lines.order_by("occurred_at", "pk")[0].order_number
    assert sheet.cell(row=header_at + 2, column=8).number_format == "0.00"
    totals = {row[0]: row[1] for row in rows[header_at + 6 :] if row[0]}
    assert Decimal(str(totals["应付金额"])).quantize(Decimal("0.01")) == Decimal("41.29")
    assert Decimal(str(totals["平台佣金"])).quantize(Decimal("0.01")) == Decimal("2.18")


def test_paid_statement_export_carries_the_payment(statement, manager):
    services.mark_statement_paid(statement=statement, payment_reference="NSH-88", actor=manager)
    statement.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export_csv(statement).decode("utf-8-sig"))))
    assert ["付款凭证号", "NSH-88"] in rows
    assert ["状态", "已付款"] in rows
