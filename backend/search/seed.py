"""Search's part of `manage.py seed_catalog`: the synonym groups of catalog_seed/search.yaml,
the search documents of products without a current one, and the vocabulary. Idempotent
(synonyms by their text; nothing is written when nothing changed)."""

from __future__ import annotations

from pathlib import Path

import yaml

from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import seed_dir
from backend.search.documents import rebuild_vocabulary, refresh_documents
from backend.search.models import SearchTerm, Synonym


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
    from django.db.models import F, Q

    from backend.catalog.models import Product

    # Documents of products that have none or changed since theirs was written; a second run
    # over an unchanged seed writes nothing.
    stale = list(
        Product.objects.filter(
            Q(search_doc__isnull=True) | Q(updated_at__gt=F("search_doc__updated_at"))
        ).values_list("pk", flat=True)
    )
    total = Product.objects.count()
    if stale:
        report.add("search_documents", "updated", refresh_documents(stale))
    report.add("search_documents", "unchanged", total - len(stale))
    if stale or not SearchTerm.objects.exists():
        report.add("search_terms", "updated", rebuild_vocabulary())
    else:
        report.add("search_terms", "unchanged", SearchTerm.objects.count())
    return report
