"""The shopper's address book on China's divisions: province → city → district → town → village.

An address whose province, city and district are the county's (backend.divisions.county) lies
inside the county: it must name one of the seeded towns and a village of that town, because
delivery there goes through the county's town and village stations. Anywhere else in mainland
China the address is complete at district level, and the town and village are free text.

`validate_address` is also what checkout uses for its own copies of an address, so the rules
live here once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.account.error_codes import AccountErrorCode
from backend.account.models import Address, User
from backend.account.phone import normalize_phone
from backend.divisions.county import current_county
from backend.divisions.models import Town, Village

ADDRESS_FIELDS = (
    "full_name",
    "phone",
    "country",
    "country_area",
    "city",
    "city_area",
    "town",
    "village",
    "town_name",
    "village_name",
    "street_address",
    "postal_code",
)
_TEXT_FIELDS = tuple(name for name in ADDRESS_FIELDS if name not in ("town", "village"))
_POSTAL_CODE = re.compile(r"^[0-9]{6}$")
# The marketplace delivers in mainland China only (the channel's country).
_COUNTRIES = ("CN",)


class AddressType(models.TextChoices):
    """Which default an address is (Saleor: AddressTypeEnum)."""

    SHIPPING = "shipping", gettext_lazy("收货地址")
    BILLING = "billing", gettext_lazy("账单地址")


def _required_messages() -> dict[str, str]:
    return {
        "full_name": _("请填写收货人姓名。"),
        "phone": _("请填写联系电话。"),
        "country_area": _("请填写省份。"),
        "city": _("请填写城市。"),
        "city_area": _("请填写区县。"),
        "town": _("县内地址请选择乡镇/街道。"),
        "village": _("县内地址请选择村/社区。"),
    }


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.by_field.setdefault(field, []).append(ValidationError(message, code=code))

    def required(self, field: str) -> None:
        self.add(field, _required_messages()[field], AccountErrorCode.REQUIRED)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def normalize_contact_phone(raw: str) -> str | None:
    """E.164 form of a mainland mobile number or landline (区号 + 号码), else None.

    Unlike an account's login number, a delivery contact may be a landline: a village
    service station or a shop often gives its desk phone.
    """
    mobile = normalize_phone(raw)
    if mobile:
        return mobile
    text = (raw or "").strip()
    if text.startswith("0086"):
        text = "+86" + text[4:]
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    landline = (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in landline
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _find_town(reference: Town | str) -> Town | None:
    """A seeded town by row, division code or name."""
    if isinstance(reference, Town):
        return Town.objects.filter(pk=reference.pk).first()
    text = _text(reference)
    return Town.objects.filter(models.Q(code=text) | models.Q(name=text)).first()


def _find_village(reference: Village | str, town: Town) -> Village | None:
    """A seeded village by row or division code (of any town: the caller checks the town),
    else by name within `town`."""
    if isinstance(reference, Village):
        return Village.objects.filter(pk=reference.pk).first()
    text = _text(reference)
    return (
        Village.objects.filter(code=text).first()
        or Village.objects.filter(town=town, name=text).first()
    )


def validate_address(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check an address and return every field of `Address`, cleaned.

    `data` uses the model's field names. `town` and `village` may be rows, division codes or
    names; inside the county they are required (a name in `town_name`/`village_name` is taken
    too), outside it `town_name`/`village_name` are free text and the links stay empty.
    Raises a ValidationError keyed by field, with AccountErrorCode codes, listing every problem.
    """
    errors = _Errors()
    cleaned: dict[str, Any] = {name: _text(data.get(name)) for name in _TEXT_FIELDS}
    cleaned["country"] = (cleaned["country"] or "CN").upper()
    for field in ("full_name", "phone", "country_area", "city", "city_area"):
        if not cleaned[field]:
            errors.required(field)
    for field in _TEXT_FIELDS:
        limit = getattr(Address._meta.get_field(field), "max_length", None)
        if limit and len(cleaned[field]) > limit and field not in ("phone", "postal_code"):
            errors.add(
                field, _("不能超过 %(limit)d 个字符。") % {"limit": limit}, AccountErrorCode.INVALID
            )
    if cleaned["country"] not in _COUNTRIES:
        errors.add("country", _("目前只支持中国大陆地址。"), AccountErrorCode.INVALID)
    if cleaned["phone"]:
        phone = normalize_contact_phone(cleaned["phone"])
        if phone is None:
            errors.add(
                "phone",
                _("请输入有效的中国大陆手机号或带区号的固定电话。"),
                AccountErrorCode.INVALID_PHONE,
            )
        cleaned["phone"] = phone or cleaned["phone"]
    if cleaned["postal_code"] and not _POSTAL_CODE.match(cleaned["postal_code"]):
        errors.add("postal_code", _("邮编应为 6 位数字。"), AccountErrorCode.INVALID_POSTAL_CODE)

    county = current_county()
    in_county = county is not None and county.contains(
        province=cleaned["country_area"], city=cleaned["city"], district=cleaned["city_area"]
    )
    cleaned["town"] = cleaned["village"] = None
    if county is not None and in_county:
        cleaned.update(country_area=county.province, city=county.city, city_area=county.name)
        _clean_divisions(data, cleaned, errors)
    else:
        # Outside the county a name given as `town`/`village` is just the name.
        for link, name in (("town", "town_name"), ("village", "village_name")):
            if not cleaned[name] and isinstance(data.get(link), str):
                cleaned[name] = _text(data[link])
    errors.raise_any()
    return cleaned


