"""The brand managers' pages on the staff dashboard: the brand profile and the licence queue.

Licence decisions go through backend/brand/services.py (actions above the list: grant, suspend,
reinstate, revoke, reject), so the certificate check, the history, the audit entry and the SMS
to the vendor are the same as through the API; the licence rows themselves are read-only here.
Only brand managers (`brand.manage_brand`, the 品牌管理员 group) see these pages.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.forms import ActionForm

from backend.brand import services
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus, PublicBrand
from backend.core import audit
from backend.core.admin import DecisionActionsMixin

EXPIRING_DAYS = 30


def _manager(request) -> bool:
    return services.can_manage_brand(request.user)


@admin.register(PublicBrand)
class PublicBrandAdmin(ModelAdmin):
    list_display = ("name", "county_name", "slogan", "licence_prefix", "is_active")
    fieldsets = (
        (None, {"fields": ("name", "slogan", "story", "logo")}),
        (
            _("品牌标准"),
            {"fields": ("quality_standards", "packaging_rules", "standards_document")},
        ),
        (_("授权"), {"fields": ("licence_prefix",)}),
        (
            _("县域"),
            {"fields": ("county_name", "county_code", "province", "city", "channel", "is_active")},
        ),
    )
    readonly_fields = ("county_name", "county_code", "province", "city", "channel", "is_active")

    def has_module_permission(self, request):
        return _manager(request)

    def has_view_permission(self, request, obj=None):
        return _manager(request)

    def has_change_permission(self, request, obj=None):
        return _manager(request)

    def has_add_permission(self, request):
        return False  # the brand comes from catalog_seed/county.yaml

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = {name: str(form.initial.get(name, "")) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="brand.updated_in_admin",
            instance=obj,
            before=before,
            after={name: str(getattr(obj, name)) for name in form.changed_data},
        )


class LicenceEventInline(TabularInline):
    model = LicenceEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _manager(request)


class LicenceActionForm(ActionForm):
    valid_from = forms.DateField(
        label=_("生效日期"),
        required=False,
        help_text=_("批准时可填，留空为立即生效（北京时间当日 0 点起算）。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_until = forms.DateField(
        label=_("到期日期"),
        required=False,
        help_text=_("批准时必填：授权在该日 0 点（北京时间）结束。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        help_text=_("暂停、撤销、驳回时必填，会以短信告知商家。"),
    )


class ExpiringFilter(admin.SimpleListFilter):
    title = _("到期")
    parameter_name = "expiring"

    def lookups(self, request, model_admin):
        return (("30", _("30 天内到期")),)

    def queryset(self, request, queryset):
        if self.value() == "30":
            now = timezone.now()
            return queryset.filter(
                status=LicenceStatus.ACTIVE,
                valid_until__gt=now,
                valid_until__lte=now + datetime.timedelta(days=EXPIRING_DAYS),
            )
        return queryset


def _local_midnight(day: datetime.date) -> datetime.datetime:
    """00:00 of `day` in the county's zone (settings.TIME_ZONE, Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@admin.register(BrandLicence)
class BrandLicenceAdmin(DecisionActionsMixin, ModelAdmin):
    action_form = LicenceActionForm
    list_display = (
        "number",
        "product",
        "vendor",
        "status_label",
        "valid_from",
        "valid_until",
        "expiry_label",
        "requested_at",
    )
    list_filter = ("status", ExpiringFilter, "vendor")
    search_fields = ("number", "product__name", "vendor__name")
    list_select_related = ("product", "vendor")
    fields = (
        "number",
        "product",
        "vendor",
        "status",
        "valid_from",
        "valid_until",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "reason",
    )
    readonly_fields = fields
    inlines = (LicenceEventInline,)
    actions = (
        "grant_selected",
        "suspend_selected",
        "reinstate_selected",
        "revoke_selected",
        "reject_selected",
    )

    def get_ordering(self, request):
        # The queue: requests waiting for a decision first, then the soonest to expire.
        queue = Case(
            When(status=LicenceStatus.REQUESTED, then=Value(0)),
            When(status=LicenceStatus.ACTIVE, then=Value(1)),
            When(status=LicenceStatus.SUSPENDED, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return [queue.asc(), "valid_until", "-requested_at", "-pk"]

    @display(
        description=_("状态"),
        ordering="status",
        label={
            LicenceStatus.REQUESTED: "info",
            LicenceStatus.ACTIVE: "success",
            LicenceStatus.SUSPENDED: "warning",
            LicenceStatus.REVOKED: "danger",
            LicenceStatus.EXPIRED: "danger",
            LicenceStatus.REJECTED: "danger",
        },
    )
    def status_label(self, licence: BrandLicence):
        return licence.status, licence.get_status_display()

    @display(description=_("到期提醒"), label={"soon": "warning", "ended": "danger"})
    def expiry_label(self, licence: BrandLicence):
        if licence.status != LicenceStatus.ACTIVE or licence.valid_until is None:
            return None
        left = licence.valid_until - timezone.now()
        if left <= datetime.timedelta(0):
            return "ended", _("已过期，待系统标记")
        if left <= datetime.timedelta(days=EXPIRING_DAYS):
            return "soon", _("%(days)d 天内到期") % {"days": max(left.days, 0) + 1}
        return None

    def has_module_permission(self, request):
        return _manager(request)

    def has_view_permission(self, request, obj=None):
        return _manager(request)

    def has_change_permission(self, request, obj=None):
        return False  # decisions are the actions above the list

    def has_add_permission(self, request):
        return False  # vendors request; brand managers grant (here or brandLicenceGrant)

    def has_delete_permission(self, request, obj=None):
        return False  # the history stays

    def has_manage_brand_permission(self, request) -> bool:
        return _manager(request)

    def decision_label(self, obj) -> str:
        return obj.number

    @admin.action(description=_("批准所选申请（填写到期日期）"), permissions=["manage_brand"])
    def grant_selected(self, request, queryset):
        data = self.action_data(request)
        start = data.get("valid_from")
        end = data.get("valid_until")
        self.decide_each(
            request,
            queryset,
            lambda licence: services.grant_licence(
                actor=request.user,
                licence=licence,
                valid_from=_local_midnight(start) if start else None,
                valid_until=_local_midnight(end) if end else None,
                reason=data.get("reason") or "",
            ),
            _("已批准 %(count)d 项授权。"),
        )

    def _with_reason(self, request, queryset, service, done) -> None:
        reason = self.action_data(request).get("reason") or ""
        self.decide_each(
            request,
            queryset,
            lambda licence: service(actor=request.user, licence=licence, reason=reason),
            done,
        )

    @admin.action(description=_("暂停所选授权（填写原因）"), permissions=["manage_brand"])
    def suspend_selected(self, request, queryset):
        self._with_reason(
            request, queryset, services.suspend_licence, _("已暂停 %(count)d 项授权。")
        )

    @admin.action(description=_("恢复所选授权"), permissions=["manage_brand"])
    def reinstate_selected(self, request, queryset):
        self._with_reason(
            request, queryset, services.reinstate_licence, _("已恢复 %(count)d 项授权。")
        )

    @admin.action(description=_("撤销所选授权（填写原因）"), permissions=["manage_brand"])
    def revoke_selected(self, request, queryset):
        self._with_reason(
            request, queryset, services.revoke_licence, _("已撤销 %(count)d 项授权。")
        )

    @admin.action(description=_("驳回所选申请（填写原因）"), permissions=["manage_brand"])
    def reject_selected(self, request, queryset):
        self._with_reason(
            request, queryset, services.reject_licence, _("已驳回 %(count)d 项申请。")
        )
