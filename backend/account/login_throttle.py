"""Login throttling: LOGIN_MAX_FAILURES failed logins (password or SMS code) for one account
identifier within LOGIN_FAILURE_WINDOW_SECONDS lock that identifier out for
LOGIN_LOCKOUT_SECONDS, so passwords and codes cannot be guessed at leisure."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.account.error_codes import AccountErrorCode


def _key(kind: str, identifier: str) -> str:
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()
    return f"login:{kind}:{digest}"


def check_login_allowed(*, identifier: str, field: str) -> None:
    if cache.get(_key("locked", identifier)):
        raise ValidationError(
            {
                field: ValidationError(
                    _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
                    code=AccountErrorCode.LOGIN_THROTTLED,
                    params={"minutes": max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)},
                )
            }
        )


def record_login_failure(*, identifier: str) -> None:
    key = _key("failures", identifier)
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        failures = 1
    if failures >= settings.LOGIN_MAX_FAILURES:
        cache.set(_key("locked", identifier), 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        cache.delete(key)


def record_login_success(*, identifier: str) -> None:
    cache.delete(_key("failures", identifier))
