"""A version number for everything a shopper sees in the catalog.

Cached catalog responses carry the version in their key, and any change to a catalog,
inventory, channel, vendor or brand row bumps it, so a change is visible on the next request;
the cache's time-to-live only bounds what no row change announces (a scheduled publication
time passing, bulk updates that bypass signals).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "catalog:version"
WATCHED_APPS = ("catalog", "inventory", "channel", "vendors", "brand", "discount", "merchandising")
# Rows written by every cart and order: they do not change what the catalog shows beyond
# "in stock", which the cache's time-to-live bounds; bumping on them would empty the cache on
# every checkout.
IGNORED_MODELS = (
    "inventory.allocation",
    "inventory.reservation",
    # What an order used up or was given (issue #11): written and given back with every
    # completion or cancellation, never shown in the catalog.
    "discount.orderdiscount",
    "discount.orderlinediscount",
    "discount.specialpricepurchase",
    "discount.vouchercustomer",
)


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump_catalog_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(VERSION_KEY, catalog_version() + 1, timeout=None)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS and sender._meta.label_lower not in IGNORED_MODELS:
        # After commit: a reader must not cache the old rows under the new version.
        transaction.on_commit(bump_catalog_version)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_change, dispatch_uid=f"catalog-version-{signal!r}")
