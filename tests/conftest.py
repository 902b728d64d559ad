"""Shared fixtures. Tests run against a real PostgreSQL (DATABASE_URL, or the embedded server)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to the developer's `.data/`."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    """Cached GraphQL responses outlive a test's rolled-back rows, so tests run without them;
    tests of the cache itself switch it back on."""
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 0
