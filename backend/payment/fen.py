"""Money as whole fen (分), the unit both Alipay and WeChat Pay settle in.

WeChat Pay v3 takes and reports integers of fen (`amount.total`); Alipay takes and reports
yuan strings with at most two decimals (`total_amount: "12.80"`). Every amount crossing the
boundary goes through these functions, which are exact (Decimal and int, never float) and
refuse what is not a whole number of fen instead of rounding it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN = Decimal("0.01")


class FenError(ValueError):
    """An amount that is not a whole, non-negative number of fen."""


def to_fen(amount: Decimal) -> int:
    """12.80 → 1280; 12.805 is refused (a price is always whole fen here)."""
    value = Decimal(amount)
    if not value.is_finite() or value < 0 or value != value.quantize(FEN):
        raise FenError(f"not a whole number of fen: {amount!r}")
    return int(value * 100)


def from_fen(fen: int) -> Decimal:
    """1280 → Decimal("12.80")."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise FenError(f"not a number of fen: {fen!r}")
    return (Decimal(fen) / 100).quantize(FEN)


def yuan_string(fen: int) -> str:
    """1280 → "12.80", how Alipay spells an amount."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise FenError(f"not a number of fen: {fen!r}")
    return f"{fen // 100}.{fen % 100:02d}"


def parse_yuan(text: str) -> int:
    """ "12.80" (or "12.8", "12") → 1280; anything else (floats' exponents, three decimals,
    signs, blanks) is refused."""
    text = str(text).strip()
    if not text or any(c not in "0123456789." for c in text) or text.count(".") > 1:
        raise FenError(f"not a yuan amount: {text!r}")
    try:
        return to_fen(Decimal(text))
    except InvalidOperation as error:
        raise FenError(f"not a yuan amount: {text!r}") from error
