"""Promotions, vouchers and flash sales on the staff dashboard, for brand managers.

Only users holding MANAGE_DISCOUNTS see or change these pages. Every form's `clean()` calls the
validators of backend/discount/management.py, so a promotion saved here obeys exactly what the
API obeys (negative or > 100 % rewards, windows, predicates, overlaps the stacking rule forbids,
a flash-sale price at or above the list price), and each save leaves an audit entry. Vouchers
have two actions: generate codes in bulk, and export their codes as CSV for printing.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import ActionForm

from backend.core import audit
from backend.discount import management
from backend.discount.models import (
    Promotion,
    PromotionRule,
    SpecialPrice,
    SpecialPriceKind,
    Voucher,
    VoucherCode,
)
from backend.discount.pricing import recalculate_discounted_prices


class ManagersOnly:
    """Visible and editable only with MANAGE_DISCOUNTS (brand managers)."""

    def has_module_permission(self, request):
        return management.can_manage_discounts(request.user)

    def has_view_permission(self, request, obj=None):
        return management.can_manage_discounts(request.user)

    def has_add_permission(self, request, *args):
        return management.can_manage_discounts(request.user)

    def has_change_permission(self, request, obj=None):
        return management.can_manage_discounts(request.user)

    def has_delete_permission(self, request, obj=None):
        return management.can_manage_discounts(request.user)


def _apply(form: forms.ModelForm, validate) -> None:
    """Run a service validator over the form's cleaned data; its errors land on the fields
    (or above the form) and nothing is saved."""
    try:
        validate(form.cleaned_data)
    except ValidationError as error:
        for field, items in error.error_dict.items():
            target = field if field in form.fields else None
            for item in items:
                form.add_error(target, item)


def _reprice_after_commit() -> None:
    transaction.on_commit(recalculate_discounted_prices)


# --- promotions ---------------------------------------------------------------------------


class PromotionForm(forms.ModelForm):
    class Meta:
        model = Promotion
        fields = management.PROMOTION_FIELDS

    def clean(self):
        cleaned = super().clean()
        instance = self.instance if self.instance.pk else None
        _apply(
            self,
            lambda data: management.validate_promotion(
                {k: v for k, v in data.items() if k in management.PROMOTION_FIELDS},
                instance=instance,
            ),
        )
        return cleaned


class PromotionRuleForm(forms.ModelForm):
    class Meta:
        model = PromotionRule
        fields = (
            "name",
            "channels",
            "products",
            "variants",
            "categories",
            "collections",
            "vendors",
            "min_subtotal_amount",
            "reward_type",
            "reward_value_type",
            "reward_value",
            "gift_variant",
        )


class PromotionRuleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        promotion = self.instance
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            rule = form.instance if form.instance.pk else None
            data = {
                k: v for k, v in form.cleaned_data.items() if k in PromotionRuleForm.Meta.fields
            }
            data = {
                k: (list(v) if k in management.RULE_M2M and v is not None else v)
                for k, v in data.items()
            }
            _apply(
                form,
                lambda _data, data=data, rule=rule: management.validate_rule(
                    promotion=promotion, data=data, rule=rule
                ),
            )


class PromotionRuleInline(ManagersOnly, TabularInline):
    model = PromotionRule
    form = PromotionRuleForm
    formset = PromotionRuleFormSet
    extra = 0
    show_change_link = False


@admin.register(Promotion)
class PromotionAdmin(ManagersOnly, ModelAdmin):
    form = PromotionForm
    inlines = (PromotionRuleInline,)
    list_display = (
        "name",
        "type",
        "start_date",
        "end_date",
        "priority",
        "funded_by",
        "is_active",
        "is_running",
    )
    list_filter = ("type", "funded_by", "is_active")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("进行中"), boolean=True)
    def is_running(self, promotion: Promotion) -> bool:
        now = timezone.now()
        return (
            promotion.is_active
            and promotion.start_date <= now
            and (promotion.end_date is None or now < promotion.end_date)
        )

    def save_model(self, request, obj, form, change):
        before = management.promotion_snapshot(Promotion.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="promotion.updated_in_admin" if change else "promotion.created_in_admin",
            instance=obj,
            before=before,
            after=management.promotion_snapshot(obj),
        )
        _reprice_after_commit()

    def delete_model(self, request, obj):
        management.delete_promotion(actor=request.user, promotion=obj)


# --- vouchers -----------------------------------------------------------------------------


VOUCHER_FORM_FIELDS = (
    *management.VOUCHER_FIELDS,
    "channels",
    "products",
    "variants",
    "categories",
    "collections",
)


class VoucherForm(forms.ModelForm):
    class Meta:
        model = Voucher
        fields = VOUCHER_FORM_FIELDS

    def clean(self):
        cleaned = super().clean()
        instance = self.instance if self.instance.pk else None
        data = {
            k: (list(v) if k in management.VOUCHER_M2M and v is not None else v)
            for k, v in cleaned.items()
            if k in VOUCHER_FORM_FIELDS
        }
        _apply(self, lambda _data: management.validate_voucher(data, instance=instance))
        return cleaned


class VoucherCodeForm(forms.ModelForm):
    class Meta:
        model = VoucherCode
        fields = ("code", "is_active")

    def clean_code(self):
        code = management.normalize_code(self.cleaned_data.get("code") or "")
        if self.instance.pk and code == self.instance.code:
            return code
        try:
            management.validate_codes([code], field="code")
        except ValidationError as error:
            raise ValidationError(error.error_dict["code"]) from error
        return code


class VoucherCodeInline(ManagersOnly, TabularInline):
    model = VoucherCode
    form = VoucherCodeForm
    fields = ("code", "used", "is_active", "created_at")
    readonly_fields = ("used", "created_at")
    extra = 0
    # A voucher may hold thousands of generated codes: the page lists the first ones, the
    # CSV export has them all.
    max_num = None
    per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("pk")


class GenerateCodesForm(ActionForm):
    quantity = forms.IntegerField(
        label=_("生成数量"),
        required=False,
        min_value=1,
        help_text=_("批量生成券码时填写，最多 10000。"),
    )
    prefix = forms.CharField(label=_("券码前缀"), required=False, max_length=12)


@admin.register(Voucher)
class VoucherAdmin(ManagersOnly, ModelAdmin):
    form = VoucherForm
    action_form = GenerateCodesForm
    inlines = (VoucherCodeInline,)
    list_display = (
        "name",
        "type",
        "discount_value_type",
        "discount_value",
        "min_spent_amount",
        "start_date",
        "end_date",
        "used",
        "usage_limit",
        "funded_by",
    )
    list_filter = ("type", "funded_by")
    search_fields = ("name", "codes__code")
    readonly_fields = ("used", "created_at")
    actions = ("generate_codes", "export_codes")

    def save_model(self, request, obj, form, change):
        before = management.voucher_snapshot(Voucher.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="voucher.updated_in_admin" if change else "voucher.created_in_admin",
            instance=obj,
            before=before,
            after={k: v for k, v in management.voucher_snapshot(obj).items()},
        )

    def has_delete_permission(self, request, obj=None):
        # A used voucher is named by its orders: deactivate its codes instead.
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.used)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletions go one by one, through the service
        return actions

    def delete_model(self, request, obj):
        management.delete_voucher(actor=request.user, voucher=obj)

    @admin.action(description=_("为所选优惠券批量生成券码"))
    def generate_codes(self, request, queryset):
        raw = (request.POST.get("quantity") or "").strip()
        prefix = (request.POST.get("prefix") or "").strip()
        if not raw.isdigit():
            self.message_user(request, _("请填写生成数量。"), messages.ERROR)
            return
        for voucher in queryset:
            try:
                codes = management.generate_voucher_codes(
                    actor=request.user, voucher=voucher, quantity=int(raw), prefix=prefix
                )
            except ValidationError as error:
                self.message_user(request, f"{voucher.name}：{error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s：已生成 %(count)d 个券码。")
                    % {"name": voucher.name, "count": len(codes)},
                    messages.SUCCESS,
                )

    @admin.action(description=_("导出所选优惠券的券码（CSV）"))
    def export_codes(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="voucher-codes.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
        writer = csv.writer(response)
        writer.writerow([_("优惠券"), _("券码"), _("已使用次数"), _("启用")])
        codes = (
            VoucherCode.objects.filter(voucher__in=queryset)
            .select_related("voucher")
            .order_by("voucher_id", "pk")
        )
        for code in codes.iterator():
            writer.writerow([code.voucher.name, code.code, code.used, int(code.is_active)])
        return response


# --- flash sales --------------------------------------------------------------------------


class FlashSaleForm(forms.ModelForm):
    class Meta:
        model = SpecialPrice
        fields = management.FLASH_SALE_FIELDS

    def clean(self):
        cleaned = super().clean()
        instance = self.instance if self.instance.pk else None
        data = {k: v for k, v in cleaned.items() if k in management.FLASH_SALE_FIELDS}
        _apply(self, lambda _data: management.validate_flash_sale(data, instance=instance))
        return cleaned


@admin.register(SpecialPrice)
class FlashSaleAdmin(ManagersOnly, ModelAdmin):
    """Flash sales (限时秒杀). Livestream prices belong to their events (merchandising)."""

    form = FlashSaleForm
    list_display = (
        "name",
        "variant",
        "channel",
        "price_amount",
        "starts_at",
        "ends_at",
        "quantity_limit",
        "quantity_sold",
        "remaining",
        "per_customer_limit",
        "funded_by",
        "is_active",
    )
    list_filter = ("channel", "is_active", "funded_by")
    search_fields = ("name", "variant__sku", "variant__product__name")
    readonly_fields = ("quantity_sold", "created_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(kind=SpecialPriceKind.FLASH_SALE)
            .select_related("variant__product", "channel")
            .annotate(remaining_quantity=F("quantity_limit") - F("quantity_sold"))
        )

    @admin.display(description=_("剩余"), ordering="remaining_quantity")
    def remaining(self, sale: SpecialPrice):
        return sale.quantity_remaining if sale.quantity_limit is not None else _("不限")

    def save_model(self, request, obj, form, change):
        before = (
            management.flash_sale_snapshot(SpecialPrice.objects.get(pk=obj.pk)) if change else None
        )
        obj.kind = SpecialPriceKind.FLASH_SALE
        obj.currency = obj.channel.currency_code
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="flash_sale.updated_in_admin" if change else "flash_sale.created_in_admin",
            instance=obj,
            before=before,
            after=management.flash_sale_snapshot(obj),
        )
        _reprice_after_commit()

    def has_delete_permission(self, request, obj=None):
        # Sold units are on orders: a flash sale that sold is deactivated, not deleted.
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.quantity_sold
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        management.delete_flash_sale(actor=request.user, sale=obj)
