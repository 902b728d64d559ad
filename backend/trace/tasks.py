"""Background work of traceability: recall notices and refunds, copied-label checks."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation

from backend.account.sms import send_sms
from backend.trace.models import Recall, RecallNotice


@shared_task
def process_recall_task(recall_id: int, actor_id: int | None = None) -> dict[str, int]:
    """Tell every shopper of the recall (SMS and e-mail, once each) and refund per policy."""
    from backend.trace import recalls
    from backend.trace.notifications import recall_text

    recall = Recall.objects.filter(pk=recall_id).first()
    if recall is None:
        return {"notified": 0, "refunded": 0}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    notified = refunded = 0
    notices = (
        RecallNotice.objects.filter(recall=recall)
        .select_related("order", "order_line__order", "recall__batch__variant__product")
        .order_by("pk")
    )
    for notice in notices:
        if notice.notified_at is None:
            order = notice.order
            with translation.override(settings.LANGUAGE_CODE):
                text, subject = recall_text(notice)
            phone = order.user_phone or (order.user.phone if order.user is not None else "") or ""
            if phone:
                send_sms(phone=phone, message=text)
            if order.user_email:
                send_mail(subject, text, None, [order.user_email])
            RecallNotice.objects.filter(pk=notice.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            )
            notified += 1
        if recalls.refund_notice(notice, actor=actor) is not None:
            refunded += 1
    return {"notified": notified, "refunded": refunded}
