"""Pieces the back-office (/dashboard/) of every app shares.

Some model fields carry no verbose name (foreign keys of through models, bookkeeping
columns); the dashboard is Chinese first, so each admin names them here rather than showing
a bare English attribute name to county staff.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from backend.core.money import quantize_fen


class DecisionActionsMixin:
    """Admin actions that take a decision on each selected row through a service (grant,
    approve, reject, revoke…), with the action form's fields (a reason, a date) as input.

    A row the service refuses is reported by its label and the service's message; the others
    go ahead, and one success message counts them."""

    def decision_label(self, obj) -> str:
        return str(obj)

    def action_data(self, request) -> dict:
        form = self.action_form(request.POST)  # type: ignore[attr-defined]
        form.is_valid()
        return form.cleaned_data

    def decide_each(self, request, queryset, decide, done: str) -> None:
        changed = 0
        for obj in queryset:
            try:
                decide(obj)
            except ValidationError as error:
                self.message_user(  # type: ignore[attr-defined]
                    request, f"{self.decision_label(obj)}：{error.messages[0]}", messages.ERROR
                )
            else:
                changed += 1
        if changed:
            self.message_user(  # type: ignore[attr-defined]
                request, done % {"count": changed}, messages.SUCCESS
            )


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
