"""Properties of the sharing rules (no database): shares are whole fen, add up exactly to what
is shared, and never charge a line more than was paid for it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from backend.settlement.allocation import allocate_refunds, commission, pro_rata, split_by_quantity

FEN = Decimal("0.01")
fen = st.integers(0, 5_000_000).map(lambda cents: Decimal(cents) * FEN)


@given(
    total=fen,
    parts=st.lists(st.integers(1, 20), min_size=1, max_size=6),
    extra=st.integers(0, 5),
)
def test_parcel_shares_add_up_to_the_line_and_do_not_depend_on_later_parcels(total, parts, extra):
    quantity = sum(parts) + extra  # `extra` units not (yet) shipped
    shares = split_by_quantity(total, quantity, parts)
    assert all(share == share.quantize(FEN) and share >= 0 for share in shares)
    if extra == 0:
        assert sum(shares) == total
    assert split_by_quantity(total, quantity, parts[:-1]) == shares[:-1]


@given(amount=fen, weights=st.lists(fen, min_size=1, max_size=8))
def test_pro_rata_shares_add_up_and_stay_within_each_weight(amount, weights):
    amount = min(amount, sum(weights))
    shares = pro_rata(amount, weights)
    if sum(weights) > 0:
        assert sum(shares) == amount
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


@given(
    lines=st.lists(fen, min_size=1, max_size=5),
    refunds=st.lists(
        st.tuples(fen, st.none() | st.dictionaries(st.integers(0, 4), fen, max_size=3)),
        max_size=5,
    ),
)
def test_refund_shares_never_exceed_a_line_nor_the_refund(lines, refunds):
    keyed_lines = list(enumerate(lines))
    keyed_refunds = [(index, amount, named) for index, (amount, named) in enumerate(refunds)]
    shares = allocate_refunds(keyed_lines, keyed_refunds)
    for key, paid in keyed_lines:
        assert sum(v for (_, line), v in shares.items() if line == key) <= paid
    remaining = sum(lines)
    for key, amount, named in keyed_refunds:
        given_back = sum(v for (refund, _), v in shares.items() if refund == key)
        if named:
            assert given_back <= sum(named.values())
        else:
            # Unnamed: all of it, up to the goods still unrefunded (the rest is shipping).
            assert given_back == min(amount, remaining)
        remaining -= given_back
        assert all(v > 0 and v == v.quantize(FEN) for v in shares.values())


@given(base=fen, rate=st.integers(0, 10000).map(lambda r: Decimal(r) / 10000))
def test_commission_is_rounded_half_up_to_the_fen(base, rate):
    value = commission(base, rate)
    assert value == value.quantize(FEN)
    assert abs(value - base * rate) <= Decimal("0.005")


@given(
    lines=st.lists(fen, min_size=1, max_size=5),
    refunds=st.lists(
        st.tuples(fen, st.none() | st.dictionaries(st.integers(0, 4), fen, max_size=3)),
        min_size=1,
        max_size=5,
    ),
    settled_count=st.integers(0, 5),
    backdated=st.tuples(fen, st.none() | st.dictionaries(st.integers(0, 4), fen, max_size=3)),
)
def test_settled_shares_stay_fixed_when_a_backdated_refund_arrives(
    lines, refunds, settled_count, backdated
):
    """The refunds' shares as settled on statements stay as they were when a refund dated
    before them is recorded afterwards: it comes first in date order, but takes only what the
    settled shares left, and no line is charged beyond what was paid for it."""
    keyed_lines = list(enumerate(lines))
    keyed = [(index, amount, named) for index, (amount, named) in enumerate(refunds)]
    before = allocate_refunds(keyed_lines, keyed)
    # The first `settled_count` refunds were settled as allocated then.
    settled = {key: v for key, v in before.items() if key[0] < settled_count}
    # Given as fixed, the same refunds in the same order are allocated exactly as before.
    assert allocate_refunds(keyed_lines, keyed, fixed=settled) == before
    late = ("late", backdated[0], backdated[1])
    after = allocate_refunds(keyed_lines, [late, *keyed], fixed=settled)
    assert {key: v for key, v in after.items() if key in settled} == settled
    for key, paid in keyed_lines:
        assert sum(v for (_, line), v in after.items() if line == key) <= paid
    for refund_key, amount, named in [late, *keyed]:
        given_back = sum(v for (r, _), v in after.items() if r == refund_key)
        assert given_back <= (sum(named.values()) if named else amount)
    assert all(v > 0 and v == v.quantize(FEN) for v in after.values())
