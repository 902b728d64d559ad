"""Mainland China mobile numbers."""

from __future__ import annotations

import phonenumbers

# Numbers without a country code are read as mainland numbers; the account is for mainland
# shoppers, who receive the sign-in SMS on a mobile phone.
_REGION = "CN"


def normalize_phone(raw: str) -> str | None:
    """Return the E.164 form (+86…) of a mainland mobile number, or None if it is not one.

    Landlines, numbers of other countries and malformed input are refused: only a mobile
    number can receive the one-time codes that sign-up and login rely on.
    """
    text = (raw or "").strip()
    if text.startswith("0086"):
        text = "+86" + text[4:]
    try:
        number = phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
