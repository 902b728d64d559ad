"""Vendors on the staff dashboard: the service centre reviews applications here.

Status changes go through the services (actions above the list: approve, reject, suspend,
reactivate), so each is audited and the owner is told by SMS; the status itself is read-only on
the form. The bank account shows only its masked form; the encrypted number is never on a page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import ActionForm

from backend.core import audit
from backend.vendors import scoping, services
from backend.vendors.models import Vendor, VendorDocument, VendorInvitation, VendorStaff
from backend.vendors.validators import validate_credit_code, validate_sc_licence

REVIEW_FIELDS = (
    "status",
    "rejection_reason",
    "suspension_reason",
    "applied_by",
    "applied_at",
    "reviewed_by",
    "reviewed_at",
)


class ReadOnlyInline(TabularInline):
    """Staff join through invitations and scans arrive through the API (type and size checked),
    so these rows are read here; vendor managers see them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user) or super().has_view_permission(request, obj)


class VendorStaffInline(ReadOnlyInline):
    model = VendorStaff
    fields = ("user", "role", "created_at")
    readonly_fields = fields


class VendorDocumentInline(ReadOnlyInline):
    model = VendorDocument
    fields = ("kind", "file", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class VendorInvitationInline(ReadOnlyInline):
    model = VendorInvitation
    fields = ("phone", "role", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = fields


class VendorForm(forms.ModelForm):
    class Meta:
        model = Vendor
        fields = (
            "name",
            "slug",
            "kind",
            "description",
            "legal_name",
            "credit_code",
            "legal_representative",
            "processes_food",
            "sc_licence_number",
            "town",
            "village",
            "contact_phone",
            "bank_name",
            "bank_account_name",
            "commission_rate",
        )

    def clean_credit_code(self):
        value = self.cleaned_data.get("credit_code") or ""
        return validate_credit_code(value) if value else ""

    def clean_sc_licence_number(self):
        value = self.cleaned_data.get("sc_licence_number") or ""
        return validate_sc_licence(value) if value else ""


class ReviewActionForm(ActionForm):
    reason = forms.CharField(
        label=_("原因"), required=False, help_text=_("驳回或暂停时必填，会以短信告知商家。")
    )
    commission_rate = forms.CharField(
        label=_("佣金比例"), required=False, help_text=_("通过时可填，例如 0.0300；留空则不改。")
    )


@admin.register(Vendor)
class VendorAdmin(ModelAdmin):
    form = VendorForm
    action_form = ReviewActionForm
    list_display = (
        "name",
        "kind",
        "town",
        "village",
        "contact_phone",
        "product_count",
        "commission_rate",
        "applied_at",
        "status",
    )
    list_filter = ("status", "kind", "town")
    search_fields = (
        "name",
        "slug",
        "legal_name",
        "credit_code",
        "town",
        "village",
        "contact_phone",
    )
    readonly_fields = (*REVIEW_FIELDS, "bank_account_masked", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "description")}),
        (
            _("主体与证照"),
            {
                "fields": (
                    "legal_name",
                    "credit_code",
                    "legal_representative",
                    "processes_food",
                    "sc_licence_number",
                )
            },
        ),
        (_("所在地与联系方式"), {"fields": ("town", "village", "contact_phone")}),
        (
            _("结算"),
            {
                "fields": (
                    "bank_name",
                    "bank_account_name",
                    "bank_account_masked",
                    "commission_rate",
                )
            },
        ),
        (_("审核"), {"fields": REVIEW_FIELDS}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (VendorStaffInline, VendorDocumentInline, VendorInvitationInline)
    actions = ("approve_selected", "reject_selected", "suspend_selected", "reactivate_selected")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, vendor) -> int:
        return vendor.product_total

    def has_view_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user) or super().has_change_permission(
            request, obj
        )

    def has_module_permission(self, request):
        return scoping.can_manage_vendors(request.user) or super().has_module_permission(request)

    def has_manage_vendors_permission(self, request) -> bool:
        return scoping.can_manage_vendors(request.user)

    def save_model(self, request, obj, form, change):
        """Edits made here are audited like the services' changes."""
        before = services.snapshot(Vendor.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="vendor.updated_in_admin" if change else "vendor.created_in_admin",
            instance=obj,
            before=before,
            after=services.snapshot(obj),
        )

    def _review(self, request, queryset, decide, done: str) -> None:
        changed = 0
        for vendor in queryset:
            try:
                decide(vendor)
            except ValidationError as error:
                self.message_user(request, f"{vendor.name}：{error.messages[0]}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @staticmethod
    def _field(request, name: str) -> str:
        """A value typed in the action bar; the services check it (typed errors, shown)."""
        return (request.POST.get(name) or "").strip()

    @admin.action(description=_("通过所选申请"), permissions=["manage_vendors"])
    def approve_selected(self, request, queryset):
        rate = self._field(request, "commission_rate") or None
        self._review(
            request,
            queryset,
            lambda vendor: services.approve(
                vendor=vendor, actor=request.user, commission_rate=rate
            ),
            _("已通过 %(count)d 个申请。"),
        )

    @admin.action(description=_("驳回所选申请（填写原因）"), permissions=["manage_vendors"])
    def reject_selected(self, request, queryset):
        reason = self._field(request, "reason")
        self._review(
            request,
            queryset,
            lambda vendor: services.reject(vendor=vendor, actor=request.user, reason=reason),
            _("已驳回 %(count)d 个申请。"),
        )

    @admin.action(description=_("暂停所选商家（填写原因）"), permissions=["manage_vendors"])
    def suspend_selected(self, request, queryset):
        reason = self._field(request, "reason")
        self._review(
            request,
            queryset,
            lambda vendor: services.suspend(vendor=vendor, actor=request.user, reason=reason),
            _("已暂停 %(count)d 个商家，其商品已下架。"),
        )

    @admin.action(description=_("恢复所选商家"), permissions=["manage_vendors"])
    def reactivate_selected(self, request, queryset):
        self._review(
            request,
            queryset,
            lambda vendor: services.reactivate(vendor=vendor, actor=request.user),
            _("已恢复 %(count)d 个商家。"),
        )
