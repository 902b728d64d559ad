import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    """The county seed once for this package (seeding takes about two minutes here), in a
    transaction rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        from backend.catalog.cache import bump_catalog_version

        bump_catalog_version()
        call_command("seed_catalog", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _runner(client):
    def run(name: str, **variables):
        from tests.saleor_compat.operations import OPERATIONS

        return client.query(OPERATIONS[name], variables)

    return run


@pytest.fixture
def saleor(gql, seeded, db):
    """Runs one of the Saleor storefront's operations (by name) as a guest; returns its data."""
    return _runner(gql)


@pytest.fixture
def shopper(seeded, db):
    from tests.factories import UserFactory

    return UserFactory(email="xiaomei@example.com", first_name="小梅", last_name="王")


@pytest.fixture
def shopper_saleor(client, shopper):
    """The same, signed in as `shopper`."""
    from backend.account.jwt import create_access_token
    from tests.conftest import GraphQLClient

    return _runner(GraphQLClient(client, create_access_token(shopper)))
