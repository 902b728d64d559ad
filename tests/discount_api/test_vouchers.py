"""voucherCreate (with addCodes), voucherUpdate, voucherDelete and voucherCodesGenerate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.core.models import AuditLogEntry
from backend.discount.management import CODE_ALPHABET
from backend.discount.models import Voucher, VoucherCode
from tests.discount_api.conftest import gid

pytestmark = pytest.mark.django_db

CREATE = """
mutation($input: VoucherCreateInput!) {
  voucherCreate(input: $input) {
    voucher { id name type discountValueType discountValue fundedBy usageLimit
      minSpent { amount currency } channels { slug } codesCount
      codes(first: 10) { edges { node { code used isActive } } } }
    errors { field message code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: VoucherInput!) {
  voucherUpdate(id: $id, input: $input) {
    voucher { id name discountValue codesCount }
    errors { field message code }
  }
}
"""
DELETE = "mutation($id: ID!) { voucherDelete(id: $id) { voucher { id } errors { field code } } }"
GENERATE = """
mutation($id: ID!, $quantity: Int!, $prefix: String, $length: Int) {
  voucherCodesGenerate(id: $id, quantity: $quantity, prefix: $prefix, length: $length) {
    codes { code }
    voucher { codesCount }
    errors { field message code }
  }
}
"""


def _input(channel, window, **overrides):
    data = {
        "name": "伊山十元券",
        "type": "ENTIRE_ORDER",
        "discountValueType": "FIXED",
        "discountValue": "10",
        "minSpentAmount": "50",
        "channels": [gid("Channel", channel.pk)],
        "startDate": window[0].isoformat(),
        "endDate": window[1].isoformat(),
        "fundedBy": "PLATFORM",
        "addCodes": ["yishan10"],
    }
    data.update(overrides)
    return data


def _counts():
    return (Voucher.objects.count(), VoucherCode.objects.count())


def test_brand_manager_creates_voucher_with_its_code(manager_gql, channel, window):
    result = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"]
    assert result["errors"] == []
    voucher = result["voucher"]
    assert voucher["discountValue"] == "10.00"
    assert voucher["minSpent"] == {"amount": 50.0, "currency": "CNY"}
    assert voucher["fundedBy"] == "PLATFORM"
    assert voucher["codesCount"] == 1
    # Codes are stored upper-case, whatever the manager typed.
    assert voucher["codes"]["edges"] == [
        {"node": {"code": "YISHAN10", "used": 0, "isActive": True}}
    ]
    assert AuditLogEntry.objects.filter(action="voucher.created").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"discountValue": "-1"}, "discountValue", "INVALID_DISCOUNT_VALUE"),
        (
            {"discountValueType": "PERCENTAGE", "discountValue": "120"},
            "discountValue",
            "INVALID_DISCOUNT_VALUE",
        ),
        ({"discountValue": "60"}, "discountValue", "INVALID_DISCOUNT_VALUE"),
        ({"minSpentAmount": "-5"}, "minSpentAmount", "NEGATIVE_VALUE"),
        ({"usageLimit": 0}, "usageLimit", "INVALID"),
        ({"channels": []}, "channels", "MISSING_CHANNELS"),
        ({"type": "SPECIFIC_PRODUCT"}, "products", "MISSING_PREDICATE"),
        ({"addCodes": ["TWO WORDS"]}, "addCodes", "INVALID"),
        ({"addCodes": ["A1", "a1"]}, "addCodes", "DUPLICATED_INPUT_ITEM"),
    ],
    ids=[
        "negative",
        "over-100-percent",
        "fixed-above-min-spend",
        "negative-min-spend",
        "zero-usage-limit",
        "no-channel",
        "specific-without-products",
        "bad-code",
        "duplicate-code",
    ],
)
def test_invalid_voucher_is_refused_and_nothing_is_written(
    manager_gql, channel, window, overrides, field, code
):
    result = manager_gql.query(CREATE, {"input": _input(channel, window, **overrides)})[
        "voucherCreate"
    ]
    assert result["voucher"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in result["errors"]]
    assert _counts() == (0, 0)


def test_voucher_ending_before_it_starts_is_refused(manager_gql, channel, window):
    data = _input(channel, window, endDate=window[0].isoformat(), startDate=window[1].isoformat())
    result = manager_gql.query(CREATE, {"input": data})["voucherCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("endDate", "INVALID_WINDOW")]
    assert _counts() == (0, 0)


def test_a_code_already_taken_is_refused(manager_gql, channel, window):
    manager_gql.query(CREATE, {"input": _input(channel, window)})
    again = manager_gql.query(CREATE, {"input": _input(channel, window, name="另一张")})[
        "voucherCreate"
    ]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("addCodes", "ALREADY_EXISTS")]
    assert _counts() == (1, 1)


def test_update_changes_value_and_adds_codes(manager_gql, channel, window):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    result = manager_gql.query(
        UPDATE, {"id": voucher_id, "input": {"discountValue": "8", "addCodes": ["YISHAN8"]}}
    )["voucherUpdate"]
    assert result["errors"] == []
    assert result["voucher"]["discountValue"] == "8.00"
    assert result["voucher"]["codesCount"] == 2


def test_used_voucher_keeps_its_value_and_cannot_be_deleted(manager_gql, channel, window):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    Voucher.objects.update(used=1)
    changed = manager_gql.query(UPDATE, {"id": voucher_id, "input": {"discountValue": "20"}})
    assert [e["code"] for e in changed["voucherUpdate"]["errors"]] == ["VOUCHER_ALREADY_USED"]
    deleted = manager_gql.query(DELETE, {"id": voucher_id})["voucherDelete"]
    assert [e["code"] for e in deleted["errors"]] == ["VOUCHER_ALREADY_USED"]
    assert Voucher.objects.get().discount_value == Decimal("10.00")


def test_unused_voucher_is_deleted_with_its_codes(manager_gql, channel, window):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    result = manager_gql.query(DELETE, {"id": voucher_id})["voucherDelete"]
    assert result["errors"] == []
    assert _counts() == (0, 0)


def test_generated_codes_are_unique_unambiguous_and_prefixed(manager_gql, channel, window):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    result = manager_gql.query(
        GENERATE, {"id": voucher_id, "quantity": 500, "prefix": "gy-", "length": 8}
    )["voucherCodesGenerate"]
    assert result["errors"] == []
    codes = [item["code"] for item in result["codes"]]
    assert len(codes) == len(set(codes)) == 500
    assert result["voucher"]["codesCount"] == 501
    for code in codes:
        assert code.startswith("GY-")
        assert len(code) == 11
        assert set(code[3:]) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set("".join(code[3:] for code in codes))


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": 10_001}, "quantity"),
        ({"quantity": 5, "length": 3}, "length"),
        ({"quantity": 5, "prefix": "X" * 30}, "prefix"),
        ({"quantity": 5, "prefix": "伊山"}, "prefix"),
    ],
    ids=["zero", "too-many", "too-short", "too-long", "non-ascii-prefix"],
)
def test_bad_generation_request_writes_no_code(manager_gql, channel, window, variables, field):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    result = manager_gql.query(GENERATE, {"id": voucher_id, **variables})["voucherCodesGenerate"]
    assert [e["field"] for e in result["errors"]] == [field]
    assert result["codes"] is None
    assert VoucherCode.objects.count() == 1


def test_ten_thousand_codes_are_generated_in_one_go(manager_gql, channel, window):
    voucher_id = manager_gql.query(CREATE, {"input": _input(channel, window)})["voucherCreate"][
        "voucher"
    ]["id"]
    result = manager_gql.query(GENERATE, {"id": voucher_id, "quantity": 10_000})
    assert result["voucherCodesGenerate"]["errors"] == []
    assert VoucherCode.objects.count() == 10_001
    assert VoucherCode.objects.values("code").distinct().count() == 10_001
