"""Checks of the identifiers a vendor gives when it applies.

- 统一社会信用代码 (unified social credit code), GB 32100-2015 《法人和其他组织统一社会信用代码编码
  规则》: 18 characters from a 31-character alphabet (digits and capital letters without I, O, Z,
  S, V): registration authority (1), organisation type (1), administrative division code of the
  registering office (6, GB/T 2260), organisation code (9, GB 11714) and a check character
  computed over the first 17 with the weights 3^(i-1) mod 31.
- 食品生产许可证编号 (SC food-production licence number), 《食品生产许可管理办法》 (2020) art. 29:
  "SC" followed by 14 digits — food category (3), the issuing authority's division code (6),
  sequence (4) and a check digit. The check digit's algorithm is not published, so only the
  format is checked here.

Both return the normalised value (stripped, upper-case) or raise a ValidationError with a
stable code.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.vendors.error_codes import VendorErrorCode

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, …

# GB 32100-2015 table 1: registration authority → the organisation types it registers.
CREDIT_CODE_TYPES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直管的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商（市场监管）: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

# Provinces of GB/T 2260 (first two digits of a division code); "10" is the national level
# (100000), used by organisations registered with a central authority.
PROVINCE_CODES = frozenset(
    {"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"}
    | {"37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"}
    | {"63", "64", "65", "71", "81", "82"}
)

SC_LICENCE_PATTERN = re.compile(r"^SC[12]\d{13}$")


def normalise(value: str | None) -> str:
    """Strip spaces (also full-width ones and those inside, as on a printed licence) and
    upper-case."""
    return re.sub(r"[\s\u3000]+", "", value or "").upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def _credit_error(message: str, code: str = VendorErrorCode.INVALID_CREDIT_CODE):
    return ValidationError(message, code=code)


def validate_credit_code(value: str | None) -> str:
    """The normalised credit code, or a ValidationError (code INVALID_CREDIT_CODE)."""
    code = normalise(value)
    if len(code) != 18:
        raise _credit_error(
            _("统一社会信用代码应为 18 位，当前为 %(length)s 位。") % {"length": len(code)}
        )
    bad = sorted({char for char in code if char not in CREDIT_CODE_ALPHABET})
    if bad:
        raise _credit_error(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。")
            % {"chars": "、".join(bad)}
        )
    authority, kind = code[0], code[1]
    if authority not in CREDIT_CODE_TYPES:
        raise _credit_error(_("统一社会信用代码第 1 位（登记管理部门）无效。"))
    if kind not in CREDIT_CODE_TYPES[authority]:
        raise _credit_error(_("统一社会信用代码第 2 位（机构类别）与登记管理部门不符。"))
    division = code[2:8]
    if not division.isdigit() or division[:2] not in PROVINCE_CODES:
        raise _credit_error(_("统一社会信用代码第 3–8 位应为登记管理机关的行政区划代码。"))
    if credit_code_check_char(code[:17]) != code[17]:
        raise _credit_error(_("统一社会信用代码校验位不正确，请核对营业执照。"))
    return code


def validate_sc_licence(value: str | None) -> str:
    """The normalised SC licence number, or a ValidationError (code INVALID_SC_LICENCE)."""
    number = normalise(value)
    if not SC_LICENCE_PATTERN.match(number) or number[5:7] not in PROVINCE_CODES:
        raise ValidationError(
            _("食品生产许可证编号应为“SC”加 14 位数字，例如 SC10632072300018。"),
            code=VendorErrorCode.INVALID_SC_LICENCE,
        )
    return number


# Credit-code types a kind of vendor is registered as (GB 32100 positions 1–2): a cooperative
# is a 农民专业合作社 (93), an enterprise a company (91), an individual seller a 个体工商户 (92);
# a family farm registers either as an individual business or as a company.
KIND_CREDIT_TYPES = {
    "cooperative": ("93",),
    "enterprise": ("91",),
    "family_farm": ("91", "92"),
    "individual": ("92",),
}


def check_credit_code_matches_kind(code: str, kind: str) -> None:
    allowed = KIND_CREDIT_TYPES.get(kind)
    if code and allowed and code[:2] not in allowed:
        raise ValidationError(
            _("统一社会信用代码的机构类别（前两位 %(prefix)s）与商家类型不符，应为 %(allowed)s。")
            % {"prefix": code[:2], "allowed": " 或 ".join(allowed)},
            code=VendorErrorCode.CREDIT_CODE_KIND_MISMATCH,
        )
