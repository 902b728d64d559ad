"""The review queue on the staff dashboard (商品审核), for reviewers (vendors.manage_vendors).

Decisions go through the services (actions above the list: approve, reject with reasons and the
checklist typed in the action bar), so each is audited, the product is published or not, and
the vendor's owners are told by SMS. Listings, revisions, decisions and certificates are read
here; vendors change them through their workspace and the API.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import ActionForm

from backend.listings import services
from backend.listings.models import (
    CHECKLIST_ITEMS,
    ChecklistResult,
    Listing,
    ListingImportJob,
    ListingRevision,
    ProductCertificate,
    ReviewDecision,
)
from backend.vendors import scoping


class ReviewerOnly:
    """Reviewers see these pages; nobody adds or deletes rows here."""

    def has_view_permission(self, request, obj=None):
        return scoping.can_manage_vendors(request.user)

    def has_module_permission(self, request):
        return scoping.can_manage_vendors(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DecisionInline(ReviewerOnly, TabularInline):
    model = ReviewDecision
    extra = 0
    can_delete = False
    fields = ("at", "decision", "reasons", "checklist", "reviewer", "revision")
    readonly_fields = fields


class RevisionInline(ReviewerOnly, TabularInline):
    model = ListingRevision
    extra = 0
    can_delete = False
    fields = ("status", "changes", "original", "submitted_at", "decided_at")
    readonly_fields = fields


class ReviewActionForm(ActionForm):
    reasons = forms.CharField(
        label=_("驳回原因"), required=False, help_text=_("驳回时填写，会以短信告知商家。")
    )


for _key, _label in CHECKLIST_ITEMS:
    ReviewActionForm.base_fields[_key] = forms.ChoiceField(
        label=cast(Any, _label),
        required=False,
        choices=[("", "—"), *ChecklistResult.choices],
    )


@admin.register(Listing)
class ListingAdmin(ReviewerOnly, ModelAdmin):
    action_form = ReviewActionForm
    list_display = (
        "product",
        "vendor",
        "product_type",
        "state",
        "has_pending_revision",
        "submitted_at",
        "decided_at",
    )
    list_filter = ("state", "has_pending_revision", "product__product_type", "product__vendor")
    search_fields = ("product__name", "product__slug", "product__vendor__name")
    list_select_related = ("product__vendor", "product__product_type")
    ordering = ("submitted_at", "pk")
    fields = (
        "product",
        "state",
        "has_pending_revision",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "documents",
        "missing",
    )
    readonly_fields = fields
    inlines = (RevisionInline, DecisionInline)
    actions = ("approve_selected", "reject_selected")

    @admin.display(description=_("商家"), ordering="product__vendor__name")
    def vendor(self, listing: Listing):
        return listing.product.vendor

    @admin.display(description=_("商品类型"))
    def product_type(self, listing: Listing):
        return listing.product.product_type

    @admin.display(description=_("证书"))
    def documents(self, listing: Listing):
        certificates = listing.product.certificates.all()
        return format_html_join(
            "",
            "<div>{} {}（{} – {}，{}）</div>",
            (
                (
                    c.get_kind_display(),
                    c.number,
                    c.issued_on,
                    c.expires_on or "—",
                    c.get_status_display(),
                )
                for c in certificates
            ),
        )

    @admin.display(description=_("缺少的材料"))
    def missing(self, listing: Listing):
        return "；".join(
            str(error.message)
            for error in services.missing_documents(
                listing.product, services.product_badges(listing.product)
            )
        )

    def has_manage_vendors_permission(self, request) -> bool:
        return scoping.can_manage_vendors(request.user)

    @staticmethod
    def _checklist(request) -> dict[str, str]:
        return {
            key: request.POST[key]
            for key, _label in CHECKLIST_ITEMS
            if request.POST.get(key) in ChecklistResult.values
        }

    def _decide(self, request, queryset, decide, done) -> None:
        changed = 0
        for listing in queryset.select_related("product"):
            try:
                decide(listing.product)
            except ValidationError as error:
                self.message_user(
                    request, f"{listing.product.name}：{error.messages[0]}", messages.ERROR
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("审核通过所选商品"), permissions=["manage_vendors"])
    def approve_selected(self, request, queryset):
        checklist = self._checklist(request)
        self._decide(
            request,
            queryset,
            lambda product: services.approve_listing(
                actor=request.user, product=product, checklist=checklist
            ),
            _("已通过 %(count)d 个商品。"),
        )

    @admin.action(description=_("驳回所选商品（填写原因和清单）"), permissions=["manage_vendors"])
    def reject_selected(self, request, queryset):
        checklist = self._checklist(request)
        reasons = (request.POST.get("reasons") or "").strip()
        self._decide(
            request,
            queryset,
            lambda product: services.reject_listing(
                actor=request.user, product=product, reasons=reasons, checklist=checklist
            ),
            _("已驳回 %(count)d 个商品。"),
        )


@admin.register(ProductCertificate)
class ProductCertificateAdmin(ReviewerOnly, ModelAdmin):
    list_display = ("product", "vendor", "kind", "number", "issued_on", "expires_on", "status")
    list_filter = ("status", "kind", "vendor")
    search_fields = ("number", "product__name", "vendor__name")
    list_select_related = ("product", "vendor")
    ordering = ("expires_on", "pk")
    fields = (
        "product",
        "vendor",
        "kind",
        "number",
        "file",
        "content_type",
        "size",
        "issued_on",
        "expires_on",
        "status",
        "badge",
        "expiry_warned_at",
        "expired_at",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields


@admin.register(ListingImportJob)
class ListingImportJobAdmin(ReviewerOnly, ModelAdmin):
    """Bulk imports run in the background: reviewers can see which vendor imported what, how
    far a job got and why one failed (the vendor sees the same on its import page)."""

    list_display = (
        "pk",
        "vendor",
        "original_name",
        "status",
        "processed_rows",
        "total_rows",
        "created_products",
        "error_rows",
        "created_at",
    )
    list_filter = ("status", "vendor")
    search_fields = ("original_name", "vendor__name")
    list_select_related = ("vendor",)
    ordering = ("-pk",)
    exclude = ("errors",)
