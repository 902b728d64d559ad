import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole county seed (which ends by building the search documents and vocabulary,
    backend/search/seed.py) once per module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        from backend.catalog.cache import bump_catalog_version
        from backend.search import vocabulary

        # Caches keyed by the catalog version (the brand's licence windows) would otherwise
        # still hold the previous module's seed: its rollback left the version unchanged
        # (version bumps run on commit) but its product ids are gone.
        bump_catalog_version()
        call_command("seed_catalog", stdout=io.StringIO())
        vocabulary.invalidate()
        yield
        transaction.set_rollback(True)
    vocabulary.invalidate()
