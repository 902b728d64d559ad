"""One-time SMS codes for sign-up, login and password reset by mobile number.

A code is six random digits. Only a salted HMAC of it is kept, in the cache (Redis in
production), so a leaked cache dump does not reveal live codes; it expires after
OTP_TTL_SECONDS, is good for one successful use and dies after OTP_MAX_ATTEMPTS wrong
guesses (six digits and five guesses: a one-in-200 000 chance per code).

Requests are rate limited per number (one per OTP_RESEND_SECONDS, OTP_MAX_PER_PHONE_PER_HOUR
an hour) and per client address (OTP_MAX_PER_IP_PER_HOUR an hour): every text costs money
and an unlimited endpoint would let anyone flood a stranger's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from backend.account.error_codes import AccountErrorCode
from backend.account.sms import send_sms
from backend.brand.signature import sms_signature

HOUR = 3600


class CodePurpose(models.TextChoices):
    LOGIN = "login", "登录"
    REGISTER = "register", "注册"
    PASSWORD_RESET = "password_reset", "重置密码"
    ACCOUNT_DELETE = "account_delete", "注销账户"


def _now() -> float:
    return time.time()


def code_key(*, phone: str, purpose: str) -> str:
    return f"otp:code:{purpose}:{phone}"


def _attempts_key(*, phone: str, purpose: str) -> str:
    return f"otp:attempts:{purpose}:{phone}"


def _digest(code: str, salt: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _count(key: str, window_seconds: int) -> int:
    """Increment a counter that starts at the first hit and resets `window_seconds` later."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return 1


def _too_many_requests() -> ValidationError:
    return ValidationError(
        {
            "phone": ValidationError(
                _("验证码请求过于频繁，请稍后再试。"), code=AccountErrorCode.TOO_MANY_REQUESTS
            )
        }
    )


def throttle_request(*, phone: str, ip: str | None) -> None:
    """Count one code request against the number's and the address's quotas, or refuse it."""
    if ip and _count(f"otp:ip-hour:{ip}", HOUR) > settings.OTP_MAX_PER_IP_PER_HOUR:
        raise _too_many_requests()
    if not cache.add(f"otp:resend:{phone}", 1, timeout=settings.OTP_RESEND_SECONDS):
        raise _too_many_requests()
    if _count(f"otp:phone-hour:{phone}", HOUR) > settings.OTP_MAX_PER_PHONE_PER_HOUR:
        raise _too_many_requests()


def issue_code(*, phone: str, purpose: str) -> str:
    """Create a new code for the number and purpose (replacing any earlier one)."""
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    stored = {"salt": salt, "digest": _digest(code, salt), "issued_at": _now()}
    cache.set(code_key(phone=phone, purpose=purpose), stored, timeout=settings.OTP_TTL_SECONDS)
    cache.delete(_attempts_key(phone=phone, purpose=purpose))
    return code


def _message(code: str, purpose: str) -> str:
    minutes = max(settings.OTP_TTL_SECONDS // 60, 1)
    action = {
        CodePurpose.LOGIN: _("登录"),
        CodePurpose.REGISTER: _("注册"),
        CodePurpose.PASSWORD_RESET: _("重置密码"),
        CodePurpose.ACCOUNT_DELETE: _("注销账户"),
    }[CodePurpose(purpose)]
    text = _("您的%(action)s验证码是 %(code)s，%(minutes)s 分钟内有效，请勿告诉他人。")
    return sms_signature() + text % {
        "action": action,
        "code": code,
        "minutes": minutes,
    }


def request_code(*, phone: str, purpose: str, ip: str | None) -> None:
    """Send a fresh code to the number, within the rate limits."""
    throttle_request(phone=phone, ip=ip)
    code = issue_code(phone=phone, purpose=purpose)
    send_sms(phone=phone, message=_message(code, purpose))


def verify_code(*, phone: str, purpose: str, code: str) -> bool:
    """True once for the right code; a wrong guess counts towards the code's attempt limit."""
    key = code_key(phone=phone, purpose=purpose)
    stored = cache.get(key)
    if not isinstance(stored, dict):
        return False
    if _now() - stored["issued_at"] > settings.OTP_TTL_SECONDS:
        cache.delete(key)
        return False
    attempts_key = _attempts_key(phone=phone, purpose=purpose)
    if _count(attempts_key, settings.OTP_TTL_SECONDS) > settings.OTP_MAX_ATTEMPTS:
        cache.delete(key)
        return False
    if hmac.compare_digest(stored["digest"], _digest(str(code).strip(), stored["salt"])):
        # Deleting is the claim: of two concurrent correct guesses only one deletes the key.
        if cache.delete(key):
            cache.delete(attempts_key)
            return True
        return False
    if cache.get(attempts_key, 0) >= settings.OTP_MAX_ATTEMPTS:
        cache.delete(key)
    return False
