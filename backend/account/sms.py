"""Text messages to mobile phones (one-time codes for sign-up, login and password reset).

The backend is chosen by the SMS_BACKEND setting, a dotted path to a class with
`send(*, phone, message)`. The default writes the message to the `backend.account.sms`
logger, so development, the demo and the tests can read the code; production points the
setting at a provider's gateway.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend:
    """Sends one text message; a provider's gateway implements this."""

    def send(self, *, phone: str, message: str) -> None:
        raise NotImplementedError


class LogSmsBackend(SmsBackend):
    """Writes the message to the log instead of sending it (development, demo, tests)."""

    def send(self, *, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", phone, message)


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    return import_string(path)


def get_sms_backend() -> SmsBackend:
    return _backend_class(settings.SMS_BACKEND)()


def send_sms(*, phone: str, message: str) -> None:
    get_sms_backend().send(phone=phone, message=message)
