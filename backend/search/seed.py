"""Search's part of `manage.py seed_catalog`: the synonym groups of catalog_seed/search.yaml
and a full rebuild of the search documents and vocabulary. Idempotent (synonyms by their
text)."""

from __future__ import annotations

from pathlib import Path

import yaml

from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import seed_dir
from backend.search.documents import rebuild_vocabulary, refresh_documents
from backend.search.models import Synonym


def seed_search(*, path: Path | str | None = None) -> SeedReport:
    report = SeedReport()
    file = Path(path or seed_dir()) / "search.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.exists() else {}
    for group in (data or {}).get("synonyms") or []:
        terms = ", ".join(str(t).strip() for t in group if str(t).strip())
        if not terms:
            continue
        _obj, created = Synonym.objects.get_or_create(terms=terms)
        report.add("search_synonyms", "created" if created else "unchanged")
    from backend.catalog.models import Product

    report.add(
        "search_documents",
        "updated",
        refresh_documents(Product.objects.values_list("pk", flat=True)),
    )
    report.add("search_terms", "updated", rebuild_vocabulary())
    return report
