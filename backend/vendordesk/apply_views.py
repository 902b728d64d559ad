"""Applying to sell (/vendor/apply/): the web form of `vendorApply` for a cooperative with one
phone. The applicant signs in with the shop's phone login (or signs up), fills the form and
attaches the licence scans taken on the phone; the service centre reviews it
(docs/guides/reviewer.md). A rejected application comes back to the same form with the
reviewer's reason, and sending it again resubmits it. Everything is checked by
`backend.vendors.services` (credit code, SC licence, divisions, documents by content); the
application and its scans are saved in one transaction, so a refused scan leaves nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backend.divisions.models import Town
from backend.vendordesk.forms import add_errors
from backend.vendors import services
from backend.vendors.models import (
    VendorDocumentKind,
    VendorKind,
    VendorRole,
    VendorStatus,
)
from backend.vendors.scoping import forget_membership, membership

DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
# The phone's camera opens straight away; a PDF can still be chosen from files.
PHOTO_ATTRS = {"accept": DOCUMENT_ACCEPT, "capture": "environment"}


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("商家类型"), choices=VendorKind.choices)
    name = forms.CharField(
        label=_("店铺名称"), max_length=250, help_text=_("顾客在商城里看到的名字。")
    )
    legal_name = forms.CharField(label=_("营业执照上的名称"), max_length=250, required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("营业执照上的 18 位代码；个体网商没有执照可不填。"),
    )
    legal_representative = forms.CharField(label=_("法定代表人（经营者）"), max_length=100)
    processes_food = forms.BooleanField(label=_("从事食品生产加工"), required=False)
    sc_licence_number = forms.CharField(
        label=_("食品生产许可证编号"),
        max_length=20,
        required=False,
        help_text=_("SC 加 14 位数字；加工食品的企业和合作社必填。"),
    )
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32)
    town = forms.ChoiceField(label=_("所在乡镇"))
    village = forms.CharField(
        label=_("所在村（社区）"), max_length=100, required=False, help_text=_("填写村名。")
    )
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    bank_account_name = forms.CharField(label=_("账户名"), max_length=250, required=False)
    bank_account_number = forms.CharField(
        label=_("银行账号"),
        max_length=40,
        required=False,
        help_text=_("用于结算货款，加密保存，页面上只显示后四位。"),
    )
    business_licence = forms.FileField(
        label=_("营业执照照片"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": DOCUMENT_ACCEPT, "capture": "environment"}
        ),
        help_text=_("可直接用手机拍照；PDF、JPEG、PNG 或 WebP。"),
    )
    sc_licence = forms.FileField(
        label=_("食品生产许可证照片"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": DOCUMENT_ACCEPT, "capture": "environment"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", _("请选择"))] + [
            (town.name, town.name) for town in Town.objects.order_by("code")
        ]


# Form fields that are documents: form field → document kind.
DOCUMENT_FIELDS = {
    "business_licence": VendorDocumentKind.BUSINESS_LICENCE,
    "sc_licence": VendorDocumentKind.SC_LICENCE,
}


def _initial(vendor) -> dict:
    fields = [f for f in ApplicationForm.base_fields if f not in DOCUMENT_FIELDS]
    initial = {field: getattr(vendor, field, "") for field in fields}
    initial["bank_account_number"] = ""  # never shown again; re-enter to change it
    return initial


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        back = urlencode({"next": request.path})
        return render(
            request,
            "vendordesk/apply_signin.html",
            {
                "login_url": f"{reverse('storefront:login')}?{back}",
                "signup_url": f"{reverse('storefront:signup')}?{back}",
            },
        )
    member = membership(request.user)
    vendor = member.vendor if member else None
    if member is not None and not (
        member.role == VendorRole.OWNER and member.vendor.status == VendorStatus.REJECTED
    ):
        # Already applied (waiting for review) or trading: the workspace shows where it stands.
        return redirect("vendordesk:home")
    posted = request.method == "POST"
    form = ApplicationForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_initial(vendor) if vendor else None,
    )
    if posted and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in DOCUMENT_FIELDS}
        try:
            with transaction.atomic():
                applied = services.apply(actor=request.user, data=data)
                forget_membership(request.user)
                for field, kind in DOCUMENT_FIELDS.items():
                    upload = form.cleaned_data.get(field)
                    if upload is not None:
                        try:
                            services.upload_document(
                                vendor=applied, actor=request.user, kind=kind, file=upload
                            )
                        except ValidationError as error:
                            raise ValidationError({field: error.messages}) from error
        except ValidationError as error:
            forget_membership(request.user)
            add_errors(form, error)
        else:
            messages.success(request, _("申请已提交，县电商公共服务中心审核后会短信通知您。"))
            return redirect("vendordesk:home")
    return render(
        request,
        "vendordesk/apply.html",
        {"form": form, "vendor": vendor, "title": _("申请入驻")},
        status=400 if posted and form.errors else 200,
    )
