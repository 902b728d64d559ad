"""Forms of the checkout and account pages.

They only shape what the browser posts; the rules (a mainland mobile number, a village of the
chosen town, a one-time code that checks out) are the services', whose ValidationErrors are put
next to the field they name with `add_service_errors`.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.account.models import Address
from backend.divisions.county import County, current_county
from backend.divisions.models import Town, Village

IN_COUNTY = "county"
OUT_OF_COUNTY = "other"


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors on the form: a field's beside that field, the rest on top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        for item in errors:
            for message in item.messages:
                form.add_error(target, message)


def town_choices() -> list[tuple[str, object]]:
    towns = Town.objects.order_by("sort_order", "code").values_list("code", "name")
    return [("", _("请选择乡镇/街道")), *towns]


def village_choices() -> list[tuple[str, object]]:
    """Every village grouped by its town (`<optgroup>`), so the picker works without script;
    the address service refuses a village of another town than the one chosen."""
    groups: dict[str, list[tuple[str, str]]] = {}
    villages = Village.objects.select_related("town").order_by(
        "town__sort_order", "town__code", "sort_order", "code"
    )
    for village in villages:
        groups.setdefault(village.town.name, []).append((village.code, village.name))
    return [("", _("请选择村/社区")), *groups.items()]


class AddressForm(forms.Form):
    """A delivery address: inside the county by town and village, elsewhere by free text."""

    full_name = forms.CharField(label=_("收货人"), max_length=64, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    scope = forms.ChoiceField(
        label=_("收货地区"),
        choices=[(IN_COUNTY, ""), (OUT_OF_COUNTY, _("县外地址"))],
        widget=forms.RadioSelect,
        initial=IN_COUNTY,
    )
    town = forms.ChoiceField(label=_("乡镇/街道"), required=False)
    village = forms.ChoiceField(label=_("村/社区"), required=False)
    country_area = forms.CharField(label=_("省份"), max_length=64, required=False)
    city = forms.CharField(label=_("城市"), max_length=64, required=False)
    city_area = forms.CharField(label=_("区县"), max_length=64, required=False)
    town_name = forms.CharField(label=_("乡镇/街道（县外）"), max_length=64, required=False)
    street_address = forms.CharField(
        label=_("详细地址"),
        max_length=256,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("邮编"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, county: County | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.county = county if county is not None else current_county()
        town, village, scope = (
            cast(forms.ChoiceField, self.fields[name]) for name in ("town", "village", "scope")
        )
        town.choices = town_choices()
        village.choices = village_choices()
        county_name = self.county.name if self.county else _("本县")
        scope.choices = [
            (IN_COUNTY, _("%(county)s内（选择乡镇和村）") % {"county": county_name}),
            (OUT_OF_COUNTY, _("县外地址（手填省市区）")),
        ]

    def address_data(self) -> dict:
        """The address in the model's field names, as `validate_address` reads it."""
        data = self.cleaned_data
        common = {
            "full_name": data["full_name"],
            "phone": data["phone"],
            "street_address": data["street_address"],
            "postal_code": data["postal_code"],
        }
        if data["scope"] == IN_COUNTY and self.county is not None:
            return {
                **common,
                "country_area": self.county.province,
                "city": self.county.city,
                "city_area": self.county.name,
                "town": data["town"],
                "village": data["village"],
            }
        return {
            **common,
            "country_area": data["country_area"],
            "city": data["city"],
            "city_area": data["city_area"],
            "town_name": data["town_name"],
        }

    def add_address_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


def address_initial(address: Address | None) -> dict:
    """The form's initial values from a stored address (a checkout's or the address book's)."""
    if address is None:
        return {"scope": IN_COUNTY}
    in_county = address.village_id is not None
    return {
        "full_name": address.full_name,
        "phone": address.phone,
        "scope": IN_COUNTY if in_county else OUT_OF_COUNTY,
        "town": address.town.code if address.town_id and address.town else "",
        "village": address.village.code if in_county and address.village else "",
        "country_area": "" if in_county else address.country_area,
        "city": "" if in_county else address.city,
        "city_area": "" if in_county else address.city_area,
        "town_name": "" if in_county else address.town_name,
        "street_address": address.street_address,
        "postal_code": address.postal_code,
    }


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("请填写手机号。")},
    )


class DeliveryForm(forms.Form):
    delivery_method = forms.CharField(
        label=_("配送方式"), error_messages={"required": _("请选择配送方式。")}
    )


class PaymentForm(forms.Form):
    gateway = forms.CharField(
        label=_("支付方式"), error_messages={"required": _("请选择支付方式。")}
    )


class PlaceOrderForm(forms.Form):
    customer_note = forms.CharField(
        label=_("买家留言（选填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhoneCodeForm(forms.Form):
    """Sign-up: the number, the code texted to it, and an optional password."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("请填写手机号。")},
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("密码（选填，以后可用密码登录）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code:
            raise ValidationError(_("请填写短信验证码。"), code="required")
        return code


class LoginForm(forms.Form):
    """Log in with the mobile number and either the password or a texted code, or with the
    e-mail address of an account and its password."""

    phone = forms.CharField(
        label=_("手机号或邮箱"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={"required": _("请填写手机号。")},
    )
    password = forms.CharField(
        label=_("密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("或短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned is not None and not cleaned.get("password") and not cleaned.get("code"):
            self.add_error("password", _("请输入密码或短信验证码。"))
        return cleaned
