"""The county zone staff's pages on the dashboard: the registry (households masked in every
list; the full record behind a button that writes an audit entry; papers through short-lived
signed links), villages' stories, related accounts, the certification queue (approve with a
validity period, reject or revoke with a reason, through the services) and the zone's order
(brand managers). Only `poverty.manage_poverty` holders see the registry; brand managers see
the certifications to curate the order.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.forms import ActionForm

from backend.core.admin import DecisionActionsMixin
from backend.core.private_files import signed_url
from backend.poverty import services
from backend.poverty.models import (
    Certification,
    CertificationStatus,
    Household,
    HouseholdDocument,
    HouseholdInclusion,
    RelatedAccount,
    VillageStory,
)


def _staff(request) -> bool:
    return services.can_manage_poverty(request.user)


class StaffOnly:
    def has_module_permission(self, request):
        return _staff(request)

    def has_view_permission(self, request, obj=None):
        return _staff(request)

    def has_change_permission(self, request, obj=None):
        return _staff(request)

    def has_add_permission(self, request, *args):
        return _staff(request)

    def has_delete_permission(self, request, obj=None):
        return False


class HouseholdForm(forms.ModelForm):
    """Identity number and phone are typed here and stored only encrypted; the form never
    shows them back (the full record is a separate, audited page)."""

    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=11)
    photo_file = forms.FileField(
        label=_("故事照片"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP；仅在同意公开照片时显示在扶贫专区。"),
    )
    photo_remove = forms.BooleanField(label=_("删除照片"), required=False)

    class Meta:
        model = Household
        fields = (
            "reference_number",
            "village",
            "head_name",
            "members",
            "story_consent",
            "photo_consent",
            "story",
            "is_active",
        )


class DocumentInline(TabularInline):
    model = HouseholdDocument
    extra = 0
    fields = ("title", "uploaded_at", "link")
    readonly_fields = ("title", "uploaded_at", "link")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @display(description=_("查看"))
    def link(self, document: HouseholdDocument):
        # A signed link valid for PRIVATE_FILE_URL_MAX_AGE seconds from this page view.
        return format_html('<a href="{}">{}</a>', signed_url(document.file), _("打开（限时链接）"))


class InclusionInline(TabularInline):
    """Agent purchases (代购) and training are added here; supply and jobs come from the
    certifications. Rows are saved through services.record_inclusion (audited)."""

    model = HouseholdInclusion
    extra = 0
    fields = ("kind", "date", "note")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return _staff(request)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(StaffOnly, ModelAdmin):
    form = HouseholdForm
    list_display = (
        "reference_number",
        "head_name",
        "village",
        "members",
        "id_number_masked",
        "phone_masked",
        "story_consent",
        "is_fictional",
    )
    list_select_related = ("village__town",)
    list_filter = ("is_active", "story_consent", "is_fictional", "village__town")
    search_fields = ("reference_number", "village__name")
    inlines = (DocumentInline, InclusionInline)
    readonly_fields = ("id_number_masked", "phone_masked", "full_record")

    def get_fields(self, request, obj=None):
        fields = [*HouseholdForm.Meta.fields, "id_number", "phone", "photo_file", "photo_remove"]
        return fields + (["id_number_masked", "phone_masked", "full_record"] if obj else [])

    @display(description=_("完整信息"))
    def full_record(self, household: Household):
        url = reverse("poverty-household-full", args=[household.pk])
        return format_html(
            '<a class="font-semibold" href="{}">{}</a>', url, _("查看完整信息（留痕）")
        )

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in HouseholdForm.Meta.fields}
        for secret in ("id_number", "phone"):
            if form.cleaned_data.get(secret):
                data[secret] = form.cleaned_data[secret]
        try:
            saved = services.save_household(
                actor=request.user, household=obj if change else None, **data
            )
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return
        _save_photo(request, saved, form)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not HouseholdInclusion:
            return super().save_formset(request, form, formset, change)
        # commit=False: the admin's change message still sees the new rows; the service
        # writes them (with the audit entry) instead of the formset.
        for inclusion in formset.save(commit=False):
            if inclusion.pk is None:
                services.record_inclusion(
                    actor=request.user,
                    household=form.instance,
                    kind=inclusion.kind,
                    date=inclusion.date,
                    note=inclusion.note,
                )
        return None

    def changelist_view(self, request, extra_context=None):
        extra = {
            "poverty_links": [
                (reverse("poverty-import"), _("从花名册导入（XLSX）")),
                (reverse("poverty-report"), _("扶贫专区报表")),
            ]
        }
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})

    list_before_template = "poverty/admin/links.html"


def _save_photo(request, story, form) -> None:
    """The story photo through services.set_story_photo (checked by content, audited)."""
    upload = form.cleaned_data.get("photo_file")
    if not upload and not form.cleaned_data.get("photo_remove"):
        return
    try:
        services.set_story_photo(actor=request.user, story=story, upload=upload or None)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))


class VillageStoryForm(forms.ModelForm):
    photo_file = forms.FileField(
        label=_("故事照片"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP；仅在村集体同意公开照片时显示在扶贫专区。"),
    )
    photo_remove = forms.BooleanField(label=_("删除照片"), required=False)

    class Meta:
        model = VillageStory
        fields = ("village", "title", "story", "consent", "photo_consent")


@admin.register(VillageStory)
class VillageStoryAdmin(StaffOnly, ModelAdmin):
    form = VillageStoryForm
    list_display = ("title", "village", "consent", "photo_consent")
    list_filter = ("consent", "photo_consent")
    fields = ("village", "title", "story", "consent", "photo_consent", "photo_file", "photo_remove")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _save_photo(request, obj, form)


@admin.register(RelatedAccount)
class RelatedAccountAdmin(StaffOnly, ModelAdmin):
    list_display = ("user", "vendor", "reason", "flagged_by", "flagged_at")
    fields = ("user", "vendor", "reason")
    autocomplete_fields = ()
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        services.flag_related_account(
            actor=request.user, user=obj.user, vendor=obj.vendor, reason=obj.reason
        )


class CertificationActionForm(ActionForm):
    valid_until = forms.DateField(
        label=_("有效期至"),
        required=False,
        help_text=_("认定时必填：在该日 0 点（北京时间）结束。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("原因"), required=False, help_text=_("驳回、撤销时必填，会以短信告知商家。")
    )


@admin.register(Certification)
class CertificationAdmin(DecisionActionsMixin, ModelAdmin):
    action_form = CertificationActionForm
    list_display = (
        "number",
        "product",
        "vendor",
        "mechanism",
        "status_label",
        "valid_until",
        "zone_position",
    )
    list_editable = ("zone_position",)
    list_filter = ("status", "mechanism")
    search_fields = ("number", "product__name", "vendor__name")
    list_select_related = ("product", "vendor")
    fields = (
        "number",
        "product",
        "vendor",
        "status",
        "mechanism",
        "price_per_kg",
        "kg_per_unit",
        "wage_per_unit",
        "share_percent",
        "share_recipient",
        "village",
        "description",
        "evidence_link",
        "valid_from",
        "valid_until",
        "reason",
        "decided_by",
        "decided_at",
    )
    readonly_fields = tuple(name for name in fields if name != "zone_position")
    actions = ("approve_selected", "reject_selected", "revoke_selected")

    def get_ordering(self, request):
        queue = Case(
            When(status=CertificationStatus.REQUESTED, then=Value(0)),
            When(status=CertificationStatus.APPROVED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return [queue.asc(), "zone_position", "-created_at"]

    @display(
        description=_("状态"),
        ordering="status",
        label={
            CertificationStatus.REQUESTED: "info",
            CertificationStatus.APPROVED: "success",
            CertificationStatus.REJECTED: "danger",
            CertificationStatus.REVOKED: "danger",
            CertificationStatus.EXPIRED: "warning",
        },
    )
    def status_label(self, certification: Certification):
        return certification.status, certification.get_status_display()

    @display(description=_("证明材料"))
    def evidence_link(self, certification: Certification):
        if not certification.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', signed_url(certification.evidence), _("打开（限时链接）")
        )

    def has_module_permission(self, request):
        return services.can_curate_zone(request.user)

    def has_view_permission(self, request, obj=None):
        return services.can_curate_zone(request.user)

    def has_change_permission(self, request, obj=None):
        # Only the zone order is editable (list_editable), by brand managers and zone staff.
        return services.can_curate_zone(request.user)

    def has_add_permission(self, request):
        return False  # vendors apply (povertyCertificationApply)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_poverty_permission(self, request) -> bool:
        return _staff(request)

    def save_model(self, request, obj, form, change):
        if "zone_position" in form.changed_data:
            services.set_zone_position(
                actor=request.user, certification=obj, position=obj.zone_position
            )

    @admin.action(description=_("认定所选申请（填写有效期）"), permissions=["manage_poverty"])
    def approve_selected(self, request, queryset):
        end = self.action_data(request).get("valid_until")
        until = (
            timezone.make_aware(datetime.datetime.combine(end, datetime.time.min)) if end else None
        )
        self.decide_each(
            request,
            queryset,
            lambda c: services.approve_certification(
                actor=request.user,
                certification=c,
                valid_until=until,  # type: ignore[arg-type]
            ),
            _("已认定 %(count)d 个商品。"),
        )

    @admin.action(description=_("驳回所选申请（填写原因）"), permissions=["manage_poverty"])
    def reject_selected(self, request, queryset):
        reason = self.action_data(request).get("reason") or ""
        self.decide_each(
            request,
            queryset,
            lambda c: services.reject_certification(
                actor=request.user, certification=c, reason=reason
            ),
            _("已驳回 %(count)d 项申请。"),
        )

    @admin.action(description=_("撤销所选认定（填写原因）"), permissions=["manage_poverty"])
    def revoke_selected(self, request, queryset):
        reason = self.action_data(request).get("reason") or ""
        self.decide_each(
            request,
            queryset,
            lambda c: services.revoke_certification(
                actor=request.user, certification=c, reason=reason
            ),
            _("已撤销 %(count)d 项认定。"),
        )
