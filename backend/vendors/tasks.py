"""Background work of the vendors app: the text messages of backend/vendors/notifications.py."""

from __future__ import annotations

from celery import shared_task

from backend.account.sms import send_sms


@shared_task
def send_vendor_sms_task(phone: str, message: str) -> None:
    send_sms(phone=phone, message=message)
