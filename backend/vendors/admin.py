from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from backend.vendors.models import Vendor


@admin.register(Vendor)
class VendorAdmin(ModelAdmin):
    list_display = (
        "name",
        "kind",
        "town",
        "village",
        "contact_phone",
        "product_count",
        "status",
    )
    list_filter = ("kind", "status", "town")
    search_fields = ("name", "slug", "legal_name", "town", "village", "contact_phone")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "legal_name", "description", "status")}),
        (_("所在地与联系方式"), {"fields": ("town", "village", "contact_phone")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, vendor) -> int:
        return vendor.product_total
