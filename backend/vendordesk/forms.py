"""The workspace's forms: plain inputs that work without JavaScript; the services do the
checking, and their errors are put next to the field they name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from backend.catalog.models import Category, ProductType
from backend.inventory.models import Warehouse
from backend.stationdesk.forms import OperatorLoginForm

# The services name fields as the API does (camelCase); the forms use Python names.
FIELDS = {
    "quantity": "quantity",
    "phone": "phone",
    "name": "name",
    "description": "description",
    "price": "price",
    "sku": "sku",
    "weightGrams": "weight_grams",
    "weight_grams": "weight_grams",
    "image": "image",
    "images": "image",
    "photo": "image",
    "role": "role",
    "prices": "price",
    "category": "category",
    "product_type": "product_type",
    "certifications": "certifications",
    "stock": "quantity",
    "warehouse": "warehouse",
    "kind": "kind",
    "number": "number",
    "issued_on": "issued_on",
    "expires_on": "expires_on",
    "file": "file",
}


def error_codes(error: ValidationError) -> set[str]:
    """Every code in a refusal, whether keyed by field or not."""
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items if item.code}
    return {item.code for item in error.error_list if item.code}


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Each message of the refusal next to its field; the rest above the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, items in error.error_dict.items():
        target: str | None = FIELDS.get(name, name)
        if target not in form.fields:
            target = None
        for item in items:
            for message in item.messages:
                form.add_error(target, message)


class VendorLoginForm(OperatorLoginForm):
    """Sign-in by mobile number (or e-mail) and password, under the same login throttle as
    every other way of signing in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("手机号")


class StockForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("库存数量"),
        min_value=0,
        max_value=1_000_000,
        error_messages={
            "required": _("请填写库存数量。"),
            "invalid": _("请输入整数。"),
            "min_value": _("库存数量不能为负数。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autofocus": True}),
    )


class InviteForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        error_messages={"required": _("请填写手机号。")},
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("staff", _("员工")), ("owner", _("负责人"))],
        initial="staff",
    )


def _photo_field(required: bool = False) -> forms.ImageField:
    # `capture="environment"` opens the phone's back camera; the form posts as
    # multipart/form-data, so it works without JavaScript.
    return forms.ImageField(
        label=_("商品照片"),
        required=required,
        help_text=_("可直接用手机拍照；JPEG、PNG 或 WebP。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"invalid_image": _("无法识别这张图片，请重新拍照或换一张。")},
    )


def _certification_choices():
    from backend.catalog.models import AttributeValue
    from backend.listings.services import CERTIFICATION_ATTRIBUTE

    return list(
        AttributeValue.objects.filter(attribute__slug=CERTIFICATION_ATTRIBUTE)
        .order_by("sort_order", "pk")
        .values_list("slug", "name")
    )


def _set_certification_choices(form: forms.Form) -> None:
    """The badges a product may claim; no field at all where the catalog defines none."""
    choices = _certification_choices()
    if choices:
        form.fields["certifications"].choices = choices  # type: ignore[attr-defined]
    else:
        del form.fields["certifications"]


class ProductForm(forms.Form):
    """A new listing: one pack size (规格) with its price and stock; more sizes can be added by
    bulk import."""

    name = forms.CharField(label=_("商品名称"), max_length=250)
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.none(), empty_label=_("请选择")
    )
    product_type = forms.ModelChoiceField(
        label=_("商品类型"), queryset=ProductType.objects.none(), empty_label=_("请选择")
    )
    description = forms.CharField(
        label=_("商品介绍"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("产地、规格、保质期、储存方法等，如实填写。"),
    )
    variant_name = forms.CharField(
        label=_("规格"), max_length=255, required=False, help_text=_("例如：5kg 袋装")
    )
    sku = forms.CharField(label=_("商品编码（SKU）"), max_length=64)
    price = forms.DecimalField(
        label=_("售价（元，含税）"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("请输入金额，例如 25.80。")},
    )
    weight_grams = forms.IntegerField(
        label=_("重量（克）"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    warehouse = forms.ModelChoiceField(
        label=_("发货仓库"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("暂不填库存"),
    )
    quantity = forms.IntegerField(
        label=_("库存数量"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    certifications = forms.MultipleChoiceField(
        label=_("认证标识"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选的标识需要上传对应的有效证书后才能提交审核。"),
    )
    image = _photo_field()

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["product_type"].queryset = ProductType.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["warehouse"].queryset = Warehouse.objects.filter(vendor=vendor)  # type: ignore[attr-defined]
        _set_certification_choices(self)


class ProductEditForm(forms.Form):
    name = forms.CharField(label=_("商品名称"), max_length=250)
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.none(), empty_label=_("请选择")
    )
    description = forms.CharField(
        label=_("商品介绍"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    certifications = forms.MultipleChoiceField(
        label=_("认证标识"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, variants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("name")  # type: ignore[attr-defined]
        _set_certification_choices(self)
        self.variant_fields = []
        for variant in variants:
            name = f"price_{variant.pk}"
            self.fields[name] = forms.DecimalField(
                label=_("售价：%(variant)s（元）") % {"variant": variant.name or variant.sku},
                max_digits=10,
                decimal_places=2,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages={"invalid": _("请输入金额，例如 25.80。")},
            )
            self.variant_fields.append((variant, name))


class PhotoForm(forms.Form):
    image = _photo_field(required=True)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证书类型"))
    number = forms.CharField(label=_("证书编号"), max_length=100)
    issued_on = forms.DateField(label=_("签发日期"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("证书扫描件或照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args, **kwargs):
        from backend.listings.models import CertificateKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CertificateKind.choices  # type: ignore[attr-defined]
