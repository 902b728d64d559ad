"""The data migration: every product existing before the listings app gets a Listing, approved
when it is published in some channel (it is on sale already), a draft otherwise."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.listings.models import Listing
from tests.factories import ChannelFactory, ProductFactory, list_product

BEFORE = [("listings", "0001_initial")]
AFTER = [("listings", "0002_listings_for_existing_products")]


@pytest.mark.django_db(transaction=True)
def test_existing_products_get_listings():
    channel = ChannelFactory()
    published = ProductFactory()
    list_product(published, channel)
    hidden = ProductFactory()
    list_product(hidden, channel)
    hidden.channel_listings.update(is_published=False)
    draft = ProductFactory()
    MigrationExecutor(connection).migrate(BEFORE)
    try:
        MigrationExecutor(connection).migrate(AFTER)
        states = dict(Listing.objects.values_list("product_id", "state"))
        assert states == {published.pk: "approved", hidden.pk: "draft", draft.pk: "draft"}
        # Run again (rolled back and forward): rows that exist are left as they are.
        Listing.objects.filter(product=draft).update(state="submitted")
        MigrationExecutor(connection).migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # every app, as before
    states = dict(Listing.objects.values_list("product_id", "state"))
    assert states == {published.pk: "approved", hidden.pk: "draft", draft.pk: "submitted"}
