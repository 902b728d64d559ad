"""Pickup codes: six digits the shopper shows at the station to collect a parcel (issue #4).

Decision: the database keeps only a random salt per parcel (`secrets.token_hex`); the code is
an HMAC-SHA256 of that salt under the server's key (`PICKUP_CODE_KEY`, by default the
`SECRET_KEY`), reduced to six digits. So

* codes are random and unrelated to one another (no sequence to guess from a neighbour's code);
* a copy of the database alone reveals no code, yet the order's owner can be shown theirs at
  any time without keeping it in plain text (the API shows it to the owner only);
* checking a code at hand-over recomputes it and compares in constant time;
* issuing a new salt (`new_salt`) invalidates the old code.

Rotating the key changes every unused code, so rotate it when no parcel awaits pickup or send
the new codes. The brute-force limit on wrong codes belongs to the hand-over service.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

CODE_DIGITS = 6


def new_salt() -> str:
    return secrets.token_hex(16)


def _key() -> bytes:
    return (getattr(settings, "PICKUP_CODE_KEY", "") or settings.SECRET_KEY).encode()


def code_for(salt: str) -> str:
    """The parcel's code; HMAC output mod 10⁶ is uniform to within 2⁻²³⁰."""
    if not salt:
        raise ValueError("The shipment has no pickup code.")
    digest = hmac.new(_key(), f"pickup:{salt}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest, "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def matches(salt: str, code: str) -> bool:
    if not salt:
        return False
    return hmac.compare_digest(code_for(salt), str(code).strip())


def new_parcel_code() -> str:
    """The label code scanned at stations: "P" and ten random digits."""
    return "P" + "".join(secrets.choice("0123456789") for _ in range(10))
