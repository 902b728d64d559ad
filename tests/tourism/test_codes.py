"""Voucher codes: alphabet, length, check character and uniqueness."""

from __future__ import annotations

from backend.tourism import codes

SAMPLES = 200


def test_codes_have_twelve_unambiguous_characters_and_a_valid_check():
    for _ in range(SAMPLES):
        code = codes.generate()
        assert len(code) == 12
        assert set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
    assert not set("01ILO") & set(codes.ALPHABET)


def test_every_single_substitution_is_caught():
    for _ in range(SAMPLES):
        code = codes.generate()
        for position in range(len(code)):
            for symbol in codes.ALPHABET:
                if symbol == code[position]:
                    continue
                wrong = code[:position] + symbol + code[position + 1 :]
                assert not codes.is_valid(wrong), (code, wrong)


def test_every_adjacent_transposition_is_caught():
    for _ in range(SAMPLES):
        code = codes.generate()
        for position in range(len(code) - 1):
            a, b = code[position], code[position + 1]
            if a == b:
                continue
            swapped = code[:position] + b + a + code[position + 2 :]
            assert not codes.is_valid(swapped), (code, swapped)


def test_the_check_arithmetic_holds_for_every_position_and_pair_of_symbols():
    """The proof in backend/tourism/codes.py, checked exhaustively: a substitution at any
    position, or a swap of any two neighbours, changes the weighted sum by a non-zero amount
    modulo 31, whatever the two symbols."""
    for position in range(codes.LENGTH):
        weight = position + 1
        for a in range(codes.MODULUS):
            for b in range(codes.MODULUS):
                if a == b:
                    continue
                assert weight * (a - b) % codes.MODULUS != 0
                if position + 1 < codes.LENGTH:
                    assert (weight - (weight + 1)) * (a - b) % codes.MODULUS != 0


def test_a_million_generated_codes_are_unique():
    seen = {codes.generate() for _ in range(1_000_000)}
    assert len(seen) == 1_000_000


def test_typed_and_scanned_forms_normalize_to_the_code():
    code = codes.generate()
    assert codes.normalize(codes.display(code).lower()) == code
    assert codes.normalize(" " + codes.qr_payload(code) + "\n") == code
    assert codes.normalize(codes.display(code).replace("-", " ")) == code
