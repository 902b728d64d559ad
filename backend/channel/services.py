"""State changes of sales channels."""

from __future__ import annotations

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.channel.models import Channel
from backend.core.services import apply_fields, full_save, unique_slug

FIELDS = ("name", "is_active", "currency_code", "default_country", "time_zone")


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code="INVALID")})


@transaction.atomic
def save_channel(*, channel: Channel | None, data: dict) -> Channel:
    channel = channel or Channel()
    apply_fields(channel, data, FIELDS)
    if not re.fullmatch(r"[A-Z]{3}", channel.currency_code or ""):
        raise _invalid("currency_code", _("货币代码应为三个大写字母，如 CNY。"))
    if not re.fullmatch(r"[A-Z]{2}", channel.default_country or ""):
        raise _invalid("default_country", _("国家代码应为两个大写字母，如 CN。"))
    if channel.time_zone not in zoneinfo.available_timezones():
        raise _invalid("time_zone", _("未知的时区。"))
    if data.get("slug"):
        channel.slug = data["slug"]
    elif not channel.slug:
        channel.slug = unique_slug(Channel, channel.name, exclude_pk=channel.pk)
    return full_save(channel)
