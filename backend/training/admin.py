"""The county training staff's pages on the dashboard: courses, sessions (with links to the QR
page to print or project and to the masked attendee list with the XLSX import), attendees
(masked: the phone only as ****), and the jobs queue with confirm/reject actions that go
through backend.training.jobs (audited). Only holders of training.manage_training see them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import ActionForm

from backend.core.admin import DecisionActionsMixin
from backend.training import attendance, jobs
from backend.training.access import is_training_staff
from backend.training.models import Attendee, Job, JobStatus, TrainingCourse, TrainingSession


class StaffOnly:
    def has_module_permission(self, request):
        return is_training_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_training_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_training_staff(request.user)

    def has_add_permission(self, request, *args):
        return is_training_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingCourse)
class TrainingCourseAdmin(StaffOnly, ModelAdmin):
    list_display = ("title", "topic", "is_demo")
    search_fields = ("title", "topic")


@admin.register(TrainingSession)
class TrainingSessionAdmin(StaffOnly, ModelAdmin):
    list_display = (
        "course",
        "starts_at",
        "town",
        "trainer",
        "attendee_count",
        "capacity",
        "status",
        "is_demo",
        "pages",
    )
    list_filter = ("status", "is_demo", "course")
    search_fields = ("course__title", "trainer", "venue")
    list_select_related = ("course", "town")
    autocomplete_fields = ()
    raw_id_fields = ("village",)
    date_hierarchy = "starts_at"
    readonly_fields = ("pages",)
    actions = ("rotate_qr",)

    @admin.action(description=_("更换签到二维码（旧码作废）"))
    def rotate_qr(self, request, queryset):
        for session in queryset:
            attendance.rotate_signing_key(session=session, actor=request.user)
        self.message_user(
            request, _("已更换 %(count)d 个场次的签到二维码。") % {"count": len(queryset)}
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_attendees=Count("attendances"))

    @admin.display(description=_("已签到"), ordering="n_attendees")
    def attendee_count(self, obj) -> int:
        return getattr(obj, "n_attendees", 0)

    @admin.display(description=_("签到"))
    def pages(self, obj) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a>',
            reverse("training:session-qr", args=[obj.pk]),
            _("签到二维码"),
            reverse("training:session-attendees", args=[obj.pk]),
            _("签到名单与导入"),
        )


@admin.register(Attendee)
class AttendeeAdmin(StaffOnly, ModelAdmin):
    """Masked in the list; the full name only on the record (county staff)."""

    list_display = ("name_masked", "phone_masked", "low_income", "is_demo", "created_at")
    list_filter = ("is_demo",)
    search_fields = ("name_masked",)
    fields = ("name", "name_masked", "phone_masked", "id_last4", "household", "user", "is_demo")
    readonly_fields = ("name_masked", "phone_masked", "user")
    raw_id_fields = ("household",)

    def has_add_permission(self, request, *args):
        # Attendees come from sign-in and import, which find the same person again by phone.
        return False

    @admin.display(description=_("低收入户"), boolean=True)
    def low_income(self, obj) -> bool:
        return obj.household_id is not None

    def save_model(self, request, obj, form, change):
        # The lists show only the masked name: keep it in step with a corrected name.
        obj.name_masked = attendance.mask_name(obj.name)
        super().save_model(request, obj, form, change)


class JobDecisionForm(ActionForm):
    reason = forms.CharField(label=_("驳回原因"), required=False, max_length=200)


@admin.register(Job)
class JobAdmin(DecisionActionsMixin, StaffOnly, ModelAdmin):
    list_display = (
        "position",
        "employer",
        "worker_name_masked",
        "start_date",
        "low_income",
        "status",
        "is_demo",
    )
    list_filter = ("status", "is_demo")
    search_fields = ("position", "vendor__name", "station__name")
    list_select_related = ("vendor", "station")
    date_hierarchy = "start_date"
    action_form = JobDecisionForm
    actions = ("confirm_jobs", "reject_jobs")
    readonly_fields = (
        "vendor",
        "station",
        "position",
        "worker_name_masked",
        "start_date",
        "household",
        "household_consent",
        "status",
        "reason",
        "reported_by",
        "reported_at",
        "confirmed_by",
        "decided_at",
        "is_demo",
    )

    def has_add_permission(self, request, *args):
        # Employers report jobs (GraphQL jobReport); the county confirms them here.
        return False

    @admin.display(description=_("用工单位"))
    def employer(self, obj) -> str:
        return obj.employer_name

    @admin.display(description=_("低收入户"), boolean=True)
    def low_income(self, obj) -> bool:
        return obj.household_id is not None

    @admin.action(description=_("确认所选岗位"))
    def confirm_jobs(self, request, queryset):
        self.decide_each(
            request,
            queryset.filter(status=JobStatus.REPORTED),
            lambda job: jobs.decide_job(user=request.user, job=job, confirm=True),
            _("已确认 %(count)d 个岗位。"),
        )

    @admin.action(description=_("驳回所选岗位（填写原因）"))
    def reject_jobs(self, request, queryset):
        reason = self.action_data(request).get("reason", "")
        self.decide_each(
            request,
            queryset,
            lambda job: jobs.decide_job(user=request.user, job=job, confirm=False, reason=reason),
            _("已驳回 %(count)d 个岗位。"),
        )
