"""The poverty-alleviation certification (扶贫产品认定) from the vendor's product page: its
status and the application form with the benefit mechanism and evidence. The vendor names the
households it buys from, employs or shares with by the registry numbers the county gave it and
sees nothing else of them (backend/poverty/services.py decides)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.divisions.models import Village
from backend.poverty import services as poverty_services
from backend.poverty.models import Certification, Mechanism, ShareRecipient
from backend.poverty.plain_words import mechanism_in_plain_words
from backend.vendordesk import forms, selectors
from backend.vendordesk.views import _page, vendor_page


class CertificationForm(django_forms.Form):
    mechanism = django_forms.ChoiceField(
        label=gettext_lazy("利益联结方式"), choices=Mechanism.choices
    )
    price_per_kg = django_forms.DecimalField(
        label=gettext_lazy("收购价（元/公斤）"), required=False, decimal_places=2
    )
    kg_per_unit = django_forms.DecimalField(
        label=gettext_lazy("每件用料（公斤）"), required=False, decimal_places=3
    )
    wage_per_unit = django_forms.DecimalField(
        label=gettext_lazy("每件工资（元）"), required=False, decimal_places=2
    )
    share_percent = django_forms.DecimalField(
        label=gettext_lazy("分成比例（%）"), required=False, decimal_places=2
    )
    share_recipient = django_forms.ChoiceField(
        label=gettext_lazy("分成对象"),
        required=False,
        choices=[("", "—"), *ShareRecipient.choices],
    )
    village_code = django_forms.CharField(
        label=gettext_lazy("受益村的区划代码"), required=False, max_length=12
    )
    households = django_forms.CharField(
        label=gettext_lazy("受益低收入户"),
        required=False,
        widget=django_forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一户：建档立卡编号，可在空格后写份额（默认 1）。"),
    )
    description = django_forms.CharField(
        label=gettext_lazy("利益联结说明"), widget=django_forms.Textarea(attrs={"rows": 3})
    )
    evidence = django_forms.FileField(
        label=gettext_lazy("证明材料"),
        required=False,
        help_text=gettext_lazy("收购协议、用工合同或分成协议：PDF、JPEG、PNG 或 WebP。"),
    )

    def households_list(self) -> list[tuple[str, int]]:
        rows = []
        for line in (self.cleaned_data.get("households") or "").splitlines():
            parts = line.replace(",", " ").replace("，", " ").split()
            if not parts:
                continue
            weight = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
            rows.append((parts[0], weight))
        return rows


@vendor_page
def product_poverty(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    product = selectors.product_of(vendor, pk)
    if product is None:
        raise Http404(_("没有找到这个商品。"))
    latest = (
        Certification.objects.filter(product=product, vendor=vendor)
        .select_related("village")
        .order_by("-created_at", "-pk")
        .first()
    )
    posted = request.method == "POST"
    form = CertificationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        terms = {
            key: data[key]
            for key in ("price_per_kg", "kg_per_unit", "wage_per_unit", "share_percent")
            if data.get(key) is not None
        }
        if data.get("share_recipient"):
            terms["share_recipient"] = data["share_recipient"]
        village = (
            Village.objects.filter(code=data["village_code"]).first()
            if data.get("village_code")
            else None
        )
        try:
            poverty_services.apply_for_certification(
                actor=request.user,
                product=product,
                mechanism=data["mechanism"],
                households=form.households_list(),
                village=village,
                description=data["description"],
                evidence=data.get("evidence"),
                **terms,
            )
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request, _("已提交扶贫产品认定申请，县扶贫专区审核后会短信通知负责人。")
            )
            return redirect("vendordesk:product", pk=product.pk)
    return _page(
        request,
        "vendordesk/product_poverty.html",
        vendor,
        title=_("扶贫产品认定"),
        product=product,
        certification=latest,
        mechanism_words=mechanism_in_plain_words(latest) if latest else "",
        form=form,
    )
