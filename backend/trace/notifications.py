"""Messages of traceability: a failed spot check to the vendor's owners and the brand managers,
and recall notices to the shoppers who received the batch (SMS and e-mail).

Queued inside the service's transaction, sent by Celery tasks after the commit, so a rolled-back
check tells nobody anything (as backend/vendors/notifications.py does).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backend.brand.signature import signed
from backend.core.links import public_link
from backend.trace.models import Recall, SpotCheck
from backend.vendors.notifications import owner_phones
from backend.vendors.tasks import send_vendor_sms_task

# Where a shopper acknowledges a recall notice (the public storefront page).
ACK_PATH = "/trace/recall/{token}/"


def queue_spot_check_failed(check: SpotCheck, *, recall: Recall, licences) -> None:
    check_id, recall_id = check.pk, recall.pk
    licence_numbers = [licence.number for licence in licences]

    def send() -> None:
        from backend.trace.recalls import brand_managers

        row = SpotCheck.objects.select_related("vendor", "product", "batch").get(pk=check_id)
        values = {
            "product": row.product.name,
            "lot": row.batch.lot_number,
            "code": row.batch.code,
            "note": row.note,
            "licences": "、".join(licence_numbers) or "-",
        }
        with translation.override(settings.LANGUAGE_CODE):
            to_vendor = signed(
                _(
                    "您的商品“%(product)s”（批号 %(lot)s）网货质量抽查不合格：%(note)s。"
                    "商品已暂停销售，品牌授权（%(licences)s）已暂停，该批次已启动召回。"
                )
                % values
            )
            to_managers = signed(
                _(
                    "抽查不合格：商品“%(product)s”批次 %(code)s（%(note)s），"
                    "已暂停销售和品牌授权（%(licences)s），召回编号 %(recall)s。"
                )
                % {**values, "recall": recall_id}
            )
        for phone in owner_phones(row.vendor):
            send_vendor_sms_task.delay(phone, to_vendor)
        for manager in brand_managers():
            if manager.phone:
                send_vendor_sms_task.delay(manager.phone, to_managers)

    transaction.on_commit(send)


def recall_text(notice) -> tuple[str, str]:
    """(SMS text, e-mail subject) of a shopper's recall notice; nothing about other shoppers."""
    batch = notice.recall.batch
    values = {
        "product": batch.variant.product.name,
        "lot": batch.lot_number,
        "link": public_link(ACK_PATH.format(token=notice.token)),
    }
    text = signed(
        _(
            "召回通知：您购买的“%(product)s”（批号 %(lot)s）需要召回，请停止食用。"
            "请打开 %(link)s 确认收到通知，退款将按召回政策原路退回。"
        )
        % values
    )
    subject = _("召回通知：%(product)s") % values
    return text, subject
