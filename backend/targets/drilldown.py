"""Each target's drill-down table for a month: the records or breakdown behind its figure,
with no personal data (households appear only as counts). Tables over raw records are
querysets, paginated by the page and streamed by the exports; the others come from the
stored months' details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.divisions.models import Village
from backend.poverty.models import EntryKind, Exclusion, InclusionKind, ZoneSale
from backend.targets import months
from backend.targets.definitions import plan
from backend.targets.measures import (
    licences_in_use,
    percent,
    served_by_active_station,
    weak_village_ids,
)
from backend.targets.models import LeadingEnterprise, TargetMonth
from backend.trace.models import Batch


@dataclass
class Table:
    columns: list[str]
    rows: Any  # a queryset or a list, paginated by the page and streamed by the exports
    render: Callable[[Any], list] = list

    def rendered(self, rows) -> list[list]:
        return [self.render(row) for row in rows]


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment, months.zone()).strftime("%Y-%m-%d %H:%M") if moment else ""


def _yes(flag) -> str:
    return _("是") if flag else _("否")


def _stored(code: str, first: dt.date, last: dt.date) -> list[TargetMonth]:
    return list(TargetMonth.objects.filter(target_code=code, month__gte=first, month__lte=last))


def poverty_sales(month: dt.date) -> Table:
    start, end = months.year_start(month), months.bounds(month)[1]
    sales = (
        ZoneSale.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("order", "product", "vendor")
        .order_by("-occurred_at", "-pk")
    )
    kinds = dict(EntryKind.choices)
    exclusions = dict(Exclusion.choices)
    return Table(
        columns=[
            _("时间"),
            _("订单号"),
            _("商品"),
            _("商家"),
            _("类型"),
            _("金额(元)"),
            _("带贫收益(元)"),
            _("计入情况"),
        ],
        rows=sales,
        render=lambda s: [
            _local(s.occurred_at),
            s.order.number,
            s.product.name,
            s.vendor.name,
            str(kinds.get(s.kind, s.kind)),
            s.amount,
            s.benefit_amount,
            str(exclusions.get(s.excluded, s.excluded)),
        ],
    )


def logistics_coverage(month: dt.date) -> Table:
    end = months.bounds(month)[1]
    villages = (
        Village.objects.select_related("town")
        .annotate(
            active_stations=Count(
                "serving_stations", filter=served_by_active_station(end), distinct=True
            )
        )
        .order_by("town__sort_order", "sort_order", "code")
    )
    return Table(
        columns=[_("乡镇"), _("村/社区"), _("区划代码"), _("服务站点数"), _("已覆盖")],
        rows=villages,
        render=lambda v: [v.town.name, v.name, v.code, v.active_stations, _yes(v.active_stations)],
    )


def weak_village_services(month: dt.date) -> Table:
    ids = weak_village_ids(months.bounds(month)[1])
    villages = Village.objects.filter(pk__in=ids["all"]).select_related("town")

    def render(v):
        return [
            v.town.name,
            v.name,
            _yes(v.pk in ids["station"]),
            _yes(v.pk in ids["vendor"]),
            _yes(v.pk in ids["benefit"]),
            _yes(v.pk in ids["station"] | ids["vendor"] | ids["benefit"]),
        ]

    return Table(
        columns=[
            _("乡镇"),
            _("经济薄弱村"),
            _("站点服务"),
            _("本村商家"),
            _("扶贫产品带动"),
            _("已覆盖"),
        ],
        rows=villages,
        render=render,
    )


def same_day_delivery(month: dt.date) -> Table:
    stored = _stored("same_day_delivery", month, month)
    towns = stored[0].detail.get("towns", {}) if stored else {}
    return Table(
        columns=[_("乡镇"), _("截单前县内包裹"), _("当天到站或送达"), _("当天完成率(%)")],
        rows=sorted(towns.items()),
        render=lambda item: [item[0], item[1][0], item[1][1], percent(item[1][1], item[1][0])],
    )


def trace_entities(month: dt.date) -> Table:
    end = months.bounds(month)[1]
    entities = (
        Batch.objects.filter(created_at__lt=end)
        .values("vendor__name")
        .annotate(batches=Count("pk"), first=Min("created_at"))
        .order_by("first")
    )
    return Table(
        columns=[_("农业主体"), _("追溯批次"), _("首个批次时间")],
        rows=entities,
        render=lambda row: [row["vendor__name"], row["batches"], _local(row["first"])],
    )


def training(month: dt.date) -> Table:
    first = plan().programme_start.replace(day=1)
    rows = sorted(_stored("training", first, month), key=lambda r: r.month, reverse=True)
    return Table(
        columns=[
            _("月份"),
            _("培训人次"),
            _("培训人数"),
            _("其中低收入人口"),
            _("新增就业"),
            _("其中低收入人口就业"),
        ],
        rows=rows,
        render=lambda r: [
            months.label(r.month),
            r.value,
            r.detail.get("people"),
            r.detail.get("low_income_people"),
            r.detail.get("jobs"),
            r.detail.get("low_income_jobs"),
        ],
    )


def public_brand(month: dt.date) -> Table:
    start, end = months.bounds(month)
    licences = licences_in_use(start, end).select_related("product", "vendor").order_by("number")
    return Table(
        columns=[_("授权编号"), _("商品"), _("商家"), _("生效时间"), _("到期时间")],
        rows=licences,
        render=lambda lic: [
            lic.number,
            lic.product.name,
            lic.vendor.name,
            _local(lic.valid_from),
            _local(lic.valid_until),
        ],
    )


def leading_enterprises(month: dt.date) -> Table:
    stored = _stored("leading_enterprises", month.replace(month=1), month)
    year_sales: dict[str, Decimal] = {}
    for row in stored:
        for pk, item in row.detail.get("enterprises", {}).items():
            year_sales[pk] = year_sales.get(pk, Decimal(0)) + Decimal(item["sales"])
    this_month = next((r for r in stored if r.month == month), None)
    month_sales = this_month.detail.get("enterprises", {}) if this_month else {}
    designations = LeadingEnterprise.objects.select_related("vendor").order_by("designated_on")
    return Table(
        columns=[_("企业"), _("认定日期"), _("当月网络销售额(元)"), _("本年网络销售额(元)")],
        rows=designations,
        render=lambda d: [
            d.vendor.name,
            d.designated_on.isoformat(),
            Decimal(month_sales.get(str(d.vendor_id), {}).get("sales", "0")),
            year_sales.get(str(d.vendor_id), Decimal(0)),
        ],
    )


def retail_growth(month: dt.date) -> Table:
    january = month.replace(month=1)
    stored = {r.month: r for r in _stored("retail_growth", months.add_months(january, -12), month)}

    def render(point: dt.date):
        row = stored.get(point)
        before = stored.get(months.add_months(point, -12))
        growth = None
        if row and row.value is not None and before and before.value:
            growth = ((row.value / before.value - 1) * 100).quantize(Decimal("0.1"))
        return [
            months.label(point),
            row.detail.get("orders") if row else None,
            row.detail.get("gross") if row else None,
            row.detail.get("refunds") if row else None,
            row.value if row else None,
            before.value if before else None,
            growth,
        ]

    return Table(
        columns=[
            _("月份"),
            _("订单数"),
            _("下单金额(元)"),
            _("退款(元)"),
            _("网络零售额(元)"),
            _("上年同月(元)"),
            _("同比增长(%)"),
        ],
        rows=list(reversed(months.months_between(january, month))),
        render=render,
    )


def low_income_inclusion(month: dt.date) -> Table:
    stored = _stored("low_income_inclusion", month, month)
    by_kind = stored[0].detail.get("by_kind", {}) if stored else {}
    labels = dict(InclusionKind.choices)
    return Table(
        columns=[_("纳入方式"), _("户数"), _("人数")],
        rows=[(kind, by_kind.get(kind, [0, 0])) for kind in InclusionKind.values],
        render=lambda item: [str(labels[item[0]]), item[1][0], item[1][1]],
    )


TABLES: dict[str, Callable[[dt.date], Table]] = {
    "poverty_sales": poverty_sales,
    "logistics_coverage": logistics_coverage,
    "weak_village_services": weak_village_services,
    "same_day_delivery": same_day_delivery,
    "trace_entities": trace_entities,
    "training": training,
    "public_brand": public_brand,
    "leading_enterprises": leading_enterprises,
    "retail_growth": retail_growth,
    "low_income_inclusion": low_income_inclusion,
}


def table(code: str, month: dt.date) -> Table:
    return TABLES[code](month)
