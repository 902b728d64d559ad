"""Helpers shared by every app's services: validated saves, unique slugs, safe deletes."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def apply_fields(instance: models.Model, data: dict, fields: tuple[str, ...]) -> None:
    """Copy the given keys of `data` (input that was sent) onto the instance."""
    for field in fields:
        if field in data:
            setattr(instance, field, data[field])


def full_save(instance: M, *, exclude: tuple[str, ...] = ()) -> M:
    """Run the model's validation (field rules, uniqueness, constraints), then save."""
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


def unique_slug(model: type[models.Model], name: str, *, exclude_pk=None) -> str:
    """A slug for `name` (Chinese kept: slugs allow Unicode) not used by another row."""
    base = slugify(name, allow_unicode=True)[:240] or model._meta.model_name or "item"
    candidate, suffix = base, 2
    others = model._default_manager.all()
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    while others.filter(slug=candidate).exists():
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


def delete_instance(instance: models.Model) -> None:
    """Delete, turning 'still referenced' into a typed error instead of a 500."""
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(_("仍有其他数据引用它，不能删除。"), code="CANNOT_DELETE") from error


def get_or_not_found(queryset, pk: int, field: str, label: str):
    instance = queryset.filter(pk=pk).first()
    if instance is None:
        raise ValidationError(
            {field: ValidationError(_("找不到%(label)s。") % {"label": label}, code="NOT_FOUND")}
        )
    return instance
