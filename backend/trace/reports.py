"""Traceability figures for the staff report pages (county plan: 农产品质量溯源系统应用农业主体
达 10 家以上): entities using traceability, batches and events per month, spot checks and their
failure rate, recall completion; XLSX export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.trace.models import Batch, Recall, SpotCheck, SpotCheckResult, TraceEvent

TARGET_ENTITIES = 10


@dataclass
class TraceReport:
    entities: int
    target: int
    months: list[dict]
    checks: int
    failed: int
    failure_rate: Decimal
    recalls: list[dict]


def _month_counts(queryset, field: str) -> dict[str, int]:
    rows = (
        queryset.annotate(month=TruncMonth(field))
        .values("month")
        .annotate(total=Count("pk"))
        .order_by("month")
    )
    return {row["month"].strftime("%Y-%m"): row["total"] for row in rows if row["month"]}


def build() -> TraceReport:
    entities = Batch.objects.values("vendor_id").distinct().count()
    batches = _month_counts(Batch.objects.all(), "created_at")
    events = _month_counts(TraceEvent.objects.all(), "recorded_at")
    months = [
        {"month": month, "batches": batches.get(month, 0), "events": events.get(month, 0)}
        for month in sorted(set(batches) | set(events))
    ]
    checks = SpotCheck.objects.aggregate(
        total=Count("pk"), failed=Count("pk", filter=Q(result=SpotCheckResult.FAIL))
    )
    rate = (
        (Decimal(checks["failed"]) * 100 / checks["total"]).quantize(Decimal("0.1"))
        if checks["total"]
        else Decimal("0.0")
    )
    recalls = []
    for recall in Recall.objects.select_related("batch__variant__product").annotate(
        lines=Count("notices"),
        acknowledged=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)),
    ):
        completion = (
            (Decimal(recall.acknowledged) * 100 / recall.lines).quantize(Decimal("0.1"))
            if recall.lines
            else Decimal("100.0")
        )
        recalls.append(
            {
                "recall": recall,
                "product": recall.batch.variant.product.name,
                "lines": recall.lines,
                "acknowledged": recall.acknowledged,
                "completion": completion,
            }
        )
    return TraceReport(
        entities=entities,
        target=TARGET_ENTITIES,
        months=months,
        checks=checks["total"],
        failed=checks["failed"],
        failure_rate=rate,
        recalls=recalls,
    )


def export_xlsx(report: TraceReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("概况")
    bold = Font(bold=True)
    sheet.append([_("使用追溯的农业主体"), report.entities])
    sheet.append([_("目标"), report.target])
    sheet.append([_("抽查次数"), report.checks])
    sheet.append([_("不合格次数"), report.failed])
    sheet.append([_("不合格率（%）"), float(report.failure_rate)])
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].font = bold
    monthly = book.create_sheet(_("按月"))
    monthly.append([_("月份"), _("新批次"), _("追溯事件")])
    for row in report.months:
        monthly.append([row["month"], row["batches"], row["events"]])
    recalls = book.create_sheet(_("召回"))
    recalls.append(
        [_("批次"), _("商品"), _("状态"), _("受影响订单行"), _("已确认"), _("完成率（%）")]
    )
    for row in report.recalls:
        recalls.append(
            [
                row["recall"].batch.code,
                row["product"],
                row["recall"].get_status_display(),
                row["lines"],
                row["acknowledged"],
                float(row["completion"]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["build", "export_xlsx"]
