import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The county seed once per module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        from backend.catalog.cache import bump_catalog_version

        bump_catalog_version()
        call_command("seed_catalog", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def saleor(gql, seeded, db):
    """Runs one of the Saleor storefront's operations (by name) and returns its data."""

    def run(name: str, **variables):
        from tests.saleor_compat.operations import OPERATIONS

        return gql.query(OPERATIONS[name], variables)

    return run
