"""The catalog in the staff back-office: categories, product types and attributes, products,
variants with their channel prices, media and collections.

List pages fetch their related rows with `list_select_related` and computed columns (price,
stock, counts) as annotations, so a page costs the same number of queries whatever its size.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Exists, Min, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.filters.admin import RelatedDropdownFilter

from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
    Category,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.core.admin import FieldLabelsMixin, format_price, titled_filter
from backend.inventory.models import Stock

COMMON_LABELS = {
    "attribute": _("属性"),
    "channel": _("销售渠道"),
    "currency": _("货币"),
    "product": _("商品"),
    "product_variant": _("商品规格"),
    "sort_order": _("排序"),
    "value": _("属性值"),
    "variant": _("商品规格"),
    "warehouse": _("仓库"),
}
SEO_FIELDSET = (
    _("搜索引擎优化"),
    {"fields": ("seo_title", "seo_description"), "classes": ["collapse"]},
)


class CatalogInline(FieldLabelsMixin):
    field_labels = COMMON_LABELS
    extra = 0


# Categories ------------------------------------------------------------------------------


class CategoryChildrenFilter(admin.SimpleListFilter):
    title = _("层级位置")
    parameter_name = "position"

    def lookups(self, request, model_admin):
        return (("root", _("顶级分类")), ("leaf", _("末级分类")))

    def queryset(self, request, queryset):
        if self.value() == "root":
            return queryset.filter(parent__isnull=True)
        if self.value() == "leaf":
            return queryset.filter(children__isnull=True)
        return queryset


@admin.register(Category)
class CategoryAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = COMMON_LABELS
    list_display = ("name", "slug", "parent", "level", "sort_order", "product_count")
    list_select_related = ("parent",)
    list_filter = (("parent", RelatedDropdownFilter), CategoryChildrenFilter, "level")
    list_filter_submit = True
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)
    readonly_fields = ("level", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "parent", "level", "sort_order", "description")}),
        SEO_FIELDSET,
        (_("记录"), {"fields": ("updated_at",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, category) -> int:
        return category.product_total


# Product types and attributes ------------------------------------------------------------


class AttributeProductInline(CatalogInline, TabularInline):
    model = AttributeProduct
    verbose_name = _("商品属性")
    verbose_name_plural = _("商品属性（描述整个商品）")
    autocomplete_fields = ("attribute",)
    fields = ("attribute", "sort_order")


class AttributeVariantInline(CatalogInline, TabularInline):
    model = AttributeVariant
    verbose_name = _("规格属性")
    verbose_name_plural = _("规格属性（区分同一商品的不同规格）")
    autocomplete_fields = ("attribute",)
    fields = ("attribute", "variant_selection", "sort_order")
    field_labels = {**COMMON_LABELS, "variant_selection": _("用于选择规格")}


@admin.register(ProductType)
class ProductTypeAdmin(ModelAdmin):
    list_display = (
        "name",
        "slug",
        "kind",
        "has_variants",
        "is_shipping_required",
        "tax_rate",
        "product_count",
    )
    list_filter = ("kind", "has_variants", "is_shipping_required")
    search_fields = ("name", "slug")
    fields = (
        "name",
        "slug",
        "kind",
        "has_variants",
        "is_shipping_required",
        "weight_grams",
        "tax_rate",
    )
    inlines = (AttributeProductInline, AttributeVariantInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, product_type) -> int:
        return product_type.product_total


class AttributeValueInline(CatalogInline, TabularInline):
    model = AttributeValue
    fields = ("name", "slug", "plain_text", "numeric", "boolean", "date", "sort_order")


@admin.register(Attribute)
class AttributeAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = {"storefront_search_position": _("搜索排序位置")}
    list_display = (
        "name",
        "slug",
        "input_type",
        "unit",
        "value_required",
        "visible_in_storefront",
        "filterable_in_storefront",
        "value_count",
    )
    list_filter = ("input_type", "value_required", "visible_in_storefront")
    search_fields = ("name", "slug")
    inlines = (AttributeValueInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(value_total=Count("values"))

    @admin.display(description=_("值数量"), ordering="value_total")
    def value_count(self, attribute) -> int:
        return attribute.value_total


@admin.register(AttributeValue)
class AttributeValueAdmin(FieldLabelsMixin, ModelAdmin):
    """Searchable on its own so products and variants can pick values by autocomplete."""

    field_labels = COMMON_LABELS
    list_display = ("name", "slug", "attribute_name", "sort_order")
    list_select_related = ("attribute",)
    list_filter = (("attribute", titled_filter(_("属性"), RelatedDropdownFilter)),)
    list_filter_submit = True
    search_fields = ("name", "slug", "attribute__name")
    autocomplete_fields = ("attribute",)

    @admin.display(description=_("属性"), ordering="attribute__name")
    def attribute_name(self, value: AttributeValue) -> str:
        return value.attribute.name


# Products --------------------------------------------------------------------------------


class PublishedFilter(admin.SimpleListFilter):
    title = _("上架状态")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return (("yes", _("已在渠道发布")), ("no", _("未发布")))

    def queryset(self, request, queryset):
        published = ProductChannelListing.objects.filter(product=OuterRef("pk"), is_published=True)
        if self.value() == "yes":
            return queryset.filter(Exists(published))
        if self.value() == "no":
            return queryset.exclude(Exists(published))
        return queryset


class ProductVariantInline(CatalogInline, TabularInline):
    model = ProductVariant
    fields = (
        "sku",
        "name",
        "weight_grams",
        "track_inventory",
        "quantity_limit_per_customer",
        "sort_order",
    )
    show_change_link = True


class ProductMediaInline(CatalogInline, TabularInline):
    model = ProductMedia
    fields = ("image", "alt", "type", "external_url", "sort_order")
    field_labels = {**COMMON_LABELS, "type": _("类型"), "external_url": _("外部链接")}


class ProductChannelListingInline(CatalogInline, TabularInline):
    model = ProductChannelListing
    fields = (
        "channel",
        "is_published",
        "published_at",
        "visible_in_listings",
        "available_for_purchase_at",
        "lowest_price",
    )
    readonly_fields = ("lowest_price",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")

    @admin.display(description=_("最低售价"))
    def lowest_price(self, listing: ProductChannelListing) -> str:
        return format_price(listing.discounted_price_amount, listing.currency)


class AssignedProductAttributeValueInline(CatalogInline, TabularInline):
    model = AssignedProductAttributeValue
    verbose_name = _("商品属性值")
    verbose_name_plural = _("商品属性值")
    autocomplete_fields = ("value",)
    fields = ("value", "attribute_name", "sort_order")
    readonly_fields = ("attribute_name",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("value__attribute")

    @admin.display(description=_("属性"))
    def attribute_name(self, assignment) -> str:
        return assignment.value.attribute.name if assignment.value_id else "—"


@admin.register(Product)
class ProductAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = {"rating": _("评分")}
    list_display = (
        "name",
        "slug",
        "category",
        "product_type",
        "vendor",
        "price_from",
        "variant_count",
        "is_listed",
        "updated_at",
    )
    list_select_related = ("category", "product_type", "vendor")
    list_filter = (
        ("category", RelatedDropdownFilter),
        ("product_type", RelatedDropdownFilter),
        ("vendor", RelatedDropdownFilter),
        PublishedFilter,
    )
    list_filter_submit = True
    search_fields = ("name", "slug", "variants__sku")
    autocomplete_fields = ("category", "product_type", "vendor")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "slug", "product_type", "category", "vendor")}),
        (_("详情"), {"fields": ("description_plaintext", "description", "weight_grams", "rating")}),
        SEO_FIELDSET,
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (
        ProductVariantInline,
        ProductChannelListingInline,
        ProductMediaInline,
        AssignedProductAttributeValueInline,
    )

    def get_queryset(self, request):
        published = ProductChannelListing.objects.filter(product=OuterRef("pk"), is_published=True)
        variants = (
            ProductVariant.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                listed=Exists(published),
                lowest_price=Min("variants__channel_listings__price_amount"),
                variant_total=Coalesce(Subquery(variants), 0),
            )
        )

    @admin.display(description=_("起售价"), ordering="lowest_price")
    def price_from(self, product) -> str:
        return format_price(product.lowest_price)

    @admin.display(description=_("规格数"), ordering="variant_total")
    def variant_count(self, product) -> int:
        return product.variant_total

    @admin.display(description=_("已发布"), boolean=True, ordering="listed")
    def is_listed(self, product) -> bool:
        return product.listed


# Variants --------------------------------------------------------------------------------


class ProductVariantChannelListingInline(CatalogInline, TabularInline):
    model = ProductVariantChannelListing
    verbose_name = _("渠道价格")
    verbose_name_plural = _("渠道价格（含税，人民币元）")
    fields = ("channel", "price_amount", "prior_price_amount", "cost_price_amount", "currency")
    readonly_fields = ("currency",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")


class VariantStockInline(CatalogInline, TabularInline):
    model = Stock
    fields = ("warehouse", "quantity", "quantity_allocated")
    autocomplete_fields = ("warehouse",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("warehouse")


class AssignedVariantAttributeValueInline(CatalogInline, TabularInline):
    model = AssignedVariantAttributeValue
    verbose_name = _("规格属性值")
    verbose_name_plural = _("规格属性值")
    autocomplete_fields = ("value",)
    fields = ("value", "attribute_name", "sort_order")
    readonly_fields = ("attribute_name",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("value__attribute")

    @admin.display(description=_("属性"))
    def attribute_name(self, assignment) -> str:
        return assignment.value.attribute.name if assignment.value_id else "—"


@admin.register(ProductVariant)
class ProductVariantAdmin(FieldLabelsMixin, ModelAdmin):
    field_labels = COMMON_LABELS
    list_display = ("sku", "name", "product", "price", "stock_quantity", "track_inventory")
    list_select_related = ("product",)
    list_filter = (
        ("product__category", titled_filter(_("分类"), RelatedDropdownFilter)),
        ("product__vendor", titled_filter(_("商家"), RelatedDropdownFilter)),
        "track_inventory",
    )
    list_filter_submit = True
    search_fields = ("sku", "name", "product__name")
    autocomplete_fields = ("product",)
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "product",
        "sku",
        "name",
        "weight_grams",
        "track_inventory",
        "quantity_limit_per_customer",
        "sort_order",
        "created_at",
        "updated_at",
    )
    inlines = (
        ProductVariantChannelListingInline,
        VariantStockInline,
        AssignedVariantAttributeValueInline,
    )

    def get_queryset(self, request):
        # A variant's name includes its product's, so autocomplete results and inline rows
        # elsewhere need the product in the same query.
        stock = (
            Stock.objects.filter(product_variant=OuterRef("pk"))
            .order_by()
            .values("product_variant")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("product")
            .annotate(
                lowest_price=Min("channel_listings__price_amount"),
                stock_total=Coalesce(Subquery(stock), 0),
            )
        )

    @admin.display(description=_("售价"), ordering="lowest_price")
    def price(self, variant) -> str:
        return format_price(variant.lowest_price)

    @admin.display(description=_("库存合计"), ordering="stock_total")
    def stock_quantity(self, variant) -> int:
        return variant.stock_total


# Collections -----------------------------------------------------------------------------


class CollectionProductInline(CatalogInline, TabularInline):
    model = CollectionProduct
    verbose_name = _("专题商品")
    verbose_name_plural = _("专题商品")
    autocomplete_fields = ("product",)
    fields = ("product", "sort_order")
    per_page = 20


class CollectionChannelListingInline(CatalogInline, StackedInline):
    model = CollectionChannelListing
    verbose_name = _("渠道发布")
    verbose_name_plural = _("渠道发布")
    fields = ("channel", "is_published", "published_at")


@admin.register(Collection)
class CollectionAdmin(ModelAdmin):
    list_display = ("name", "slug", "sort_order", "product_count")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "sort_order", "description")}),
        SEO_FIELDSET,
    )
    inlines = (CollectionChannelListingInline, CollectionProductInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("collectionproduct"))

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, collection) -> int:
        return collection.product_total
