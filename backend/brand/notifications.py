"""Text messages to a vendor's owners when one of their brand licences changes status.

Queued inside the service's transaction and sent by a Celery task after the commit (as
backend/vendors/notifications.py does), so a rolled-back decision tells nobody anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.brand.models import BrandLicence, LicenceStatus
from backend.brand.signature import brand_name, signed
from backend.vendors.notifications import owner_phones
from backend.vendors.tasks import send_vendor_sms_task


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def status_text(licence: BrandLicence) -> str:
    """The message for the licence's current status, in the site's language, signed."""
    values = {
        "brand": brand_name(),
        "product": licence.product.name,
        "number": licence.number,
        "from": _local(licence.valid_from),
        "until": _local(licence.valid_until),
        "reason": licence.reason,
    }
    status = licence.status
    if status == LicenceStatus.ACTIVE:
        text = _(
            "商品“%(product)s”已获得“%(brand)s”品牌授权（编号 %(number)s），"
            "有效期 %(from)s 至 %(until)s，商品页将显示品牌授权标识。"
        )
    elif status == LicenceStatus.SUSPENDED:
        text = _(
            "商品“%(product)s”的“%(brand)s”品牌授权（编号 %(number)s）已暂停，"
            "授权标识已撤下。原因：%(reason)s"
        )
    elif status == LicenceStatus.REVOKED:
        text = _(
            "商品“%(product)s”的“%(brand)s”品牌授权（编号 %(number)s）已撤销，"
            "授权标识已撤下。原因：%(reason)s"
        )
    elif status == LicenceStatus.EXPIRED:
        text = _(
            "商品“%(product)s”的“%(brand)s”品牌授权（编号 %(number)s）已于 %(until)s 到期，"
            "授权标识已撤下。如需继续使用，请在商家工作台重新申请。"
        )
    elif status == LicenceStatus.REJECTED:
        text = _("商品“%(product)s”的“%(brand)s”品牌授权申请未通过。原因：%(reason)s")
    else:
        text = _("商品“%(product)s”的“%(brand)s”品牌授权申请已提交，请等待品牌管理员审核。")
    return signed(text % values)


def queue_status_change(licence: BrandLicence) -> None:
    """Tell the vendor's owners about the licence's new status once the transaction commits."""
    licence_id = licence.pk

    def send() -> None:
        row = BrandLicence.objects.select_related("product", "vendor").filter(pk=licence_id).first()
        if row is None:
            return
        with translation.override(settings.LANGUAGE_CODE):
            message = status_text(row)
        for phone in owner_phones(row.vendor):
            send_vendor_sms_task.delay(phone, message)

    transaction.on_commit(send)
