"""The operator pages' forms: plain inputs; the services do the checking, and their errors
are put next to the field they name."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from backend.account import login_throttle
from backend.stationdesk.services import StationDeskError

# The services name fields as the API does (camelCase); the forms use Python names.
FIELDS = {
    "code": "code",
    "pickupCode": "pickup_code",
    "amount": "amount",
    "producerName": "producer_name",
    "producerPhone": "producer_phone",
    "description": "description",
    "weightGrams": "weight_grams",
}


def add_errors(form: forms.Form, error: StationDeskError) -> None:
    """Each message of the refusal next to its field; the rest above the form."""
    for name, items in error.error_dict.items():
        target = FIELDS.get(name)
        if target not in form.fields:
            target = None
        for item in items:
            form.add_error(target, str(item.message))


def _scan_input(label, **attrs) -> forms.CharField:
    widget_attrs = {
        "autofocus": True,
        "autocomplete": "off",
        "autocapitalize": "characters",
        "enterkeyhint": "go",
        **attrs,
    }
    return forms.CharField(
        label=label, max_length=64, required=True, widget=forms.TextInput(attrs=widget_attrs)
    )


class ScanForm(forms.Form):
    code = _scan_input(_("包裹码"), placeholder="P0123456789")


class HandOverForm(forms.Form):
    code = forms.CharField(
        label=_("包裹码（或扫描取件二维码）"),
        max_length=64,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    pickup_code = forms.CharField(
        label=_("取件码"),
        max_length=64,
        required=False,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": "6 位数字",
            }
        ),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("code") or "").strip() and not (data.get("pickup_code") or "").strip():
            raise forms.ValidationError(_("请输入包裹码和取件码，或扫描顾客的取件二维码。"))
        return data


class CashForm(forms.Form):
    code = _scan_input(_("包裹码"))
    amount = forms.CharField(
        label=_("实收金额（元）"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "25.60"}),
    )


class FirstMileForm(forms.Form):
    producer_name = forms.CharField(label=_("农户/生产者姓名"), max_length=64)
    producer_phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("货品说明"), max_length=256)
    weight_grams = forms.IntegerField(
        label=_("重量（克）"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OperatorLoginForm(AuthenticationForm):
    """Django's sign-in form under the project's login throttle (LOGIN_MAX_FAILURES failures
    lock the identifier out), like every other way of signing in."""

    def clean(self):
        identifier = (self.data.get("username") or "").strip()
        if not identifier:
            return super().clean()
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        login_throttle.check_login_allowed(identifier=identifier, field="username", ip=ip)
        try:
            data = super().clean()
        except forms.ValidationError:
            login_throttle.record_login_failure(identifier=identifier, ip=ip)
            raise
        login_throttle.record_login_success(identifier=identifier)
        return data
