"""Orders in the staff back-office: read-only records with their lines, fulfilments and history.

Orders change only through the services (cancel, fulfil, refund), which lock the order, move
stock and money and write the history; the dashboard therefore shows orders and offers the
one change that needs no further input, cancelling, as an action that calls the service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import RelatedDropdownFilter

from backend.core.admin import format_price
from backend.core.permissions import Permission
from backend.order.models import Fulfillment, Order, OrderEvent, OrderLine
from backend.order.services import cancel_order


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(Permission.MANAGE_ORDERS.value)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    verbose_name = _("订单行")
    verbose_name_plural = _("订单行")
    fields = (
        "product_name",
        "variant_name",
        "product_sku",
        "vendor_name",
        "quantity",
        "quantity_fulfilled",
        "unit_price",
        "total_price",
    )
    readonly_fields = fields

    @admin.display(description=_("单价"))
    def unit_price(self, line: OrderLine) -> str:
        return format_price(line.unit_price_gross_amount, line.currency)

    @admin.display(description=_("小计"))
    def total_price(self, line: OrderLine) -> str:
        return format_price(line.total_price_gross_amount, line.currency)


class FulfillmentInline(ReadOnlyInline):
    model = Fulfillment
    verbose_name = _("发货")
    verbose_name_plural = _("发货记录")
    fields = ("fulfillment_order", "status", "tracking_number", "created_at")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    verbose_name = _("订单记录")
    verbose_name_plural = _("订单记录")
    fields = ("date", "type", "user", "details")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("详情"))
    def details(self, event: OrderEvent) -> str:
        return "；".join(f"{key}: {value}" for key, value in event.parameters.items()) or "—"


@admin.register(Order)
class OrderAdmin(ModelAdmin):
    list_display = (
        "number",
        "created_at",
        "status",
        "charge_status",
        "customer",
        "total",
        "channel",
        "payment_gateway",
    )
    list_select_related = ("channel",)
    list_filter = (
        "status",
        "charge_status",
        "payment_gateway",
        ("channel", RelatedDropdownFilter),
    )
    list_filter_submit = True
    search_fields = ("=number", "user_email", "user_phone")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, FulfillmentInline, OrderEventInline)
    actions = ("cancel_selected",)
    fieldsets = (
        (None, {"fields": ("number", "status", "charge_status", "channel", "created_at")}),
        (_("买家"), {"fields": ("user", "user_email", "user_phone", "customer_note")}),
        (
            _("配送与支付"),
            {
                "fields": (
                    "shipping_address",
                    "shipping_method_name",
                    "payment_gateway",
                    "pay_by",
                    "total",
                    "charged",
                    "refunded",
                )
            },
        ),
    )
    readonly_fields = (
        "number",
        "status",
        "charge_status",
        "channel",
        "created_at",
        "user",
        "user_email",
        "user_phone",
        "customer_note",
        "shipping_address",
        "shipping_method_name",
        "payment_gateway",
        "pay_by",
        "total",
        "charged",
        "refunded",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(Permission.MANAGE_ORDERS.value)

    def has_manage_orders_permission(self, request) -> bool:
        return request.user.has_perm(Permission.MANAGE_ORDERS.value)

    @admin.display(description=_("买家"))
    def customer(self, order: Order) -> str:
        return order.user_phone or order.user_email or "—"

    @admin.display(description=_("订单金额"), ordering="total_gross_amount")
    def total(self, order: Order) -> str:
        return format_price(order.total_gross_amount, order.currency)

    @admin.display(description=_("已收款"))
    def charged(self, order: Order) -> str:
        return format_price(order.total_charged_amount, order.currency)

    @admin.display(description=_("已退款"))
    def refunded(self, order: Order) -> str:
        return format_price(order.total_refunded_amount, order.currency)

    @admin.action(description=_("取消所选订单（释放库存）"), permissions=["manage_orders"])
    def cancel_selected(self, request, queryset):
        cancelled = 0
        for order in queryset:
            try:
                cancel_order(order, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"#{order.number}：{error.messages[0]}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                ngettext("已取消 %(count)d 个订单。", "已取消 %(count)d 个订单。", cancelled)
                % {"count": cancelled},
                messages.SUCCESS,
            )
