import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole county seed (which ends by building the search documents and vocabulary,
    backend/search/seed.py) once per module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        from backend.search import vocabulary

        call_command("seed_catalog", stdout=io.StringIO())
        vocabulary.invalidate()
        yield
        transaction.set_rollback(True)
    vocabulary.invalidate()
