"""The brand managers' merchandising pages on the staff dashboard: home sections (with preview
links and their order), campaigns, livestream events (with the live prices inline) and rule
collections (with "refresh now" and the last refresh time).

Forms check what the services check (links, windows, live-price overlaps) so a bad entry is
shown next to its field and nothing is written; the live prices become the pricing engine's
special prices through `services.sync_live_special_prices`. Only staff with
`merchandising.manage_merchandising` see these pages.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from backend.catalog.models import CollectionKind
from backend.core import audit
from backend.discount.models import SpecialPrice
from backend.merchandising import services
from backend.merchandising.collections import refresh_rule_collection, validate_rule
from backend.merchandising.models import (
    Campaign,
    HomeSection,
    HomeSectionKind,
    HomeSectionProduct,
    LivestreamEvent,
    LivestreamPrice,
    LivestreamProduct,
    RuleCollection,
)


class MerchandisingOnly:
    """Every page and action of this module needs MANAGE_MERCHANDISING."""

    def _allowed(self, request) -> bool:
        return services.can_manage_merchandising(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


def _window_errors(cleaned: dict, *, required: bool) -> None:
    starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
    if required and (starts_at is None or ends_at is None):
        return  # the required fields report themselves
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})


def _field_value(check, value):
    """A service's field check, its error shown next to the form field."""
    try:
        return check(value)
    except ValidationError as error:
        raise ValidationError(error.messages) from error


def _audit(request, obj, action: str, form) -> None:
    audit.record(
        actor=request.user,
        action=action,
        instance=obj,
        before={name: str(form.initial.get(name, "")) for name in form.changed_data} or None,
        after={name: str(getattr(obj, name, "")) for name in form.changed_data},
    )


# Home sections ------------------------------------------------------------------------------


class HomeSectionForm(forms.ModelForm):
    class Meta:
        model = HomeSection
        fields = (
            "channel",
            "kind",
            "title",
            "subtitle",
            "image",
            "link_url",
            "collection",
            "sort_order",
            "starts_at",
            "ends_at",
            "is_published",
        )

    def clean_link_url(self):
        return _field_value(services.clean_link, self.cleaned_data.get("link_url", ""))

    def clean(self):
        cleaned = super().clean()
        _window_errors(cleaned, required=False)
        if cleaned.get("kind") == HomeSectionKind.COLLECTION and not cleaned.get("collection"):
            raise ValidationError({"collection": _("专题版块需要选择一个商品专题。")})
        return cleaned


class HomeSectionProductInline(MerchandisingOnly, TabularInline):
    model = HomeSectionProduct
    extra = 0
    raw_id_fields = ("product",)
    fields = ("product", "sort_order")


@admin.register(HomeSection)
class HomeSectionAdmin(MerchandisingOnly, ModelAdmin):
    form = HomeSectionForm
    list_display = (
        "title",
        "kind",
        "channel",
        "sort_order",
        "starts_at",
        "ends_at",
        "is_published",
        "preview_link",
    )
    list_editable = ("sort_order",)
    list_filter = ("kind", "is_published", "channel")
    list_select_related = ("channel",)
    search_fields = ("title", "subtitle")
    ordering = ("channel", "sort_order", "pk")
    raw_id_fields = ("collection",)
    inlines = (HomeSectionProductInline,)
    fieldsets = (
        (None, {"fields": ("channel", "kind", "title", "subtitle", "image", "link_url")}),
        (_("内容"), {"fields": ("collection",)}),
        (_("排期"), {"fields": ("sort_order", "starts_at", "ends_at", "is_published")}),
    )

    @admin.display(description=_("预览"))
    def preview_link(self, section) -> str:
        url = f"{reverse('storefront:home')}?preview_section={section.pk}"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("预览"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit(request, obj, "merchandising.home_section.saved_in_admin", form)


# Campaigns --------------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = (
            "name",
            "slug",
            "headline",
            "description",
            "banner_image",
            "channel",
            "starts_at",
            "ends_at",
            "collection",
            "promotions",
            "is_published",
        )

    def clean(self):
        cleaned = super().clean()
        _window_errors(cleaned, required=True)
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(MerchandisingOnly, ModelAdmin):
    form = CampaignForm
    list_display = (
        "name",
        "channel",
        "starts_at",
        "ends_at",
        "status_label",
        "is_published",
        "page",
    )
    list_filter = ("is_published", "channel")
    list_select_related = ("channel",)
    search_fields = ("name", "slug", "headline")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("collection",)
    filter_horizontal = ("promotions",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "headline", "description", "banner_image")}),
        (_("排期"), {"fields": ("channel", "starts_at", "ends_at", "is_published")}),
        (_("商品与优惠"), {"fields": ("collection", "promotions")}),
    )

    @admin.display(description=_("状态"))
    def status_label(self, campaign) -> str:
        from backend.merchandising.models import ScheduleStatus

        return str(ScheduleStatus(campaign.status(timezone.now())).label)

    @admin.display(description=_("活动页"))
    def page(self, campaign) -> str:
        url = reverse("storefront:campaign", args=[campaign.slug])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit(request, obj, "merchandising.campaign.saved_in_admin", form)


# Livestream events ------------------------------------------------------------------------


class LivestreamEventForm(forms.ModelForm):
    class Meta:
        model = LivestreamEvent
        fields = (
            "title",
            "host_name",
            "host_avatar",
            "platform",
            "stream_url",
            "channel",
            "starts_at",
            "ends_at",
            "is_published",
            "funded_by",
        )

    def clean_stream_url(self):
        return _field_value(services.clean_stream_url, self.cleaned_data.get("stream_url", ""))

    def clean(self):
        cleaned = super().clean()
        _window_errors(cleaned, required=True)
        return cleaned


