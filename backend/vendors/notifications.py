"""Text messages to vendors: review decisions to the owners, staff invitations to the invitee.

Services call these inside their transaction; the SMS goes out from a Celery task only after
the commit, so a rolled-back decision never tells anyone anything and a slow gateway never
holds a row lock (as backend/order/notifications.py does for shoppers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backend.account.phone import normalize_phone
from backend.brand.signature import signed
from backend.core.links import public_link
from backend.vendors.models import Vendor, VendorInvitation, VendorRole
from backend.vendors.tasks import send_vendor_sms_task

DECISIONS = ("approved", "rejected", "suspended", "reactivated")
# Where an invitee accepts with the token (the vendor workspace's join page).
INVITATION_PATH = "/vendor/join/{token}/"


def _decision_text(vendor: Vendor, decision: str) -> str:
    values = {
        "name": vendor.name,
        "reason": vendor.rejection_reason or vendor.suspension_reason,
        "rate": f"{vendor.commission_rate * 100:.2f}".rstrip("0").rstrip("."),
    }
    if decision == "approved":
        return (
            _("%(name)s 的入驻申请已通过审核，平台佣金比例 %(rate)s%%。现在可以上架商品了。")
            % values
        )
    if decision == "rejected":
        return _("%(name)s 的入驻申请未通过：%(reason)s。请修改后重新提交。") % values
    if decision == "suspended":
        return (
            _("%(name)s 已被暂停经营，商品已下架。原因：%(reason)s。如有疑问请联系服务中心。")
            % values
        )
    return _("%(name)s 已恢复经营，商品重新上架。") % values


def owner_phones(vendor: Vendor) -> list[str]:
    """Owners' mobile numbers; for an application entered by the service centre whose owner has
    not joined yet, the number the owner invitation went to."""
    phones = [
        phone
        for phone in vendor.staff.filter(role=VendorRole.OWNER).values_list(
            "user__phone", flat=True
        )
        if phone
    ]
    if not phones:
        phones = list(
            VendorInvitation.objects.filter(
                vendor=vendor, role=VendorRole.OWNER, accepted_at__isnull=True
            ).values_list("phone", flat=True)[:1]
        )
    if not phones and normalize_phone(vendor.contact_phone):
        phones = [normalize_phone(vendor.contact_phone) or ""]
    return list(dict.fromkeys(phones))


def queue_decision(vendor: Vendor, decision: str) -> None:
    """Tell the vendor's owners about a review decision once the transaction commits."""
    if decision not in DECISIONS:
        raise ValueError(f"Unknown vendor decision: {decision}")
    vendor_id = vendor.pk

    def send() -> None:
        row = Vendor.objects.filter(pk=vendor_id).first()
        if row is None:
            return
        with translation.override(settings.LANGUAGE_CODE):
            message = signed(_decision_text(row, decision))
        for phone in owner_phones(row):
            send_vendor_sms_task.delay(phone, message)

    transaction.on_commit(send)


def queue_invitation(invitation: VendorInvitation, token: str) -> None:
    """Text the invitee the token (only its hash is stored) once the transaction commits."""
    values = {
        "vendor": invitation.vendor.name,
        "role": VendorRole(invitation.role).label,
        "token": token,
        "link": public_link(INVITATION_PATH.format(token=token)),
        "days": settings.VENDOR_INVITATION_DAYS,
    }
    with translation.override(settings.LANGUAGE_CODE):
        message = signed(
            _(
                "您被邀请成为「%(vendor)s」的%(role)s。请用本手机号登录后打开 "
                "%(link)s 接受邀请（邀请码 %(token)s），%(days)s 天内有效。"
            )
            % values
        )
    phone = invitation.phone
    transaction.on_commit(lambda: send_vendor_sms_task.delay(phone, message))
