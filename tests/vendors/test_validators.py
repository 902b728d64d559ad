"""统一社会信用代码 (GB 32100-2015) and SC licence numbers: valid and invalid samples."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from backend.vendors.validators import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    check_credit_code_matches_kind,
    credit_code_check_char,
    validate_credit_code,
    validate_sc_licence,
)
from tests.vendors.conftest import credit_code

# Codes published on business licences and in the national enterprise credit information
# system (国家企业信用信息公示系统), so the algorithm is checked against real data, not only
# against itself.
PUBLISHED = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
]


def test_weights_are_powers_of_three_modulo_31():
    assert CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)


def test_check_character_worked_by_hand():
    # 9 1 4 4 0 3 0 0 1 9 2 2 0 3 8 2 1 × the weights:
    # 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831; 831 mod 31 = 25; 31 - 25 = 6.
    assert credit_code_check_char("91440300192203821") == "6"


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert validate_credit_code(code) == code


def test_a_check_value_of_31_is_written_as_zero():
    # Find a body whose weighted sum is a multiple of 31: its check character is '0'.
    for last in CREDIT_CODE_ALPHABET:
        body = "9332072300000000" + last
        if credit_code_check_char(body) == "0":
            assert validate_credit_code(body + "0") == body + "0"
            return
    pytest.fail("no body with check character 0 found")


def test_input_is_normalised():
    assert validate_credit_code("  9144 0300 1922 0382 16 ") == "914403001922038216"
    assert validate_credit_code("9144030071526726xg") == "9144030071526726XG"
    assert validate_credit_code("\u30009144030071526726XG") == "9144030071526726XG"


@pytest.mark.parametrize(
    "code",
    [
        "914403001922038217",  # check character off by one
        "9144030071526726XH",  # wrong check letter
        "91330100716105852",  # 17 characters
        "91330100716105852FF",  # 19 characters
        "",
        "9144030019220382I6",  # I is not used
        "9144030019220382O6",  # O is not used
        "9144030019220382Z6",  # Z is not used
        "9144030019220382S6",  # S is not used
        "9144030019220382V6",  # V is not used
        "B14403001922038216",  # no registration authority B
        "94440300192203821X",  # 工商 registers no organisation type 4
        "91A40300192203821X",  # division code with a letter
        "919903001922038216",  # no province 99
    ],
)
def test_invalid_codes_are_refused_with_a_typed_error(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "INVALID_CREDIT_CODE"


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9))
def test_any_organisation_code_with_its_check_character_is_valid(org):
    first17 = "93320723" + org
    code = first17 + credit_code_check_char(first17)
    assert validate_credit_code(code) == code


@given(
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
    st.integers(min_value=8, max_value=16),
    st.sampled_from(CREDIT_CODE_ALPHABET),
)
def test_changing_one_character_is_detected(org, position, replacement):
    first17 = "91320723" + org
    code = first17 + credit_code_check_char(first17)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        with pytest.raises(ValidationError):
            validate_credit_code(changed)


def test_generated_sample_codes_are_valid():
    for prefix in ("91320723", "92320723", "93320723", "N2320723"):
        code = credit_code(prefix)
        assert validate_credit_code(code) == code


def test_credit_code_type_must_match_the_kind_of_vendor():
    check_credit_code_matches_kind(credit_code("93320723"), "cooperative")
    check_credit_code_matches_kind(credit_code("92320723"), "family_farm")
    check_credit_code_matches_kind(credit_code("91320723"), "family_farm")
    with pytest.raises(ValidationError) as error:
        check_credit_code_matches_kind(credit_code("91320723"), "cooperative")
    assert error.value.code == "CREDIT_CODE_KIND_MISMATCH"


@pytest.mark.parametrize("number", ["SC10632072300018", "sc 1063 2072 3000 18", "SC20132072300019"])
def test_sc_licence_numbers_in_the_right_format(number):
    assert validate_sc_licence(number) == number.replace(" ", "").upper()


@pytest.mark.parametrize(
    "number",
    [
        "SC1063207230001",  # 13 digits
        "SC106320723000188",  # 15 digits
        "QS10632072300018",  # the old QS mark
        "SC1063207230001A",
        "SC30632072300018",  # category must start with 1 (food) or 2 (additives)
        "SC10699072300018",  # no province 99
        "",
    ],
)
def test_bad_sc_licence_numbers_are_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_sc_licence(number)
    assert error.value.code == "INVALID_SC_LICENCE"
