"""The brand licence on the vendor's product page: its status and the request button."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.brand import services as brand_services
from backend.brand.models import BrandLicence, LicenceStatus
from backend.brand.signature import brand_name
from backend.vendordesk.views import _product_action, vendor_page


def licence_context(product) -> dict:
    """The product's latest licence and whether a new request can be made."""
    licence = (
        BrandLicence.objects.filter(product=product, vendor_id=product.vendor_id)
        .order_by("-requested_at", "-pk")
        .first()
    )
    open_statuses = (LicenceStatus.REQUESTED, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
    return {
        "brand_licence": licence,
        "brand_name": brand_name(),
        "can_request_licence": licence is None or licence.status not in open_statuses,
    }


@vendor_page
@require_POST
def product_licence_request(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    def ask(product):
        licence = brand_services.request_licence(actor=request.user, product=product)
        return _("已提交品牌授权申请（编号 %(number)s），品牌管理员审核后会短信通知负责人。") % {
            "number": licence.number
        }

    return _product_action(request, vendor, pk, ask)
