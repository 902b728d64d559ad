"""Warehouses and their stock in the staff back-office."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import RelatedDropdownFilter

from backend.catalog.models import ProductVariant
from backend.core.admin import FieldLabelsMixin, titled_filter
from backend.inventory.models import Stock, Warehouse

STOCK_LABELS = {"warehouse": _("仓库"), "product_variant": _("商品规格")}


class WarehouseStockInline(FieldLabelsMixin, TabularInline):
    model = Stock
    field_labels = STOCK_LABELS
    fields = ("product_variant", "quantity", "quantity_allocated")
    autocomplete_fields = ("product_variant",)
    extra = 0
    # A distribution centre holds thousands of SKUs: page the inline rather than render all.
    per_page = 20

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product_variant__product")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product_variant":
            # The selected variant is shown by name, which includes its product's name.
            kwargs["queryset"] = ProductVariant.objects.select_related("product")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Warehouse)
class WarehouseAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = {"channels": _("销售渠道")}
    list_display = (
        "name",
        "slug",
        "vendor",
        "city_area",
        "town",
        "click_and_collect_option",
        "is_cold_chain",
        "sku_count",
        "quantity_total",
    )
    list_select_related = ("vendor",)
    list_filter = (
        "click_and_collect_option",
        "is_cold_chain",
        "is_private",
        ("vendor", RelatedDropdownFilter),
    )
    list_filter_submit = True
    search_fields = ("name", "slug", "company_name", "town", "city_area")
    autocomplete_fields = ("vendor",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "vendor", "company_name", "email", "phone")}),
        (
            _("地址"),
            {
                "fields": (
                    "country_area",
                    "city",
                    "city_area",
                    "town",
                    "street_address",
                    "postal_code",
                    "country",
                )
            },
        ),
        (
            _("履约"),
            {"fields": ("channels", "is_private", "click_and_collect_option", "is_cold_chain")},
        ),
    )
    inlines = (WarehouseStockInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                stock_rows=Count("stocks"),
                stock_quantity=Coalesce(Sum("stocks__quantity"), 0),
            )
        )

    @admin.display(description=_("规格数"), ordering="stock_rows")
    def sku_count(self, warehouse) -> int:
        return warehouse.stock_rows

    @admin.display(description=_("库存合计"), ordering="stock_quantity")
    def quantity_total(self, warehouse) -> int:
        return warehouse.stock_quantity


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("可售状态")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return (("out", _("无可售库存")), ("in", _("有可售库存")))

    def queryset(self, request, queryset):
        if self.value() == "out":
            return queryset.filter(quantity__lte=F("quantity_allocated"))
        if self.value() == "in":
            return queryset.filter(quantity__gt=F("quantity_allocated"))
        return queryset


@admin.register(Stock)
class StockAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = STOCK_LABELS
    list_display = (
        "sku",
        "product_name",
        "variant_name",
        "warehouse_name",
        "quantity",
        "quantity_allocated",
        "available",
    )
    list_display_links = ("sku",)
    list_select_related = ("warehouse", "product_variant__product")
    list_filter = (
        ("warehouse", titled_filter(_("仓库"), RelatedDropdownFilter)),
        AvailabilityFilter,
    )
    list_filter_submit = True
    search_fields = ("product_variant__sku", "product_variant__product__name")
    autocomplete_fields = ("warehouse", "product_variant")
    fields = ("warehouse", "product_variant", "quantity", "quantity_allocated")
    ordering = ("product_variant__sku", "warehouse__slug")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product_variant":
            kwargs["queryset"] = ProductVariant.objects.select_related("product")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("SKU"), ordering="product_variant__sku")
    def sku(self, stock: Stock) -> str:
        return stock.product_variant.sku

    @admin.display(description=_("商品"), ordering="product_variant__product__name")
    def product_name(self, stock: Stock) -> str:
        return stock.product_variant.product.name

    @admin.display(description=_("规格名称"), ordering="product_variant__name")
    def variant_name(self, stock: Stock) -> str:
        return stock.product_variant.name

    @admin.display(description=_("仓库"), ordering="warehouse__name")
    def warehouse_name(self, stock: Stock) -> str:
        return stock.warehouse.name

    @admin.display(description=_("可售数量"))
    def available(self, stock: Stock) -> int:
        return stock.quantity_available
