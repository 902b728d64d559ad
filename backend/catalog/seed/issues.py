"""A problem found in the seed files, located precisely enough to fix without guessing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SeedIssue:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        location = f"{self.file}: {self.path}" if self.path else self.file
        return f"{location}: {self.reason}"


def key_path(parts: Iterable[str | int]) -> str:
    """`["products", 0, "variants", 1, "sku"]` → `products[0].variants[1].sku`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
