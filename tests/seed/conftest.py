"""Fixtures for the catalog seed tests: an editable copy of the real seed in a temp folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A copy of catalog_seed/ that a test may break or edit without touching the real one."""
    target = tmp_path / "seed"
    shutil.copytree(settings.CATALOG_SEED_DIR, target)
    return target


@pytest.fixture
def edit_seed(seed_copy) -> Callable[[str, Callable[[Any], None]], Path]:
    """edit_seed("vendors.yaml", lambda data: ...) rewrites one file of the copy."""

    def edit(relative: str, change: Callable[[Any], None]) -> Path:
        path = seed_copy / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        return seed_copy

    return edit
