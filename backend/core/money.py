"""Money, rounding and the tax-inclusive price split.

Amounts are `Decimal` with a currency on every value; they are rounded to the fen (0.01),
half-up, only where an amount is shown or charged (DESIGN.md: Money). Prices in China are
quoted tax-inclusive, so the net amount and the VAT are derived from the gross price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
DEFAULT_CURRENCY = "CNY"


def quantize_fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money amounts are Decimal, never float or int")

    def quantized(self) -> Money:
        return Money(quantize_fen(self.amount), self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"Cannot combine {self.currency} with {other.currency}")


@dataclass(frozen=True)
class TaxedMoney:
    net: Money
    gross: Money

    @property
    def tax(self) -> Money:
        return self.gross - self.net

    @property
    def currency(self) -> str:
        return self.gross.currency


@dataclass(frozen=True)
class MoneyRange:
    start: Money
    stop: Money


@dataclass(frozen=True)
class TaxedMoneyRange:
    start: TaxedMoney
    stop: TaxedMoney


def taxed_from_gross(gross: Money, tax_rate: Decimal) -> TaxedMoney:
    """Split a tax-inclusive price: net = gross / (1 + rate), both shown to the fen."""
    gross = gross.quantized()
    net = Money(quantize_fen(gross.amount / (Decimal(1) + tax_rate)), gross.currency)
    return TaxedMoney(net=net, gross=gross)
