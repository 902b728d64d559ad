"""The station network on the staff dashboard.

The network's shape (which stations exist, where, what they offer) comes from
`catalog_seed/stations.yaml` and is read-only here; staff run it from this page: suspend, close
and reopen stations (through the services, so audit records and re-routing follow) and assign
operators. The coverage figures head the list (issue #4: "exposed in the API and on the staff
pages").
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import RelatedDropdownFilter

from backend.stations import services
from backend.stations.models import Station, StationOperator, StationStatus
from backend.stations.selectors import coverage

STRUCTURE_FIELDS = (
    "code",
    "name",
    "level",
    "parent",
    "town",
    "village",
    "address",
    "latitude",
    "longitude",
    "phone",
    "opening_hours",
    "capabilities",
    "daily_parcel_capacity",
    "served_villages",
    "warehouse",
)


class StationOperatorInline(TabularInline):
    model = StationOperator
    fields = ("user", "role")
    raw_id_fields = ("user",)
    extra = 0


class StationStatusForm(forms.ModelForm):
    class Meta:
        model = Station
        fields = ("status", "status_reason")

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if (
            "status" in self.changed_data
            and status in (StationStatus.SUSPENDED, StationStatus.CLOSED)
            and not (cleaned.get("status_reason") or "").strip()
        ):
            raise ValidationError({"status_reason": _("暂停或关闭站点时请填写原因。")})
        return cleaned


@admin.register(Station)
class StationAdmin(ModelAdmin):
    form = StationStatusForm
    list_display = (
        "code",
        "name",
        "level",
        "town",
        "village",
        "status",
        "daily_parcel_capacity",
    )
    list_select_related = ("town", "village")
    list_filter = ("level", "status", ("town", RelatedDropdownFilter))
    list_filter_submit = True
    search_fields = ("code", "name", "address")
    readonly_fields = STRUCTURE_FIELDS
    fields = (*STRUCTURE_FIELDS, "status", "status_reason")
    inlines = (StationOperatorInline,)
    list_before_template = "stations/admin/coverage.html"

    def has_add_permission(self, request):
        # Stations are added in stations.yaml; a station added here would be pruned by the
        # next seed load.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), "coverage": coverage()}
        )

    def save_model(self, request, obj, form, change):
        """A status change goes through the services: audit record, then re-routing."""
        if not (change and "status" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        status, reason = obj.status, obj.status_reason
        obj.status = form.initial["status"]
        obj.status_reason = form.initial["status_reason"]
        super().save_model(request, obj, form, change)
        if status == StationStatus.SUSPENDED:
            changed = services.suspend_station(station=obj, reason=reason, actor=request.user)
        elif status == StationStatus.CLOSED:
            changed = services.close_station(station=obj, reason=reason, actor=request.user)
        else:
            changed = services.reactivate_station(station=obj, actor=request.user)
        obj.status, obj.status_reason = changed.status, changed.status_reason
