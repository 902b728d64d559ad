"""Mainland China mobile numbers."""

from __future__ import annotations

import re

_MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str | None:
    """Return the E.164 form (+86…) of a mainland mobile number, or None if it is not one."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if _MAINLAND_MOBILE.match(digits):
        return "+86" + digits
    return None
