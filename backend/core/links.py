"""Links that leave the site: an SMS or an e-mail carries the whole address, since a path
alone cannot be tapped on a phone."""

from __future__ import annotations

from django.conf import settings


def public_link(path: str) -> str:
    """`path` on the storefront's public address (settings.PUBLIC_BASE_URL)."""
    return f"{settings.PUBLIC_BASE_URL}{path}"
