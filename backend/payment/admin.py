"""The dashboard's view of reconciliation: each gateway's statement for a day against our
transactions (written by `backend.payment.reconciliation`; read-only here)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from backend.payment.models import ReconciliationReport

KINDS = {
    "missing_here": _("账单有、本系统无"),
    "missing_there": _("本系统有、账单无"),
    "amount": _("金额不一致"),
}


@admin.register(ReconciliationReport)
class ReconciliationReportAdmin(ModelAdmin):
    list_display = (
        "day",
        "gateway",
        "statement_rows",
        "matched",
        "mismatch_count",
        "statement_total",
        "our_total",
        "created_at",
    )
    list_filter = ("gateway",)
    date_hierarchy = "day"
    readonly_fields = (
        "gateway",
        "day",
        "created_at",
        "statement_rows",
        "matched",
        "statement_total",
        "our_total",
        "mismatch_table",
    )
    exclude = ("mismatches",)

    @admin.display(description=_("差异笔数"))
    def mismatch_count(self, report: ReconciliationReport) -> int:
        return len(report.mismatches)

    @admin.display(description=_("差异"))
    def mismatch_table(self, report: ReconciliationReport):
        labels = (_("账单"), _("本系统"), _("订单"))
        rows = [
            (
                KINDS.get(m.get("kind", ""), m.get("kind", "")),
                m.get("type", ""),
                m.get("out_trade_no", ""),
                labels[0],
                m.get("statement_amount") or "—",
                labels[1],
                m.get("our_amount") or "—",
                labels[2],
                m.get("order") or "—",
            )
            for m in report.mismatches
        ]
        if not rows:
            return _("无差异")
        return format_html_join("", "<div>{} · {} · {} · {} ¥{} · {} ¥{} · {} {}</div>", rows)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
