"""Property tests of the cell rules, without a database: prices in fen, weights in grams and
stock as whole units are accepted exactly, anything finer is refused with its code."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from backend.listings.imports import ImportRow, Lookups, check_cells

NO_LOOKUPS = Lookups(
    categories={},
    product_types={},
    warehouses={},
    only_warehouse=None,
    taken_skus=set(),
    origins={},
    types_with_origin=set(),
    origin_attribute=None,
)


def checked(**values) -> ImportRow:
    row = ImportRow(number=2, cells=list(values.values()), values=values)
    check_cells(row, NO_LOOKUPS)
    return row


def codes_of(row: ImportRow, column: str) -> list[str]:
    return [str(p.code) for p in row.problems if p.column == column]


@given(st.integers(min_value=1, max_value=999_999_999))
def test_any_price_in_fen_is_taken_exactly(fen):
    price = Decimal(fen) / 100
    row = checked(price=f"{price}")
    assert codes_of(row, "价格（元）") == [] and row.price == price


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=9))
def test_a_price_finer_than_a_fen_is_refused(fen, tenth_of_fen):
    text = f"{Decimal(fen) / 100:.2f}{tenth_of_fen}"
    assert codes_of(checked(price=text), "价格（元）") == ["INVALID_PRICE"]


@given(st.integers(min_value=1, max_value=1_000_000))
def test_any_weight_in_grams_becomes_those_grams(grams):
    row = checked(weight=f"{Decimal(grams) / 1000}")
    assert codes_of(row, "重量（千克）") == [] and row.weight_grams == grams


@given(st.integers(min_value=0, max_value=1_000_000))
def test_any_whole_stock_is_taken(quantity):
    row = checked(quantity=str(quantity))
    assert codes_of(row, "库存") == [] and row.quantity == quantity


@given(st.integers(min_value=-1_000_000, max_value=-1))
def test_negative_stock_is_refused(quantity):
    assert codes_of(checked(quantity=str(quantity)), "库存") == ["INVALID_QUANTITY"]
