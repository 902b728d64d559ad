"""How money is shared out over lines: pure functions, no database.

Rounding (DESIGN.md: Money; 对账 rules of the county service centre):
- Shares of a line's price over its parcels and shares of a refund over an order's lines are
  whole fen and always add up exactly to what is shared (cumulative rounding, largest
  remainder): no fen is created or lost, so no rounding happens there.
- The commission is rounded to the fen, half-up, once per statement line (`commission`).
- Statement totals are sums of fen amounts and so need no rounding (they are quantized to the
  fen, half-up, only as a guard).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from backend.core.money import FEN, quantize_fen

ZERO = Decimal("0.00")


def commission(base: Decimal, rate: Decimal) -> Decimal:
    """The platform's commission on `base`, rounded to the fen half-up (the one rounding)."""
    return (base * rate).quantize(FEN, rounding=ROUND_HALF_UP)


def split_by_quantity(total: Decimal, quantity: int, parts: Sequence[int]) -> list[Decimal]:
    """Shares of a line's `total` (for `quantity` units) for parcels carrying `parts` units.

    Cumulative rounding: the share of part i is round(total × units up to i / quantity) minus
    the same for the parts before it, so the shares of parts covering the whole quantity add
    up to `total` exactly, and a part's share never depends on the parts after it."""
    shares: list[Decimal] = []
    carried = 0
    previous = ZERO
    for units in parts:
        carried += units
        upto = quantize_fen(total * carried / quantity) if quantity else ZERO
        shares.append(upto - previous)
        previous = upto
    return shares


def pro_rata(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` (fen) shared in proportion to `weights` (fen, ≥ 0): largest remainder, ties to
    the earlier weight. Shares add up to `amount` and none exceeds its weight when
    `amount` ≤ sum(weights)."""
    cents = int((amount / FEN).to_integral_value())
    weight_cents = [int((w / FEN).to_integral_value()) for w in weights]
    total = sum(weight_cents)
    if total <= 0 or cents <= 0:
        return [ZERO for _ in weights]
    floors = []
    remainders = []
    for index, weight in enumerate(weight_cents):
        exact = Decimal(cents) * weight / total
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        floors.append(floor)
        remainders.append((-(exact - floor), index))
    left = cents - sum(floors)
    for _, index in sorted(remainders)[:left]:
        floors[index] += 1
    return [Decimal(value) * FEN for value in floors]


def allocate_refunds(
    lines: Sequence[tuple[Hashable, Decimal]],
    refunds: Sequence[tuple[Hashable, Decimal, dict | None]],
    fixed: Mapping[tuple[Hashable, Hashable], Decimal] | None = None,
) -> dict[tuple[Hashable, Hashable], Decimal]:
    """Which part of each refund of one order falls on which order line.

    `lines` are the order's goods lines (key, amount paid) in the order's line order; `refunds`
    are its successful refunds (key, amount, named) oldest first. The rule:
    - a refund that names lines (`named`: line key → amount) is charged to those lines, each
      up to what is still unrefunded of it;
    - a refund that names none is shared pro rata over the order's lines — of every vendor —
      by what is still unrefunded of each line;
    - the part of a refund beyond the goods (the shipping fee, paid to the platform and the
      stations) is charged to no vendor.
    `fixed` are shares (refund key, line key) → amount already settled on a statement: they
    stand as they are, whatever the order of the refunds, so a refund recorded later with an
    earlier date (a backdated one) takes only what the settled shares left of each line, and
    a refund's remaining shares go only to lines it has no settled share of.
    The result has one entry per (refund, line) with a positive share, the fixed ones
    included."""
    fixed = {key: Decimal(amount) for key, amount in (fixed or {}).items() if amount > 0}
    remaining = {key: Decimal(amount) for key, amount in lines}
    settled_of: dict[Hashable, dict[Hashable, Decimal]] = {}
    for (refund_key, line_key), share in fixed.items():
        settled_of.setdefault(refund_key, {})[line_key] = share
        if line_key in remaining:
            remaining[line_key] = max(remaining[line_key] - share, ZERO)
    keys = [key for key, _ in lines]
    shares: dict[tuple[Hashable, Hashable], Decimal] = dict(fixed)
    for refund_key, amount, named in refunds:
        settled = settled_of.get(refund_key, {})
        if named:
            parts = {
                key: min(Decimal(value), remaining[key])
                for key, value in named.items()
                if key in remaining and value > 0 and key not in settled
            }
        else:
            open_keys = [key for key in keys if key not in settled]
            left = Decimal(amount) - sum(settled.values(), ZERO)
            base = max(min(left, sum((remaining[key] for key in open_keys), ZERO)), ZERO)
            weights = [remaining[key] for key in open_keys]
            parts = dict(zip(open_keys, pro_rata(base, weights), strict=True))
        for key, share in parts.items():
            if share > 0:
                shares[(refund_key, key)] = share
                remaining[key] -= share
    return shares
