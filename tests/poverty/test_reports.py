"""The county office's report on a known data set: sales and benefit per month, village, town,
vendor and product; progress to the target; weak-village coverage; the share of registered
people included; excluded purchases left out; the staff page and its CSV/XLSX exports with
the county's column names."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from backend.order.models import OrderChargeStatus
from backend.poverty import services
from backend.poverty.ledger import record_payment
from backend.poverty.models import InclusionKind, Mechanism
from backend.poverty.reports import yearly_report
from tests.factories import StationFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


def at(month: int, day: int = 15) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, 12, tzinfo=timezone.get_current_timezone())


def paid_at(zone, lines, when, **fields):
    """An order paid at `when` (the ledger as the payment hook writes it, at that instant)."""
    order = zone.unpaid_order(lines, **fields)
    order.charge_status = OrderChargeStatus.FULL
    order.total_charged_amount = order.total_gross_amount
    order.save()
    record_payment(order, at=when)
    return order


@pytest.fixture
def data(zone, settings):
    """Rice (¥30, purchase 2.5 kg × ¥4 = ¥10 a unit to GY-0000 and GY-0001, 1:1) and noodles
    (¥12.80, 10 % share to the weak village's collective); a third weak village without
    anything, served by an active station; a staff purchase that must not count."""
    settings.POVERTY_ZONE_ANNUAL_TARGET = Decimal("1000")
    start = at(1, 1) - datetime.timedelta(days=1)
    zone.certify(
        zone.rice, Mechanism.PURCHASE, households=[("GY-0000", 1), ("GY-0001", 1)], start=start
    )
    zone.certify(
        zone.noodles,
        Mechanism.SALES_SHARE,
        share_recipient="village",
        village=zone.other_village,
        share_percent=Decimal("10"),
        start=start,
    )
    paid_at(zone, [(zone.rice_variant, 2)], at(3))  # ¥60, benefit ¥20
    paid_at(zone, [(zone.rice_variant, 1), (zone.noodles_variant, 5)], at(3, 20))  # ¥30+¥64
    paid_at(zone, [(zone.noodles_variant, 10)], at(7))  # ¥128, benefit ¥12.80
    paid_at(zone, [(zone.rice_variant, 100)], at(7), user=zone.owner)  # excluded
    served = VillageFactory(is_economically_weak=True, name="站点村")
    StationFactory(village=served, town=served.town)
    services.record_inclusion(
        actor=zone.staff,
        household=zone.households[2],
        kind=InclusionKind.AGENT_PURCHASE,
        date=datetime.date(YEAR, 5, 1),
    )
    return zone


def test_report_figures_on_a_known_data_set(data):
    report = yearly_report(YEAR)
    assert report.sales == Decimal("282.00")  # 60 + 30 + 64 + 128, not the staff's ¥3000
    assert report.excluded_sales == Decimal("3000.00")
    assert report.benefit == Decimal("49.20")  # 20 + 10 + 6.40 + 12.80
    assert report.percent == 28
    march, july = report.months[2], report.months[6]
    assert (march.sales, march.quantity, march.benefit) == (
        Decimal("154.00"),
        8,
        Decimal("36.40"),
    )
    assert (july.sales, july.benefit) == (Decimal("128.00"), Decimal("12.80"))
    assert sum(row.sales for row in report.months) == report.sales
    villages = {row.label.split("镇")[-1]: row for row in report.villages}
    weak = next(row for row in report.villages if row.key == data.village.code)
    collective = next(row for row in report.villages if row.key == data.other_village.code)
    assert (weak.benefit, weak.households) == (Decimal("30.00"), 2)
    assert (collective.benefit, collective.households) == (Decimal("19.20"), 0)
    assert villages  # every weak village is listed, benefit or not
    assert sum(row.benefit for row in report.towns) == report.benefit
    products = {row.label: row for row in report.products}
    assert products["东王集大米"].sales == Decimal("90.00")
    assert products["东王集大米"].quantity == 3
    assert products["南岗粉丝"].benefit == Decimal("19.20")
    (vendor,) = report.vendors
    assert (vendor.sales, vendor.households) == (Decimal("282.00"), 2)
    coverage = report.coverage
    assert coverage.weak_villages == 3 and coverage.reached_by_vendors == 2
    assert (coverage.served_by_station, coverage.covered, coverage.share) == (1, 3, 100)
    inclusion = report.inclusion
    assert (inclusion.households, inclusion.people) == (3, 9)
    # GY-0000 (3) and GY-0001 (2) supply, GY-0002 (4) by agent purchase: all 9 people.
    assert inclusion.by_kind["supply"] == (2, 5)
    assert inclusion.by_kind["agent_purchase"] == (1, 4)
    assert inclusion.included_people == 9 and inclusion.share == Decimal("100.0")


def test_staff_page_and_exports_with_the_countys_columns(data):
    client = Client()
    client.force_login(data.staff)
    page = client.get(f"/dashboard/poverty-zone/report/?year={YEAR}").content.decode()
    assert "282.00" in page and "<meter" in page and "<progress" in page
    csv_text = client.get(
        f"/dashboard/poverty-zone/report.csv?year={YEAR}&table=product"
    ).content.decode("utf-8-sig")
    header, *rows = csv_text.strip().splitlines()
    assert header == "商品,扶贫产品销售额（元）,销售数量（件）,带贫收益（元）,受益低收入户（户）"
    assert "东王集大米,90.00,3,30.00,2" in rows
    workbook = load_workbook(
        io.BytesIO(client.get(f"/dashboard/poverty-zone/report.xlsx?year={YEAR}").content)
    )
    assert workbook.sheetnames == ["汇总", "分月", "分村", "分乡镇", "分商家", "分商品"]
    assert client.get("/dashboard/poverty-zone/report.csv?table=nope").status_code == 404


def test_a_vendor_cannot_open_the_report(data):
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/dashboard/poverty-zone/report/").status_code == 403