class LivestreamPriceFormSet(BaseInlineFormSet):
    """A live price may not overlap another special price (a flash sale) of its variant in the
    event's channel and window — the stacking rule's forbidden overlap."""

    def clean(self):
        super().clean()
        event = self.instance
        if not (event.starts_at and event.ends_at and event.channel_id):
            return
        for form in self.forms:
            variant = form.cleaned_data.get("variant") if hasattr(form, "cleaned_data") else None
            if variant is None or form.cleaned_data.get("DELETE"):
                continue
            others = SpecialPrice.objects.filter(
                channel_id=event.channel_id,
                variant=variant,
                is_active=True,
                starts_at__lt=event.ends_at,
                ends_at__gt=event.starts_at,
            )
            if event.pk is not None:
                others = others.exclude(source_key=event.source_key)
            clash = others.first()
            if clash is not None:
                form.add_error(
                    "variant",
                    _("直播时段内已有特价“%(name)s”，时段不能重叠。") % {"name": clash.name},
                )


class LivestreamProductInline(MerchandisingOnly, TabularInline):
    model = LivestreamProduct
    extra = 0
    raw_id_fields = ("product",)
    fields = ("product", "sort_order")


class LivestreamPriceInline(MerchandisingOnly, TabularInline):
    model = LivestreamPrice
    formset = LivestreamPriceFormSet
    extra = 0
    raw_id_fields = ("variant",)
    fields = ("variant", "price_amount")


@admin.register(LivestreamEvent)
class LivestreamEventAdmin(MerchandisingOnly, ModelAdmin):
    form = LivestreamEventForm
    list_display = (
        "title",
        "host_name",
        "platform",
        "starts_at",
        "ends_at",
        "status_label",
        "price_count",
        "is_published",
    )
    list_filter = ("platform", "is_published", "channel")
    list_select_related = ("channel",)
    search_fields = ("title", "host_name")
    inlines = (LivestreamProductInline, LivestreamPriceInline)
    fieldsets = (
        (None, {"fields": ("title", "host_name", "host_avatar", "platform", "stream_url")}),
        (_("排期"), {"fields": ("channel", "starts_at", "ends_at", "is_published", "funded_by")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(price_total=Count("prices"))

    @admin.display(description=_("直播价"), ordering="price_total")
    def price_count(self, event) -> int:
        return event.price_total

    @admin.display(description=_("状态"))
    def status_label(self, event) -> str:
        from backend.merchandising.models import ScheduleStatus

        return str(ScheduleStatus(event.status(timezone.now())).label)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit(request, obj, "merchandising.livestream_event.saved_in_admin", form)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            services.sync_live_special_prices(form.instance)
        except ValidationError as error:
            # Caught by the form in the common case; a flash sale saved meanwhile lands here:
            # the whole save is rolled back rather than leaving prices the engine cannot use.
            transaction.set_rollback(True)
            messages.error(request, "; ".join(error.messages))

    def delete_model(self, request, obj):
        services.delete_livestream_event(event=obj, actor=request.user)


# Rule collections -------------------------------------------------------------------------


class RuleCollectionForm(forms.ModelForm):
    rule = forms.JSONField(
        label=_("规则"),
        help_text=_(
            '例如 {"conditions": [{"kind": "geographical_indication"}, '
            '{"kind": "town", "town": "东王集镇"}]}；条件之间为“且”。可用条件：'
            "geographical_indication（地理标志）、new_this_week（本周新品）、"
            "brand_licensed（品牌授权）、vendor（商家标识）、town（乡镇名称）。"
        ),
    )

    class Meta:
        model = RuleCollection
        fields = ("name", "slug", "sort_order", "rule")

    def clean_rule(self):
        rule = self.cleaned_data.get("rule")
        try:
            return validate_rule(rule)
        except ValidationError as error:
            raise ValidationError(
                [m for messages_ in error.message_dict.values() for m in messages_]
            ) from error


@admin.register(RuleCollection)
class RuleCollectionAdmin(MerchandisingOnly, ModelAdmin):
    form = RuleCollectionForm
    list_display = ("name", "slug", "rule_text", "product_count", "rule_refreshed_at")
    search_fields = ("name", "slug")
    readonly_fields = ("rule_refreshed_at",)
    prepopulated_fields = {"slug": ("name",)}
    actions = ("refresh_now",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(kind=CollectionKind.RULE)
            .annotate(product_total=Count("collectionproduct"))
        )

    @admin.display(description=_("商品数"), ordering="product_total")
    def product_count(self, collection) -> int:
        return collection.product_total

    @admin.display(description=_("规则"))
    def rule_text(self, collection) -> str:
        return json.dumps(collection.rule, ensure_ascii=False)

    def save_model(self, request, obj, form, change):
        obj.kind = CollectionKind.RULE
        super().save_model(request, obj, form, change)
        _audit(request, obj, "merchandising.collection_rule.saved_in_admin", form)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        result = refresh_rule_collection(form.instance)
        messages.info(
            request,
            _("已刷新：新增 %(added)d 件，移除 %(removed)d 件。")
            % {"added": result.added, "removed": result.removed},
        )

    @admin.action(description=_("立即刷新"))
    def refresh_now(self, request, queryset):
        added = removed = 0
        for collection in queryset:
            try:
                result = refresh_rule_collection(collection)
            except ValidationError as error:
                messages.error(request, f"{collection.name}: {'; '.join(error.messages)}")
                continue
            added += result.added
            removed += result.removed
        messages.success(
            request,
            _("已刷新 %(count)d 个规则专题：新增 %(added)d 件，移除 %(removed)d 件。")
            % {"count": queryset.count(), "added": added, "removed": removed},
        )
