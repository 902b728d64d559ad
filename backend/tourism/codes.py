"""Voucher codes: 12 characters, 11 cryptographically random plus one check character.

The alphabet has 31 symbols, the digits and capitals without the ones read wrongly on a phone
screen or a printout (0/O, 1/I/L). 31 is prime, which the check relies on (ISO/IEC 7064 "pure"
systems use a prime modulus for the same reason):

    Σ wᵢ·vᵢ ≡ 0 (mod 31),  wᵢ = i + 1 for the positions i = 0‥11 (check character included)

where vᵢ is the index of the i-th character in the alphabet.

* A single substitution vᵢ → v′ changes the sum by wᵢ·(v′ − vᵢ). Both factors are non-zero
  and smaller than 31 in absolute value, and 31 is prime, so the product is not ≡ 0: caught.
* Swapping neighbours a ≠ b at i, i+1 changes the sum by (wᵢ − wᵢ₊₁)·(b − a) = −(b − a) ≢ 0:
  caught. The same argument holds for the swap of the last random character and the check.

With 31¹¹ ≈ 2.5·10¹⁶ possible codes, a collision is unlikely (about 2·10⁻⁵ for a million
vouchers, by the birthday bound) and the unique index turns it into a retry (services).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)
LENGTH = 12
assert MODULUS == 31  # the proofs above need a prime modulus larger than every weight
_INDEX = {symbol: index for index, symbol in enumerate(ALPHABET)}
# The check weight (the last position) and its inverse modulo 31.
_CHECK_WEIGHT = LENGTH
_CHECK_INVERSE = pow(_CHECK_WEIGHT, -1, MODULUS)
_SEPARATORS = re.compile(r"[\s\-_.]")


def check_character(body: str) -> str:
    """The check character making `body` (11 symbols of the alphabet) a valid code."""
    total = sum((i + 1) * _INDEX[c] for i, c in enumerate(body))
    return ALPHABET[(-total * _CHECK_INVERSE) % MODULUS]


_SPACE = MODULUS ** (LENGTH - 1)


def generate() -> str:
    """A fresh code: 11 symbols drawn uniformly by the OS's CSPRNG, plus the check."""
    number = secrets.randbelow(_SPACE)
    body = []
    total = 0
    for weight in range(1, LENGTH):
        number, digit = divmod(number, MODULUS)
        body.append(ALPHABET[digit])
        total += weight * digit
    body.append(ALPHABET[(-total * _CHECK_INVERSE) % MODULUS])
    return "".join(body)


def is_valid(code: str) -> bool:
    if len(code) != LENGTH or any(c not in _INDEX for c in code):
        return False
    return sum((i + 1) * _INDEX[c] for i, c in enumerate(code)) % MODULUS == 0


def normalize(text: str) -> str:
    """A typed or scanned code as stored: upper case, without spaces or dashes; the QR payload
    prefix stripped. Lookalikes (O, I, L) are not in the alphabet, so the result is invalid
    and refused as a wrong code rather than silently changed."""
    value = (text or "").strip()
    if value.upper().startswith(QR_PREFIX + ":"):
        value = value[len(QR_PREFIX) + 1 :]
    return _SEPARATORS.sub("", value).upper()[:64]


def display(code: str) -> str:
    """Grouped for reading aloud: XXXX-XXXX-XXXX."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


QR_PREFIX = "CMTOUR"


def qr_payload(code: str) -> str:
    return f"{QR_PREFIX}:{code}"
