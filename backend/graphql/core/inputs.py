"""Turning mutation input into what services take: IDs into rows, API units into model units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Manager, QuerySet
from django.utils.translation import gettext as _

from backend.graphql.core.ids import decode_id


def get_instance(queryset: QuerySet | Manager, global_id: str, type_name: str, *, field: str):
    """The row a global ID names; a typed NOT_FOUND error for the field when there is none."""
    pk = decode_id(global_id, type_name, field=field)
    instance = queryset.filter(pk=pk).first()
    if instance is None:
        raise ValidationError(
            {
                field: ValidationError(
                    _("找不到 ID 为 %(id)s 的对象。") % {"id": global_id}, code="NOT_FOUND"
                )
            }
        )
    return instance


def get_instances(queryset: QuerySet, global_ids, type_name: str, *, field: str) -> list:
    pks = [decode_id(value, type_name, field=field) for value in global_ids or []]
    found = queryset.in_bulk(pks)
    missing = [value for value, pk in zip(global_ids or [], pks, strict=True) if pk not in found]
    if missing:
        raise ValidationError(
            {
                field: ValidationError(
                    _("找不到这些对象：%(ids)s") % {"ids": ", ".join(missing)}, code="NOT_FOUND"
                )
            }
        )
    return [found[pk] for pk in pks]


def weight_to_grams(value) -> int | None:
    """The API's weight is in kilograms (Saleor's default unit); the models keep grams."""
    if value is None:
        return None
    if value < 0:
        raise ValidationError({"weight": ValidationError(_("重量不能为负数。"), code="INVALID")})
    return round(value * 1000)


def seo_fields(data: dict) -> dict:
    seo = data.get("seo")
    if not seo:
        return {}
    fields = {}
    if "title" in seo:
        fields["seo_title"] = seo["title"] or ""
    if "description" in seo:
        fields["seo_description"] = seo["description"] or ""
    return fields
