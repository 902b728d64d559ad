"""Vendor statements on the staff dashboard: the service centre checks, issues and pays them.

Statements are drafted by the monthly task (and the API); here staff collect a draft again,
issue it, record the bank transfer's reference and download the CSV/XLSX. Every change goes
through the services (audited, frozen once issued); nothing is edited on a form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import ActionForm

from backend.settlement import services
from backend.settlement.export import export_csv, export_xlsx, filename
from backend.settlement.models import StatementLine, VendorStatement
from backend.vendors import scoping

TOTALS = (
    "gross_amount",
    "refund_amount",
    "discount_amount",
    "commission_rate",
    "commission_amount",
    "adjustment_amount",
    "net_amount",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatementLineInline(TabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    fields = (
        "kind",
        "order_number",
        "product_name",
        "quantity",
        "amount",
        "discount",
        "commission",
        "net",
        "occurred_at",
        "note",
    )
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user)


class PaymentActionForm(ActionForm):
    payment_reference = forms.CharField(
        label=_("付款凭证号"), required=False, help_text=_("登记付款时必填（银行转账流水号）。")
    )


@admin.register(VendorStatement)
class VendorStatementAdmin(ModelAdmin):
    action_form = PaymentActionForm
    list_display = (
        "vendor",
        "period_start",
        "period_end",
        "gross_amount",
        "refund_amount",
        "commission_amount",
        "net_amount",
        "status",
        "issued_at",
        "paid_at",
    )
    list_filter = ("status", "period_start")
    search_fields = ("vendor__name", "payment_reference")
    list_select_related = ("vendor",)
    readonly_fields = (
        "vendor",
        "period_start",
        "period_end",
        "status",
        *TOTALS,
        "line_count",
        "drafted_at",
        "issued_at",
        "issued_by",
        "paid_at",
        "paid_by",
        "payment_reference",
    )
    fields = readonly_fields
    inlines = (StatementLineInline,)
    actions = (
        "redraft_selected",
        "issue_selected",
        "mark_paid_selected",
        "download_csv",
        "download_xlsx",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user)

    def has_module_permission(self, request):
        return scoping.can_manage_vendors(request.user)

    def has_manage_vendors_permission(self, request) -> bool:
        return scoping.can_manage_vendors(request.user)

    def _each(self, request, queryset, act, done) -> None:
        changed = 0
        for statement in queryset.select_related("vendor"):
            try:
                act(statement)
            except ValidationError as error:
                self.message_user(
                    request,
                    f"{statement.vendor.name} {statement.period_start:%Y-%m}：{error.messages[0]}",
                    messages.ERROR,
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("重新生成所选草稿"), permissions=["manage_vendors"])
    def redraft_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.redraft_statement(statement=s, actor=request.user),
            _("已重新生成 %(count)d 张对账单。"),
        )

    @admin.action(description=_("出账（冻结明细）"), permissions=["manage_vendors"])
    def issue_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda s: services.issue_statement(statement=s, actor=request.user),
            _("已出账 %(count)d 张对账单。"),
        )

    @admin.action(description=_("登记付款（填写凭证号）"), permissions=["manage_vendors"])
    def mark_paid_selected(self, request, queryset):
        reference = (request.POST.get("payment_reference") or "").strip()
        self._each(
            request,
            queryset,
            lambda s: services.mark_statement_paid(
                statement=s, payment_reference=reference, actor=request.user
            ),
            _("已登记 %(count)d 张对账单的付款。"),
        )

    def _download(self, request, queryset, render, extension, content_type):
        statements = list(queryset.select_related("vendor")[:2])
        if len(statements) != 1:
            self.message_user(request, _("请只选择一张对账单下载。"), messages.ERROR)
            return None
        statement = statements[0]
        response = HttpResponse(render(statement), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename(statement, extension)}"'
        return response

    @admin.action(description=_("下载 CSV"), permissions=["manage_vendors"])
    def download_csv(self, request, queryset):
        return self._download(request, queryset, export_csv, "csv", "text/csv; charset=utf-8")

    @admin.action(description=_("下载 Excel"), permissions=["manage_vendors"])
    def download_xlsx(self, request, queryset):
        return self._download(request, queryset, export_xlsx, "xlsx", XLSX)
