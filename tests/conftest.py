"""Shared fixtures. Tests run against a real PostgreSQL (DATABASE_URL, or the embedded server)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to the developer's `.data/`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
