"""Turning an attribute value written in a seed file into the AttributeValue it stands for.

Shared by validation (which reports a value that cannot be turned) and the loader (which
writes it), so the two can never disagree about what a value means.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ValueSpec:
    """The AttributeValue row a seed value maps to, keyed by (attribute, slug)."""

    slug: str
    name: str
    plain_text: str | None = None
    numeric: Decimal | None = None
    boolean: bool | None = None
    date: datetime.date | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "plain_text": self.plain_text,
            "numeric": self.numeric,
            "boolean": self.boolean,
            "date": self.date,
        }


def dropdown_choices(attribute: dict, towns: list[dict]) -> list[tuple[str, str]]:
    """(slug, name) of each dropdown value, in the order they are shown."""
    if attribute.get("values_from") == "towns":
        return [(slugify(town["name"], allow_unicode=True), town["name"]) for town in towns]
    return [(value["slug"], value["name"]) for value in attribute.get("values") or []]


def plain_text_slug(owner_key: str, attribute_slug: str) -> str:
    """Plain-text values belong to one product or variant (Saleor keeps them per owner)."""
    return slugify(f"{owner_key}-{attribute_slug}", allow_unicode=True)[:255]


def format_number(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text


def value_specs(
    *, attribute: dict, raw: Any, owner_key: str, choices: list[tuple[str, str]]
) -> list[ValueSpec]:
    """The values `raw` denotes for `attribute`; raises ValueError with a reason to show."""
    input_type = attribute["input_type"]
    if input_type == "dropdown":
        by_key = {}
        for slug, name in choices:
            by_key[slug] = (slug, name)
            by_key[name] = (slug, name)
        items = raw if isinstance(raw, list) else [raw]
        specs = []
        for item in items:
            if not isinstance(item, str) or item not in by_key:
                raise ValueError(
                    _("“%(value)s”不是属性“%(attribute)s”的可选值（可选：%(choices)s）")
                    % {
                        "value": item,
                        "attribute": attribute["slug"],
                        "choices": "、".join(name for _slug, name in choices),
                    }
                )
            slug, name = by_key[item]
            specs.append(ValueSpec(slug=slug, name=name))
        return specs
    if isinstance(raw, list):
        raise ValueError(_("属性“%(attribute)s”只能有一个值") % {"attribute": attribute["slug"]})
    if input_type == "numeric":
        if isinstance(raw, bool):
            raise ValueError(_("应为数值"))
        try:
            number = Decimal(str(raw))
        except InvalidOperation as exc:
            raise ValueError(_("“%(value)s”不是数值") % {"value": raw}) from exc
        if not number.is_finite():
            raise ValueError(_("“%(value)s”不是数值") % {"value": raw})
        text = format_number(number)
        return [
            ValueSpec(
                slug=slugify(text.replace("-", "minus").replace(".", "_")),
                name=text,
                numeric=number,
            )
        ]
    if input_type == "boolean":
        if not isinstance(raw, bool):
            raise ValueError(_("应为 true 或 false"))
        return [ValueSpec(slug=str(raw).lower(), name=str(raw).lower(), boolean=raw)]
    if input_type == "date":
        try:
            day = datetime.date.fromisoformat(str(raw))
        except ValueError as exc:
            raise ValueError(_("“%(value)s”不是 YYYY-MM-DD 格式的日期") % {"value": raw}) from exc
        return [ValueSpec(slug=day.isoformat(), name=day.isoformat(), date=day)]
    if not isinstance(raw, str):
        raise ValueError(_("应为文本"))
    return [
        ValueSpec(
            slug=plain_text_slug(owner_key, attribute["slug"]), name=raw[:250], plain_text=raw
        )
    ]


def money(raw: Any) -> Decimal:
    """A price as written in the seed (string or number) as Decimal; never through float."""
    return Decimal(str(raw))
