"""How much of a zone sale reaches whom, under a certification's benefit mechanism.

The mechanisms follow the national poverty-alleviation product rules (扶贫产品认定: a product
qualifies by buying from, employing, or sharing sales with registered low-income households or
economically weak villages):
- PURCHASE: per unit sold the vendor buys `kg_per_unit` kg from listed households at
  `price_per_kg`;
- EMPLOYMENT: per unit sold `wage_per_unit` of wages goes to employed household members;
- SALES_SHARE: `share_percent` of what the shopper paid goes to households or to a weak
  village's collective.
A benefit is split over the beneficiaries by their weights with the largest-remainder rule, to
the fen. Reversals use cumulative rounding (the benefit of the first k units is
round(B × k / q)), so refunding every unit, in any number of steps, gives back exactly what
was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from backend.core.money import FEN, quantize_fen
from backend.poverty.models import Certification, Mechanism

ZERO = Decimal("0.00")


def line_benefit(certification: Certification, *, quantity: int, amount: Decimal) -> Decimal:
    """The benefit of a paid line of `quantity` units for which the shopper paid `amount`."""
    if certification.mechanism == Mechanism.PURCHASE:
        per_unit = (certification.kg_per_unit or ZERO) * (certification.price_per_kg or ZERO)
        return quantize_fen(per_unit * quantity)
    if certification.mechanism == Mechanism.EMPLOYMENT:
        return quantize_fen((certification.wage_per_unit or ZERO) * quantity)
    if certification.mechanism == Mechanism.SALES_SHARE:
        return quantize_fen(amount * (certification.share_percent or ZERO) / 100)
    return ZERO


def split(amount: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """`amount` shared by integer `weights` to the fen: largest remainder, ties to the earlier
    weight; the shares add up to `amount` exactly (also for negative amounts)."""
    total = sum(weights)
    if total <= 0 or not weights:
        return [ZERO for _ in weights]
    sign = -1 if amount < 0 else 1
    cents = int((abs(amount) / FEN).to_integral_value())
    floors, remainders = [], []
    for index, weight in enumerate(weights):
        exact = Decimal(cents) * weight / total
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        floors.append(floor)
        remainders.append((-(exact - floor), index))
    for _, index in sorted(remainders)[: cents - sum(floors)]:
        floors[index] += 1
    return [Decimal(sign * value) * FEN for value in floors]


def cumulative(total: Decimal, units: int, quantity: int) -> Decimal:
    """The part of `total` that the first `units` of `quantity` carry."""
    if quantity <= 0:
        return ZERO
    if units >= quantity:
        return total
    return quantize_fen(total * units / quantity)
