"""The catalogue snapshot: every promotion and special price of a channel, resolved to variants.

Pricing a listing page must not cost SQL per product, so the rules that can apply in a channel
(every active promotion and special price that has not ended yet) are loaded once, their
predicates (products, variants, categories with their sub-categories, collections, vendors)
resolved to sets of variant ids, and the result kept in process memory under the catalog
version. Any saved discount or catalog row bumps the version (backend.catalog.cache), so the
next request rebuilds it; whether a rule applies *now* is decided at pricing time from its
window, so a promotion starts and ends at its exact instant without a rebuild.

Flash-sale counters change at checkout completion with queryset updates (no version bump);
completion bumps the version when a flash sale sells out, so the snapshot's "remaining > 0"
is never stale in the direction of selling at the flash price after the last unit.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from backend.catalog.cache import catalog_version
from backend.catalog.models import Category, CollectionProduct, ProductVariant
from backend.catalog.models import ProductVariantChannelListing as VariantListing
from backend.discount.models import (
    Promotion,
    PromotionRule,
    PromotionType,
    SpecialPrice,
    Voucher,
)


def is_active_window(start: datetime | None, end: datetime | None, at: datetime) -> bool:
    """A window [start, end): it applies from its start instant and no longer at its end."""
    return (start is None or start <= at) and (end is None or at < end)


@dataclass(frozen=True)
class CatalogueRule:
    promotion_id: int
    rule_id: int
    name: str
    priority: int
    funded_by: str
    start: datetime
    end: datetime | None
    value_type: str
    value: Decimal
    variant_ids: frozenset[int]

    def applies(self, at: datetime) -> bool:
        return is_active_window(self.start, self.end, at)


@dataclass(frozen=True)
class OrderRule:
    promotion_id: int
    rule_id: int
    name: str
    priority: int
    funded_by: str
    start: datetime
    end: datetime | None
    min_subtotal: Decimal
    value_type: str
    value: Decimal
    reward_type: str
    gift_variant_id: int | None
    gift_price: Decimal | None

    def applies(self, at: datetime) -> bool:
        return is_active_window(self.start, self.end, at)


@dataclass(frozen=True)
class SpecialPriceEntry:
    id: int
    name: str
    kind: str
    variant_id: int
    price: Decimal
    start: datetime
    end: datetime
    quantity_limit: int | None
    quantity_sold: int
    per_customer_limit: int | None
    funded_by: str

    def applies(self, at: datetime) -> bool:
        if not is_active_window(self.start, self.end, at):
            return False
        return self.quantity_limit is None or self.quantity_sold < self.quantity_limit


@dataclass(frozen=True)
class CatalogueRules:
    channel_id: int
    version: int
    catalogue: tuple[CatalogueRule, ...] = ()
    order: tuple[OrderRule, ...] = ()
    special: dict[int, tuple[SpecialPriceEntry, ...]] = field(default_factory=dict)
    # variant id -> indexes into `catalogue` of the rules that match it
    by_variant: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def catalogue_rules_for(self, variant_id: int) -> Iterable[CatalogueRule]:
        return (self.catalogue[i] for i in self.by_variant.get(variant_id, ()))

    def special_prices_for(self, variant_id: int) -> tuple[SpecialPriceEntry, ...]:
        return self.special.get(variant_id, ())


@dataclass(frozen=True)
class Predicate:
    products: frozenset[int] = frozenset()
    variants: frozenset[int] = frozenset()
    categories: frozenset[int] = frozenset()
    collections: frozenset[int] = frozenset()
    vendors: frozenset[int] = frozenset()


def _category_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    return children


def _with_descendants(roots: Iterable[int], children: dict[int | None, list[int]]) -> set[int]:
    """The categories and all their sub-categories (a rule on 水果 covers 葡萄)."""
    result: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, ()))
    return result


def resolve_variant_ids(predicates: dict[int, Predicate]) -> dict[int, frozenset[int]]:
    """Resolve many predicates to variant-id sets in a fixed number of queries (≤ 3)."""
    all_collections = set().union(*(p.collections for p in predicates.values()))
    collection_products: dict[int, set[int]] = defaultdict(set)
    if all_collections:
        for collection_id, product_id in CollectionProduct.objects.filter(
            collection_id__in=all_collections
        ).values_list("collection_id", "product_id"):
            collection_products[collection_id].add(product_id)
    all_categories = set().union(*(p.categories for p in predicates.values()))
    category_cover: dict[int, set[int]] = {}
    if all_categories:
        children = _category_children()
        for key, p in predicates.items():
            category_cover[key] = _with_descendants(p.categories, children)
    expanded = set().union(*category_cover.values()) if category_cover else set()
    products_by_key: dict[int, set[int]] = {
        key: set(p.products).union(*(collection_products[c] for c in p.collections))
        for key, p in predicates.items()
    }
    all_products = set().union(*products_by_key.values())
    all_vendors = set().union(*(p.vendors for p in predicates.values()))
    rows: list[tuple[int, int, int | None, int | None]] = []
    condition = Q(pk__in=[])
    if all_products:
        condition |= Q(product_id__in=all_products)
    if expanded:
        condition |= Q(product__category_id__in=expanded)
    if all_vendors:
        condition |= Q(product__vendor_id__in=all_vendors)
    if all_products or expanded or all_vendors:
        rows = list(
            ProductVariant.objects.filter(condition).values_list(
                "pk", "product_id", "product__category_id", "product__vendor_id"
            )
        )
    result: dict[int, frozenset[int]] = {}
    for key, p in predicates.items():
        products = products_by_key[key]
        categories = category_cover.get(key, set())
        ids = set(p.variants)
        for pk, product_id, category_id, vendor_id in rows:
            if (
                product_id in products
                or (category_id is not None and category_id in categories)
                or (vendor_id is not None and vendor_id in p.vendors)
            ):
                ids.add(pk)
        result[key] = frozenset(ids)
    return result


def _m2m(model, field_name: str, owner_column: str, ids: list[int]) -> dict[int, set[int]]:
    through = getattr(model, field_name).through
    out: dict[int, set[int]] = defaultdict(set)
    target = [f for f in through._meta.get_fields() if f.is_relation and f.name != owner_column]
    target_name = target[0].name if target else ""
    for owner, value in through.objects.filter(**{f"{owner_column}_id__in": ids}).values_list(
        f"{owner_column}_id", f"{target_name}_id"
    ):
        out[owner].add(value)
    return out


def load_predicates(model, ids: list[int]) -> dict[int, Predicate]:
    """The predicate M2Ms of many PromotionRule or Voucher rows, one query per list."""
    owner = model._meta.model_name
    lists: dict[str, dict[int, set[int]]] = {}
    for name in ("products", "variants", "categories", "collections", "vendors"):
        if not hasattr(model, name):
            lists[name] = {}
            continue
        lists[name] = _m2m(model, name, owner, ids) if ids else {}
    return {
        pk: Predicate(
            products=frozenset(lists["products"].get(pk, ())),
            variants=frozenset(lists["variants"].get(pk, ())),
            categories=frozenset(lists["categories"].get(pk, ())),
            collections=frozenset(lists["collections"].get(pk, ())),
            vendors=frozenset(lists["vendors"].get(pk, ())),
        )
        for pk in ids
    }


def build_catalogue_rules(channel_id: int, *, version: int = 0) -> CatalogueRules:
    now = timezone.now()
    rules = list(
        PromotionRule.objects.filter(promotion__is_active=True, channels__id=channel_id)
        .filter(Q(promotion__end_date__isnull=True) | Q(promotion__end_date__gt=now))
        .select_related("promotion")
        .distinct()
        .order_by("pk")
    )
    catalogue_rows = [r for r in rules if r.promotion.type == PromotionType.CATALOGUE]
    order_rows = [r for r in rules if r.promotion.type == PromotionType.ORDER]
    predicates = load_predicates(PromotionRule, [r.pk for r in catalogue_rows])
    resolved = resolve_variant_ids(predicates) if predicates else {}
    catalogue: list[CatalogueRule] = []
    by_variant: dict[int, list[int]] = defaultdict(list)
    for row in catalogue_rows:
        promotion: Promotion = row.promotion
        variant_ids = resolved.get(row.pk, frozenset())
        if not variant_ids:
            continue
        index = len(catalogue)
        catalogue.append(
            CatalogueRule(
                promotion_id=promotion.pk,
                rule_id=row.pk,
                name=promotion.name,
                priority=promotion.priority,
                funded_by=promotion.funded_by,
                start=promotion.start_date,
                end=promotion.end_date,
                value_type=row.reward_value_type,
                value=row.reward_value,
                variant_ids=variant_ids,
            )
        )
        for variant_id in variant_ids:
            by_variant[variant_id].append(index)
    gift_ids = [r.gift_variant_id for r in order_rows if r.gift_variant_id]
    gift_prices = (
        dict(
            VariantListing.objects.filter(
                channel_id=channel_id, variant_id__in=gift_ids
            ).values_list("variant_id", "price_amount")
        )
        if gift_ids
        else {}
    )
    order = tuple(
        OrderRule(
            promotion_id=row.promotion.pk,
            rule_id=row.pk,
            name=row.promotion.name,
            priority=row.promotion.priority,
            funded_by=row.promotion.funded_by,
            start=row.promotion.start_date,
            end=row.promotion.end_date,
            min_subtotal=row.min_subtotal_amount or Decimal("0"),
            value_type=row.reward_value_type,
            value=row.reward_value,
            reward_type=row.reward_type or "subtotal_discount",
            gift_variant_id=row.gift_variant_id,
            gift_price=gift_prices.get(row.gift_variant_id) if row.gift_variant_id else None,
        )
        for row in order_rows
    )
    special: dict[int, list[SpecialPriceEntry]] = defaultdict(list)
    for sp in SpecialPrice.objects.filter(
        channel_id=channel_id, is_active=True, ends_at__gt=now
    ).order_by("starts_at", "pk"):
        special[sp.variant_id].append(
            SpecialPriceEntry(
                id=sp.pk,
                name=sp.name,
                kind=sp.kind,
                variant_id=sp.variant_id,
                price=sp.price_amount,
                start=sp.starts_at,
                end=sp.ends_at,
                quantity_limit=sp.quantity_limit,
                quantity_sold=sp.quantity_sold,
                per_customer_limit=sp.per_customer_limit,
                funded_by=sp.funded_by,
            )
        )
    return CatalogueRules(
        channel_id=channel_id,
        version=version,
        catalogue=tuple(catalogue),
        order=order,
        special={k: tuple(v) for k, v in special.items()},
        by_variant={k: tuple(v) for k, v in by_variant.items()},
    )


_lock = threading.Lock()
_snapshots: dict[int, CatalogueRules] = {}


def catalogue_rules(channel_id: int) -> CatalogueRules:
    """The channel's snapshot at the current catalog version (built at most once per version
    and process)."""
    version = catalog_version()
    snapshot = _snapshots.get(channel_id)
    if snapshot is not None and snapshot.version == version:
        return snapshot
    snapshot = build_catalogue_rules(channel_id, version=version)
    with _lock:
        _snapshots[channel_id] = snapshot
    return snapshot


def clear_snapshots() -> None:
    with _lock:
        _snapshots.clear()


def schedule_boundaries() -> list[datetime]:
    """Start and end instants of promotions, special prices and vouchers not ended a day ago
    (a provider for backend.catalog.schedule)."""
    since = timezone.now() - timedelta(days=1)
    instants: list[datetime] = []
    for start, end in (
        Promotion.objects.filter(is_active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=since))
        .values_list("start_date", "end_date")
    ):
        instants.append(start)
        if end is not None:
            instants.append(end)
    for start, end in SpecialPrice.objects.filter(is_active=True, ends_at__gt=since).values_list(
        "starts_at", "ends_at"
    ):
        instants.extend((start, end))
    for start, end in Voucher.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=since)
    ).values_list("start_date", "end_date"):
        instants.append(start)
        if end is not None:
            instants.append(end)
    return instants
