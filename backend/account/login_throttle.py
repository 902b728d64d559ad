"""Login throttling, alike for every way of signing in (GraphQL tokenCreate, the storefront's
login form, the desks' forms; password or SMS code; mobile number or e-mail address).

Failures are counted twice:
- per account identifier — the mobile number in its E.164 form, or the e-mail address in lower
  case, so `138…`, `+86 138…` and `0086138…` are one quota: LOGIN_MAX_FAILURES failures within
  LOGIN_FAILURE_WINDOW_SECONDS lock the identifier out for LOGIN_LOCKOUT_SECONDS;
- per client IP address — LOGIN_MAX_FAILURES_PER_IP failures (higher: a village shares one
  address behind its operator's NAT) lock that address out as long, so one client cannot
  guess across many accounts.
Either lock answers with the code LOGIN_THROTTLED on the login's identifier field.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.account.error_codes import AccountErrorCode
from backend.account.phone import normalize_phone


def login_identifier(value: str) -> str:
    """The identifier attempts are counted under: the mobile number, else the text in lower
    case (an e-mail address or a desk username)."""
    text = (value or "").strip()
    return normalize_phone(text) or text.lower()


def _key(kind: str, identifier: str) -> str:
    digest = hashlib.sha256(login_identifier(identifier).encode()).hexdigest()
    return f"login:{kind}:{digest}"


def _ip_key(kind: str, ip: str) -> str:
    return f"login:ip-{kind}:{ip}"


def check_login_allowed(*, identifier: str, field: str, ip: str | None = None) -> None:
    locked = cache.get(_key("locked", identifier))
    if not locked and ip:
        locked = cache.get(_ip_key("locked", ip))
    if locked:
        raise ValidationError(
            {
                field: ValidationError(
                    _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
                    code=AccountErrorCode.LOGIN_THROTTLED,
                    params={"minutes": max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)},
                )
            }
        )


def _count_failure(failures_key: str, locked_key: str, limit: int) -> None:
    cache.add(failures_key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(failures_key)
    except ValueError:
        cache.add(failures_key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        failures = 1
    if failures >= limit:
        cache.set(locked_key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        cache.delete(failures_key)


def record_login_failure(*, identifier: str, ip: str | None = None) -> None:
    _count_failure(
        _key("failures", identifier), _key("locked", identifier), settings.LOGIN_MAX_FAILURES
    )
    if ip:
        _count_failure(
            _ip_key("failures", ip), _ip_key("locked", ip), settings.LOGIN_MAX_FAILURES_PER_IP
        )


def record_login_success(*, identifier: str) -> None:
    """A right password clears the identifier's count; the address's count stays, or one
    account of an attacker's own would reset it between guesses at others."""
    cache.delete(_key("failures", identifier))
