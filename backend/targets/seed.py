"""The dashboard's part of `manage.py seed_catalog` (catalog_seed/targets.yaml):

- the county office's group (targets.view_dashboard) and its demo staff account;
- the designated leading enterprises;
- demonstration history (示例数据, is_demo) for the months before the current one, generated
  from a fixed formula (no randomness), so a rerun changes nothing, and the current month
  computed from the seeded records. Rows that exist are left alone.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import demo_staff_account, read_seed_yaml
from backend.targets import months
from backend.targets.aggregate import refresh_month
from backend.targets.definitions import CODES
from backend.targets.models import LeadingEnterprise, TargetMonth
from backend.vendors.models import Vendor

# Growth needs a year before the first month shown.
GROWTH_EXTRA_MONTHS = 12


def _data(path) -> dict:
    return read_seed_yaml(path, "targets.yaml")


def _d(value: float, places: str = "0.01") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


def demo_month(code: str, index: int, month: dt.date) -> tuple[Decimal | None, dict]:
    """A plausible month for `code`, `index` months after the start of the history: flows
    with a seasonal swing (Spring Festival and harvest peaks), levels rising toward their
    targets."""
    season = (
        1
        + 0.25 * math.cos((month.month - 1) / 12 * 2 * math.pi)
        + (0.2 if month.month in (9, 10, 11) else 0)
    )
    ramp = min(1.0, 0.35 + index / 30)
    if code == "poverty_sales":
        sales = _d(62000 * season * (1 + index / 40))
        return sales, {"benefit": str(_d(float(sales) * 0.12)), "excluded": "0.00", "demo": True}
    if code == "retail_growth":
        net = _d(520000 * season * (1.24 ** (index / 12)))
        return net, {"orders": int(net / 86), "gross": str(net), "refunds": "0.00", "demo": True}
    if code == "training":
        person_times = int(150 + 60 * season)
        return Decimal(person_times), {
            "people": int(person_times * 0.8),
            "low_income_people": int(person_times * 0.12),
            "jobs": int(85 + 25 * season),
            "low_income_jobs": int(12 * season),
            "demo": True,
        }
    levels = {
        "logistics_coverage": (100 * ramp, "0.1"),
        "weak_village_services": (38 + 30 * ramp, "0.1"),
        "same_day_delivery": (70 + 22 * ramp, "0.1"),
        "trace_entities": (min(12, 3 + index // 3), "1"),
        "public_brand": (1, "1"),
        "leading_enterprises": (min(3, 1 + index // 10), "1"),
        "low_income_inclusion": (30 + 35 * ramp, "0.1"),
    }
    value, places = levels[code]
    return _d(value, places), {"demo": True}


def seed_demo_history(count: int, report: SeedReport | None = None) -> int:
    current = months.current_month()
    first = months.add_months(current, -(count - 1))
    existing = set(
        TargetMonth.objects.filter(month__lt=current).values_list("target_code", "month")
    )
    rows = []
    for code in CODES:
        start = months.add_months(first, -GROWTH_EXTRA_MONTHS) if code == "retail_growth" else first
        for index, month in enumerate(months.months_between(start, months.add_months(current, -1))):
            if (code, month) in existing:
                continue
            value, detail = demo_month(code, index, month)
            rows.append(
                TargetMonth(target_code=code, month=month, value=value, detail=detail, is_demo=True)
            )
    TargetMonth.objects.bulk_create(rows, ignore_conflicts=True)
    if report is not None and rows:
        report.add("target_demo_month", "created", len(rows))
    return len(rows)


def _staff(item: dict, group: Group, report: SeedReport) -> None:
    demo_staff_account(item, group=group, kind="county_office_staff", report=report)


def seed_targets(*, path=None) -> SeedReport:
    report = SeedReport()
    data = _data(path)
    if not data:
        return report
    with transaction.atomic():
        group, created = Group.objects.get_or_create(name=data.get("group") or "县电商办")
        report.add("county_office_group", "created" if created else "unchanged")
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="targets",
                codename__in=("view_dashboard", "designate_enterprises"),
            )
        )
        if data.get("staff"):
            _staff(data["staff"], group, report)
        vendors = {
            v.slug: v
            for v in Vendor.objects.filter(
                slug__in=[item["vendor"] for item in data.get("leading_enterprises", [])]
            )
        }
        for item in data.get("leading_enterprises", []):
            vendor = vendors.get(item["vendor"])
            if vendor is None:
                continue
            _designation, made = LeadingEnterprise.objects.get_or_create(
                vendor=vendor,
                defaults={"designated_on": item["designated_on"], "note": item.get("note", "")},
            )
            report.add("leading_enterprise", "created" if made else "unchanged")
        seed_demo_history(int(data.get("demo_history_months", 24)), report)
        current = months.current_month()
        before = {
            row.target_code: (row.value, row.detail)
            for row in TargetMonth.objects.filter(month=current)
        }
        for row in refresh_month(current):
            was = before.get(row.target_code)
            # A rerun that finds the same figures reports nothing changed.
            if was is None:
                report.add("target_month_computed", "created")
            else:
                same = was == (row.value, row.detail)
                report.add("target_month_computed", "unchanged" if same else "updated")
    return report