def _clean_divisions(data: Mapping[str, Any], cleaned: dict[str, Any], errors: _Errors) -> None:
    town_reference = data.get("town") or cleaned["town_name"]
    village_reference = data.get("village") or cleaned["village_name"]
    town = _find_town(town_reference) if town_reference else None
    if not town_reference:
        errors.required("town")
    elif town is None:
        errors.add(
            "town",
            _("“%(town)s”不是本县的乡镇/街道。") % {"town": town_reference},
            AccountErrorCode.INVALID_TOWN,
        )
    if not village_reference:
        errors.required("village")
    if town is None or not village_reference:
        return
    village = _find_village(village_reference, town)
    if village is None or village.town_id != town.pk:
        errors.add(
            "village",
            _("所选村/社区不属于%(town)s。") % {"town": town.name},
            AccountErrorCode.INVALID_VILLAGE,
        )
        return
    cleaned.update(town=town, village=village, town_name=town.name, village_name=village.name)


# The address book ----------------------------------------------------------------------------


def _not_found() -> ValidationError:
    # The same answer for an address that does not exist and for someone else's: the API
    # does not tell a shopper which address IDs exist.
    return ValidationError(
        {"id": ValidationError(_("找不到该地址。"), code=AccountErrorCode.NOT_FOUND)}
    )


def get_user_address(*, user: User, address_id: int) -> Address:
    """One of the user's own addresses; NOT_FOUND for any other."""
    address = user.addresses.filter(pk=address_id).first()
    if address is None:
        raise _not_found()
    return address


def _require_owner(user: User, address: Address) -> None:
    if not user.is_authenticated or not user.addresses.filter(pk=address.pk).exists():
        raise _not_found()


def _stored_values(address: Address) -> dict[str, Any]:
    values = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    if address.village_id:
        # The names of linked divisions follow the seed; only the links are the input.
        values.update(town_name="", village_name="")
    return values


@transaction.atomic
def create_address(*, user: User, data: Mapping[str, Any], type: str | None = None) -> Address:
    """Add an address to the user's book; with `type`, make it that default too."""
    address = Address.objects.create(**validate_address(data))
    user.addresses.add(address)
    if type:
        set_default_address(user=user, address=address, type=type)
    return address


@transaction.atomic
def update_address(*, user: User, address: Address, data: Mapping[str, Any]) -> Address:
    """Change the given fields of one of the user's addresses; the rest stay as they are."""
    _require_owner(user, address)
    merged = _stored_values(address)
    for link, name in (("town", "town_name"), ("village", "village_name")):
        if name in data and link not in data:
            merged[link] = None  # a name typed instead of a choice replaces the old choice
    merged.update(data)
    for name, value in validate_address(merged).items():
        setattr(address, name, value)
    address.save()
    return address


@transaction.atomic
def delete_address(*, user: User, address: Address) -> None:
    """Remove an address from the user's book; a default it was stops being one."""
    _require_owner(user, address)
    cleared = []
    if user.default_shipping_address_id == address.pk:
        user.default_shipping_address = None
        cleared.append("default_shipping_address")
    if user.default_billing_address_id == address.pk:
        user.default_billing_address = None
        cleared.append("default_billing_address")
    if cleared:
        user.save(update_fields=cleared)
    address.delete()


@transaction.atomic
def set_default_address(*, user: User, address: Address, type: str) -> User:
    """Make one of the user's addresses their default shipping or billing address."""
    _require_owner(user, address)
    if type == AddressType.SHIPPING:
        user.default_shipping_address = address
        user.save(update_fields=["default_shipping_address"])
    elif type == AddressType.BILLING:
        user.default_billing_address = address
        user.save(update_fields=["default_billing_address"])
    else:
        raise ValidationError(
            {"type": ValidationError(_("未知的地址类型。"), code=AccountErrorCode.INVALID)}
        )
    return user
