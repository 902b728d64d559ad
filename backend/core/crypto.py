"""Encryption at rest for the few fields that need it (bank accounts, household data).

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package. Keys come from
`FIELD_ENCRYPTION_KEYS` (comma-separated, newest first, so keys can be rotated: every key
decrypts, the first encrypts). In development the key is derived from SECRET_KEY; production
refuses to start without its own keys (see settings.production_problems).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def _key_from_secret(secret: str) -> bytes:
    digest = hashlib.sha256(("field-encryption:" + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    material = [k.encode() for k in keys] or [_key_from_secret(secret)]
    return MultiFernet([Fernet(key) for key in material])


def _current() -> MultiFernet:
    keys = tuple(k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) if k.strip())
    return _fernet(keys, settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if token == "":
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def mask_account(number: str, visible: int = 4) -> str:
    """'6222021234567890123' -> '**** 0123': only the last digits stay readable."""
    digits = "".join(ch for ch in number if ch.isalnum())
    if not digits:
        return ""
    return "**** " + digits[-visible:]
