"""Choosing among the thumbnails made for a product image."""

from __future__ import annotations

from collections.abc import Sequence


def pick_thumbnail(thumbnails: Sequence, size: int, format: str):
    """The thumbnail of `format` closest to `size`: the smallest at least as large, else the
    largest there is (Saleor semantics). Pure: works on rows already loaded."""
    candidates = [t for t in thumbnails if t.format == format]
    if not candidates:
        return None
    larger = [t for t in candidates if t.size >= size]
    if larger:
        return min(larger, key=lambda t: t.size)
    return max(candidates, key=lambda t: t.size)
