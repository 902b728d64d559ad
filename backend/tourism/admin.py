"""Venues, booking rules, dated capacity and issued vouchers on the staff dashboard.

County staff (MANAGE_TOURISM) set up venues, their staff and each product's rules and
capacity here. Issued vouchers, redemptions and the venue ledger are read-only: they change
only through the services (payment, the venue desk, refunds), which audit every change.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from backend.core import crypto
from backend.tourism.models import (
    BlackoutDate,
    Capacity,
    TicketType,
    TourismProduct,
    TourismRedemption,
    TourismVoucher,
    Venue,
    VenueLedgerEntry,
    VenueStaff,
)


class VenueStaffInline(TabularInline):
    model = VenueStaff
    extra = 0
    autocomplete_fields = ("user",)


class VenueForm(forms.ModelForm):
    # Stored encrypted (backend/core/crypto.py); only the masked number is ever shown.
    settlement_account_number = forms.CharField(
        label=_("结算账号"),
        required=False,
        max_length=40,
        help_text=_("留空表示不修改；保存后只显示脱敏号码。"),
    )

    class Meta:
        model = Venue
        fields = (
            "vendor",
            "name",
            "slug",
            "kind",
            "grade",
            "description",
            "address",
            "town",
            "opening_hours",
            "phone",
            "settlement_account_name",
            "commission_rate",
            "is_active",
        )


@admin.register(Venue)
class VenueAdmin(ModelAdmin):
    form = VenueForm
    list_display = ("name", "kind", "grade", "town", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug", "address")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("settlement_account_masked",)
    inlines = (VenueStaffInline,)

    def save_model(self, request, obj, form, change):
        number = (form.cleaned_data.get("settlement_account_number") or "").strip()
        if number:
            obj.settlement_account_encrypted = crypto.encrypt(number)
            obj.settlement_account_masked = crypto.mask_account(number)
        super().save_model(request, obj, form, change)


class CapacityInline(TabularInline):
    model = Capacity
    extra = 0
    fields = ("date", "slot", "capacity", "sold")
    readonly_fields = ("sold",)


class BlackoutInline(TabularInline):
    model = BlackoutDate
    extra = 0


@admin.register(TourismProduct)
class TourismProductAdmin(ModelAdmin):
    list_display = ("product", "venue", "booking_mode", "same_day_cutoff", "default_capacity")
    list_filter = ("booking_mode", "venue")
    autocomplete_fields = ("product",)
    inlines = (BlackoutInline, CapacityInline)


@admin.register(TicketType)
class TicketTypeAdmin(ModelAdmin):
    list_display = ("variant", "kind", "uses", "people")
    list_filter = ("kind",)
    autocomplete_fields = ("variant",)


class RedemptionInline(TabularInline):
    model = TourismRedemption
    extra = 0
    can_delete = False
    fields = ("redeemed_at", "venue", "staff", "undone_at", "undone_by", "undo_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TourismVoucher)
class TourismVoucherAdmin(ModelAdmin):
    list_display = (
        "code",
        "product_name",
        "ticket_name",
        "venue",
        "visit_date",
        "status",
        "uses_count",
        "uses_allowed",
        "issued_at",
    )
    list_filter = ("status", "venue")
    search_fields = ("code", "product_name", "order__number")
    inlines = (RedemptionInline,)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VenueLedgerEntry)
class VenueLedgerEntryAdmin(ModelAdmin):
    list_display = ("occurred_at", "venue", "kind", "amount", "commission", "net")
    list_filter = ("kind", "venue")
    readonly_fields = ("venue", "voucher", "kind", "amount", "commission", "net", "occurred_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
