from __future__ import annotations

import pytest
from django.apps import apps


@pytest.fixture
def row_counts():
    """Row counts of every table the catalog mutations write, to prove a refused mutation
    wrote nothing."""

    def counts() -> dict[str, int]:
        return {
            model._meta.label: model.objects.count()
            for label in ("catalog", "inventory", "channel", "core")
            for model in apps.get_app_config(label).get_models()
        }

    return counts


def errors_of(data: dict, name: str) -> list[dict]:
    return data[name]["errors"]
