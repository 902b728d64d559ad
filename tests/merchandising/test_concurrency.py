"""Live prices and rule refreshes under parallel requests: two livestream events pricing the
same variant in overlapping windows, saved at the same moment, never both become special
prices; parallel refreshes of one rule collection never duplicate or lose a product."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backend.catalog.models import Collection, CollectionProduct
from backend.discount.models import SpecialPrice
from backend.merchandising import services
from backend.merchandising.collections import refresh_rule_collection
from tests.merchandising.conftest import shanghai

pytestmark = pytest.mark.django_db(transaction=True)

START = shanghai(2030, 5, 1, 19, 30)


def run_in_parallel(calls):
    """Start every call at the same moment, each in its own thread and DB connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except ValidationError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_events_never_price_one_variant_twice_in_a_window(shop, rice):
    small = rice.variants.order_by("pk").first()

    def save(offset_minutes):
        def call():
            return services.save_livestream_event(
                event=None,
                data={
                    "title": f"直播{offset_minutes}",
                    "host_name": "小王",
                    "stream_url": "https://live.douyin.com/1",
                    "channel": shop.channel,
                    "starts_at": START + timedelta(minutes=offset_minutes),
                    "ends_at": START + timedelta(minutes=offset_minutes, hours=2),
                    "products": [rice],
                    "prices": [(small, Decimal("9.90"))],
                    "is_published": True,
                },
            )

        return call

    results = run_in_parallel([save(minutes) for minutes in (0, 10, 20, 30)])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 3
    assert all(r.error_dict["prices"][0].code == "OVERLAPPING_PRICE" for r in refused)
    assert SpecialPrice.objects.filter(variant=small).count() == 1


def test_parallel_refreshes_of_one_collection_agree(shop, rice):
    for index in range(5):
        shop.add_product(
            f"地标{index}", slug=f"gi-{index}", certifications=("geographical-indication",)
        )
    collection = Collection.objects.create(
        name="地理标志产品",
        slug="gi",
        kind="rule",
        rule={"conditions": [{"kind": "geographical_indication"}]},
    )
    results = run_in_parallel([lambda: refresh_rule_collection(collection) for _ in range(4)])
    assert sum(result.added for result in results) == 6  # one refresh added, the others saw it
    assert CollectionProduct.objects.filter(collection=collection).count() == 6
