"""Pieces the back-office (/dashboard/) of every app shares.

Some model fields carry no verbose name (foreign keys of through models, bookkeeping
columns); the dashboard is Chinese first, so each admin names them here rather than showing
a bare English attribute name to county staff.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin

from backend.core.money import quantize_fen


class FieldLabelsMixin:
    """Give form fields the labels in `field_labels` (field name → translated label)."""

    field_labels: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        label = self.field_labels.get(db_field.name)
        if formfield is not None and label:
            formfield.label = label
        return formfield


def titled_filter(title, base=admin.RelatedFieldListFilter):
    """A list filter class like `base` whose heading reads `title`.

    Django titles a field filter with the field's verbose name; fields that have none would
    otherwise appear as e.g. "按 warehouse".
    """

    class TitledFilter(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    TitledFilter.__name__ = f"Titled{base.__name__}"
    return TitledFilter


def format_price(amount: Decimal | None, currency: str = "CNY") -> str:
    """A price as staff read it: rounded to the fen, with the currency (DESIGN.md: Money)."""
    if amount is None:
        return "—"
    symbol = "¥" if currency == "CNY" else f"{currency} "
    return f"{symbol}{quantize_fen(amount)}"
