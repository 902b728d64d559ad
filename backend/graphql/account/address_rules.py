"""Saleor's `addressValidationRules(countryCode:)` and the `CountryCode` enum, with China's
address rules as this marketplace applies them (backend/account/addresses.py).

A Chinese address reads province (省, Saleor: countryArea), city (地级市, city), district or
county (区县, cityArea), then the street. Inside the county an address must also name one of
the county's towns (乡镇) and villages (村), because parcels are routed to the village
service station (county plan: the three-level county, town and village logistics network).
Saleor has no such fields, so they are listed by their own names, `town` and `village`.
Only mainland China addresses are accepted; other countries answer null.
"""

from __future__ import annotations

import graphene

from backend.divisions.county import current_county

# ISO 3166-1 alpha-2, as in Saleor's CountryCode.
_CODE_TEXT = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
"""
_CODES = _CODE_TEXT.split()

CountryCode = graphene.Enum("CountryCode", [(code, code) for code in _CODES])

# The 31 provincial-level divisions of mainland China (GB/T 2260).
_PROVINCE_TEXT = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 "
    "安徽省 福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 "
    "四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 宁夏回族自治区 新疆维吾尔自治区"
)
PROVINCES = _PROVINCE_TEXT.split()


class ChoiceValue(graphene.ObjectType):
    raw = graphene.String()
    verbose = graphene.String()


class AddressValidationData(graphene.ObjectType):
    country_code = graphene.String(required=True)
    country_name = graphene.String(required=True)
    address_format = graphene.String(
        required=True,
        description="Lines of the address, in Saleor's %-codes plus %T (town) and %V (village).",
    )
    address_latin_format = graphene.String(required=True)
    allowed_fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    required_fields = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="`town` and `village` are required inside the county only.",
    )
    upper_fields = graphene.List(graphene.NonNull(graphene.String), required=True)
    country_area_type = graphene.String(required=True)
    country_area_choices = graphene.List(graphene.NonNull(ChoiceValue), required=True)
    city_type = graphene.String(required=True)
    city_choices = graphene.List(graphene.NonNull(ChoiceValue), required=True)
    city_area_type = graphene.String(required=True)
    city_area_choices = graphene.List(graphene.NonNull(ChoiceValue), required=True)
    postal_code_type = graphene.String(required=True)
    postal_code_matchers = graphene.List(graphene.NonNull(graphene.String), required=True)
    postal_code_examples = graphene.List(graphene.NonNull(graphene.String), required=True)
    postal_code_prefix = graphene.String(required=True)


def china_rules() -> AddressValidationData:
    county = current_county()
    in_county = [] if county is None else [ChoiceValue(raw=county.name, verbose=county.name)]
    return AddressValidationData(
        country_code="CN",
        country_name="中国",
        address_format="%Z\n%S%C%D%T%V\n%A\n%N\n%P",
        address_latin_format="%N\n%A\n%V, %T, %D\n%C, %S, %Z",
        allowed_fields=[
            "name",
            "phone",
            "country_area",
            "city",
            "city_area",
            "town",
            "village",
            "street_address_1",
            "street_address_2",
            "postal_code",
        ],
        required_fields=[
            "name",
            "phone",
            "country_area",
            "city",
            "city_area",
            "town",
            "village",
            "street_address_1",
        ],
        upper_fields=[],
        country_area_type="province",
        country_area_choices=[ChoiceValue(raw=name, verbose=name) for name in PROVINCES],
        city_type="city",
        city_choices=[],
        city_area_type="district",
        city_area_choices=in_county,
        postal_code_type="postal",
        postal_code_matchers=[r"^\d{6}$"],
        postal_code_examples=["222200"],
        postal_code_prefix="",
    )


class AddressRulesQueries(graphene.ObjectType):
    address_validation_rules = graphene.Field(
        AddressValidationData,
        country_code=graphene.Argument(CountryCode, required=True),
        country_area=graphene.String(),
        city=graphene.String(),
        city_area=graphene.String(),
        description="How an address of the country is written and checked; null for countries "
        "other than CN (only mainland China addresses are accepted).",
    )

    @staticmethod
    def resolve_address_validation_rules(root, info, country_code, **_narrowing):
        if getattr(country_code, "value", country_code) != "CN":
            return None
        return china_rules()
