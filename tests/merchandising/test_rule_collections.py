"""Rule-based collections: each rule kind, conditions combined with AND, refresh by
difference (kept products keep their place), manual collections untouched, typed errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.catalog.models import (
    Collection,
    CollectionKind,
    CollectionProduct,
    ProductChannelListing,
)
from backend.merchandising import collections as rules
from backend.merchandising.services import set_collection_rule
from tests.factories import TownFactory, VendorFactory

pytestmark = pytest.mark.django_db


def members(collection) -> list[str]:
    return list(
        CollectionProduct.objects.filter(collection=collection)
        .order_by("sort_order", "pk")
        .values_list("product__slug", flat=True)
    )


def rule_collection(rule, slug="rule") -> Collection:
    collection = Collection.objects.create(name=slug, slug=slug)
    set_collection_rule(collection=collection, rule=rule)
    return collection


@pytest.fixture
def catalogue(shop, rice):
    yanwei = VendorFactory(name="燕尾港渔业合作社", slug="yanwei-fish", town="燕尾港镇")
    shop.add_product(
        "燕尾港紫菜", slug="laver", origin="燕尾港镇", certifications=("geographical-indication",)
    )
    shop.add_product("燕尾港对虾", slug="shrimp", vendor=yanwei)
    shop.add_product("东王集面粉", slug="flour", origin="东王集镇")
    TownFactory(name="东王集镇")
    TownFactory(name="燕尾港镇")
    return shop


def test_geographical_indication_rule_collects_certified_products(catalogue):
    collection = rule_collection({"conditions": [{"kind": "geographical_indication"}]})
    assert sorted(members(collection)) == ["dongwangji-rice", "laver"]
    assert collection.rule_refreshed_at is not None


def test_vendor_rule_collects_that_vendors_products(catalogue):
    collection = rule_collection({"conditions": [{"kind": "vendor", "vendor": "yanwei-fish"}]})
    assert members(collection) == ["shrimp"]


def test_town_rule_matches_origin_attribute_or_vendor_town(catalogue):
    collection = rule_collection({"conditions": [{"kind": "town", "town": "燕尾港镇"}]})
    assert sorted(members(collection)) == ["laver", "shrimp"]
    dongwangji = rule_collection({"conditions": [{"kind": "town", "town": "东王集镇"}]}, "dwj")
    assert sorted(members(dongwangji)) == ["dongwangji-rice", "flour"]


def test_new_this_week_rule_uses_the_publication_date(catalogue):
    ProductChannelListing.objects.filter(product__slug="flour").update(
        published_at=timezone.now() - timedelta(days=8)
    )
    ProductChannelListing.objects.filter(product__slug="shrimp").update(is_published=False)
    collection = rule_collection({"conditions": [{"kind": "new_this_week"}]})
    assert sorted(members(collection)) == ["dongwangji-rice", "laver"]


def test_conditions_combine_with_and(catalogue):
    collection = rule_collection(
        {"conditions": [{"kind": "geographical_indication"}, {"kind": "town", "town": "东王集镇"}]}
    )
    assert members(collection) == ["dongwangji-rice"]


def test_brand_licensed_rule_follows_the_brand_licences(catalogue, monkeypatch):
    import backend.brand.selectors as brand_selectors

    laver = catalogue.products["laver"]
    monkeypatch.setattr(brand_selectors, "licensed_product_ids", lambda at=None: {laver.pk})
    collection = rule_collection({"conditions": [{"kind": "brand_licensed"}]})
    assert members(collection) == ["laver"]


def test_refresh_inserts_and_deletes_only_the_difference(catalogue):
    collection = rule_collection({"conditions": [{"kind": "geographical_indication"}]})
    kept = CollectionProduct.objects.get(collection=collection, product__slug="dongwangji-rice")
    catalogue.products["laver"].attributevalues.all().delete()
    catalogue.add_product("新证书紫菜", slug="laver-2", certifications=("geographical-indication",))
    result = rules.refresh_rule_collection(collection)
    assert (result.added, result.removed) == (1, 1)
    assert members(collection) == ["dongwangji-rice", "laver-2"]
    again = CollectionProduct.objects.get(collection=collection, product__slug="dongwangji-rice")
    assert (again.pk, again.sort_order) == (kept.pk, kept.sort_order)  # the same row, same place
    assert not rules.refresh_rule_collection(collection).changed


def test_manual_collections_are_never_touched_by_a_refresh(catalogue):
    manual = Collection.objects.create(name="手选", slug="manual")
    CollectionProduct.objects.create(collection=manual, product=catalogue.products["flour"])
    rule_collection({"conditions": [{"kind": "geographical_indication"}]})
    rules.refresh_rule_collections()
    assert members(manual) == ["flour"]
    assert rules.refresh_rule_collection(manual).changed is False
    assert Collection.objects.get(pk=manual.pk).rule_refreshed_at is None


def test_a_rule_collection_turned_manual_keeps_its_products(catalogue):
    collection = rule_collection({"conditions": [{"kind": "geographical_indication"}]})
    set_collection_rule(collection=collection, rule=None)
    collection.refresh_from_db()
    assert collection.kind == CollectionKind.MANUAL
    rules.refresh_rule_collections()
    assert sorted(members(collection)) == ["dongwangji-rice", "laver"]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ({}, "INVALID_RULE"),
        ({"conditions": "geographical_indication"}, "INVALID_RULE"),
        ({"conditions": []}, "REQUIRED"),
        ({"conditions": [{"kind": "on_sale"}]}, "INVALID_RULE"),
        ({"conditions": [{"kind": "vendor"}]}, "REQUIRED"),
        ({"conditions": [{"kind": "vendor", "vendor": "nobody"}]}, "NOT_FOUND"),
        ({"conditions": [{"kind": "town", "town": "火星镇"}]}, "NOT_FOUND"),
        ({"conditions": [{"kind": "new_this_week", "days": 3}]}, "INVALID_RULE"),
        (
            {"conditions": [{"kind": "new_this_week"}, {"kind": "new_this_week"}]},
            "DUPLICATED_INPUT_ITEM",
        ),
    ],
)
def test_bad_rules_get_a_typed_error_and_change_nothing(catalogue, rule, code):
    collection = Collection.objects.create(name="手选", slug="manual")
    CollectionProduct.objects.create(collection=collection, product=catalogue.products["flour"])
    with pytest.raises(ValidationError) as raised:
        set_collection_rule(collection=collection, rule=rule)
    assert raised.value.error_dict["rule"][0].code == code
    collection.refresh_from_db()
    assert collection.kind == CollectionKind.MANUAL and collection.rule == {}
    assert members(collection) == ["flour"]


def test_catalog_changes_queue_one_refresh_a_minute():
    cache.delete(rules.REFRESH_LOCK_KEY)
    assert rules.request_rule_refresh() is True
    assert rules.request_rule_refresh() is False
    assert rules.request_rule_refresh() is False
    cache.delete(rules.REFRESH_LOCK_KEY)  # the minute is over
    assert rules.request_rule_refresh() is True


def test_the_beat_task_refreshes_every_rule_collection(catalogue):
    from backend.merchandising.tasks import refresh_rule_collections_task

    collection = rule_collection({"conditions": [{"kind": "geographical_indication"}]})
    catalogue.add_product("新证书紫菜", slug="laver-2", certifications=("geographical-indication",))
    assert refresh_rule_collections_task() == {collection.slug: 1}
    assert "laver-2" in members(collection)


def test_a_product_change_queues_a_refresh_after_commit(
    catalogue, django_capture_on_commit_callbacks
):
    cache.delete(rules.REFRESH_LOCK_KEY)
    product = catalogue.products["flour"]
    with django_capture_on_commit_callbacks(execute=True):
        product.name = "东王集精制面粉"
        product.save()
    assert cache.get(rules.REFRESH_LOCK_KEY) == 1


def test_brand_rule_without_the_brand_module_is_a_typed_error(catalogue, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "backend.brand.selectors", None)  # import fails
    collection = Collection.objects.create(name="品牌授权产品", slug="licensed")
    with pytest.raises(ValidationError) as raised:
        set_collection_rule(
            collection=collection, rule={"conditions": [{"kind": "brand_licensed"}]}
        )
    assert raised.value.error_dict["rule"][0].code == "RULE_UNAVAILABLE"
    collection.refresh_from_db()
    assert collection.kind == CollectionKind.MANUAL
