"""The promotion snapshot: which variants a rule covers (sub-categories, collections, vendors,
products, variants), and which promotions are left out (inactive, ended, other channels)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from backend.catalog.models import Collection, CollectionProduct
from backend.discount.models import Promotion
from backend.discount.rules import build_catalogue_rules
from tests.discount.conftest import D, flash_sale, listed_variant, past, promotion
from tests.factories import CategoryFactory, ChannelFactory, VendorFactory

pytestmark = pytest.mark.django_db


def covered(channel) -> dict[str, frozenset[int]]:
    snapshot = build_catalogue_rules(channel.pk)
    return {rule.name: rule.variant_ids for rule in snapshot.catalogue}


def test_a_rule_on_a_category_covers_its_sub_categories(channel, warehouse):
    fruit = CategoryFactory(name="水果")
    grapes_category = CategoryFactory(name="葡萄", parent=fruit)
    other = CategoryFactory(name="粮油")
    grapes = listed_variant(channel, warehouse, category=grapes_category)
    rice = listed_variant(channel, warehouse, category=other)
    promotion(channel, categories=[fruit], name="水果节")
    assert covered(channel) == {"水果节": frozenset({grapes.pk})}
    assert rice.pk not in covered(channel)["水果节"]


def test_rules_on_collections_vendors_products_and_variants(channel, warehouse):
    vendor = VendorFactory()
    a = listed_variant(channel, warehouse, vendor=vendor)
    b = listed_variant(channel, warehouse)
    c = listed_variant(channel, warehouse)
    d = listed_variant(channel, warehouse)
    collection = Collection.objects.create(name="地标好物", slug="gi")
    CollectionProduct.objects.create(collection=collection, product=b.product)
    promotion(channel, vendors=[vendor], name="商家")
    promotion(channel, collections=[collection], name="合集")
    promotion(channel, products=[c.product], name="商品")
    promotion(channel, variants=[d], name="规格")
    assert covered(channel) == {
        "商家": frozenset({a.pk}),
        "合集": frozenset({b.pk}),
        "商品": frozenset({c.pk}),
        "规格": frozenset({d.pk}),
    }


def test_inactive_ended_and_other_channel_promotions_are_left_out(channel, warehouse):
    variant = listed_variant(channel, warehouse)
    promotion(channel, variants=[variant], name="停用")
    Promotion.objects.filter(name="停用").update(is_active=False)
    promotion(channel, variants=[variant], name="已结束", start=past(3), end=past(1))
    promotion(ChannelFactory(slug="tourism", name="文旅馆"), variants=[variant], name="别的渠道")
    promotion(
        channel, variants=[variant], name="将来", start=timezone.now() + timezone.timedelta(days=2)
    )
    flash_sale(channel, variant, price=D("1.00"), start=past(3), end=past(1))
    snapshot = build_catalogue_rules(channel.pk)
    assert [rule.name for rule in snapshot.catalogue] == ["将来"]  # kept: it starts later
    assert snapshot.special == {}
