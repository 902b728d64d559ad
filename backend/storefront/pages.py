"""Static pages of the storefront (delivery and returns, …) from `catalog_seed/pages/`.

A page is a YAML file: `title`, an optional `summary` (the meta description) and `sections`,
each with a `heading` and `paragraphs`. The county edits these files like the rest of its seed;
the text is shown escaped, never as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    sections: list[Section]


def pages_dir() -> Path:
    return Path(settings.CATALOG_SEED_DIR) / "pages"


def page_slugs() -> list[str]:
    folder = pages_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if SLUG.match(p.stem))


def load_page(slug: str) -> Page | None:
    if not SLUG.match(slug):
        return None
    path = pages_dir() / f"{slug}.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sections = [
        Section(
            heading=str(section.get("heading", "")),
            paragraphs=[str(p) for p in section.get("paragraphs") or []],
        )
        for section in data.get("sections") or []
    ]
    return Page(
        slug=slug,
        title=str(data.get("title", slug)),
        summary=str(data.get("summary", "")),
        sections=sections,
    )


_links: dict[tuple, list[tuple[str, str]]] = {}


def page_links() -> list[tuple[str, str]]:
    """(slug, title) of every page, for the footer; re-read only when a file changes."""
    folder = pages_dir()
    stamp = (
        tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))
        if folder.is_dir()
        else ()
    )
    if stamp not in _links:
        _links.clear()
        _links[stamp] = [
            (slug, page.title) for slug in page_slugs() if (page := load_page(slug)) is not None
        ]
    return _links[stamp]
