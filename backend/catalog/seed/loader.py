"""Loading a validated catalog seed into the database, in one transaction, idempotently.

The files are the truth for what they describe: a changed price, name or attribute updates
the row; links the files own (a product's attribute values, a collection's products, a
product type's attributes, a warehouse's channels, a seeded product's images) are made to match
exactly. Products, variants and vendors that disappear from the files are NOT deleted: they may
have orders, and retiring something that was sold is a decision for the dashboard.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from backend.brand.models import PublicBrand
from backend.catalog.cache import bump_catalog_version
from backend.catalog.media import create_product_media
from backend.catalog.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeProduct,
    AttributeValue,
    AttributeVariant,
    Category,
    Collection,
    CollectionChannelListing,
    CollectionProduct,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.catalog.seed.files import SeedFiles, read_seed_files
from backend.catalog.seed.issues import SeedIssue
from backend.catalog.seed.sync import SeedReport, sync_owned_rows, sync_rows
from backend.catalog.seed.validation import validate_seed
from backend.catalog.seed.values import ValueSpec, dropdown_choices, money, value_specs
from backend.channel.models import Channel
from backend.divisions.models import Town, TownKind, Village
from backend.inventory.models import Stock, Warehouse
from backend.search.indexing import reindex_products
from backend.stations.seed import load_stations, prune_stations
from backend.vendors.models import Vendor


class SeedValidationError(Exception):
    """The seed has problems; nothing was written. `issues` lists every one of them."""

    def __init__(self, issues: list[SeedIssue]) -> None:
        self.issues = issues
        super().__init__(
            _("目录中的种子数据有 %(count)d 个问题，未写入任何数据。") % {"count": len(issues)}
        )


def seed_dir(path: Path | str | None = None) -> Path:
    return Path(path) if path else Path(settings.CATALOG_SEED_DIR)


def read_seed_yaml(path: Path | str | None, name: str) -> dict:
    """One optional file of the seed folder (a county may leave it out): its mapping, or {}."""
    import yaml

    file = seed_dir(path) / name
    if not file.exists():
        return {}
    return yaml.safe_load(file.read_text(encoding="utf-8")) or {}


def demo_staff_account(item: dict, *, group, kind: str, report: SeedReport):
    """A staff account of the demonstration (e-mail, password, phone, name from the seed), in
    `group`; an existing account is left as it is (only added to the group)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    user = users.filter(email=item["email"]).first()
    if user is None:
        user = users.create_user(item["email"], item["password"], phone=str(item["phone"]))
        user.first_name = item.get("name", "")[:150]
        user.is_staff = True
        user.save(update_fields=["first_name", "is_staff"])
        report.add(kind, "created")
    else:
        report.add(kind, "unchanged")
    user.groups.add(group)
    return user


def check_seed(*, path: Path | str | None = None) -> SeedFiles:
    """Read and validate the seed; raises SeedValidationError listing every problem."""
    seed, issues = read_seed_files(seed_dir(path))
    if not issues:
        issues = validate_seed(seed)
    if issues:
        raise SeedValidationError(issues)
    return seed


def load_catalog_seed(*, path: Path | str | None = None) -> SeedReport:
    """Validate every file, then load them all in one transaction.

    Safe to run again and again: rows are matched on slugs and SKUs, unchanged rows are not
    written, and the report counts what was created, updated, left unchanged or deleted.
    """
    seed = check_seed(path=path)
    with transaction.atomic():
        report = _Loader(seed).run()
        if report.changed:
            transaction.on_commit(bump_catalog_version)
        return report


def editorjs_description(text: str | None) -> tuple[dict, str]:
    """The seed's plain text as EditorJS JSON (Saleor's rich-text format) and as plain text.

    Blank lines separate paragraphs; line breaks inside a paragraph are only wrapping in the
    YAML file and are dropped (Chinese text has no spaces between words).
    """
    if not text or not text.strip():
        return {}, ""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        joined = "".join(line.strip() for line in block.splitlines())
        if joined:
            paragraphs.append(joined)
    description = {
        "blocks": [{"type": "paragraph", "data": {"text": escape(p)}} for p in paragraphs]
    }
    return description, "\n".join(paragraphs)


@dataclass
class _Records:
    """Seed records of one kind, indexed by slug."""

    by_slug: dict[str, dict]

    @classmethod
    def of(cls, records: Iterable[dict]) -> _Records:
        return cls({record["slug"]: record for record in records})


class _Loader:
    def __init__(self, seed: SeedFiles) -> None:
        self.seed = seed
        self.report = SeedReport()
        self.now = timezone.now()
        county = seed.documents["county"].data
        self.county = county["county"]
        self.towns = county["towns"]
        self.channel_records = county["channels"]
        self.products = [
            product for document in seed.products for product in document.data["products"]
        ]

    def run(self) -> SeedReport:
        self.channels = self.load_channels()
        self.load_brand()
        # Before the divisions: a station that left the file must not keep its village.
        prune_stations(self.seed.records("stations"), report=self.report)
        self.load_divisions()
        self.categories, renamed_categories = self.load_categories()
        self.attributes = self.load_attributes()
        self.product_types = self.load_product_types()
        self.vendors, renamed_vendors = self.load_vendors()
        self.warehouses = self.load_warehouses()
        self.load_stations()
        self.product_rows = self.load_products()
        self.variants = self.load_variants()
        self.load_attribute_assignments()
        self.load_channel_listings()
        self.load_stock()
        self.load_collections()
        self.load_media()
        self.reindex(renamed_categories, renamed_vendors)
        return self.report

    # Channels, categories, attributes, product types ---------------------------------------

    def load_channels(self) -> dict[str, Channel]:
        rows = [
            {
                "slug": channel["slug"],
                "name": channel["name"],
                "currency_code": channel["currency"],
                "default_country": channel["country"],
                "time_zone": channel.get("time_zone")
                or self.county.get("time_zone", "Asia/Shanghai"),
                "is_active": channel.get("is_active", True),
            }
            for channel in self.channel_records
        ]
        channels, _changed = sync_rows(
            model=Channel, key_fields=("slug",), rows=rows, report=self.report, kind="channels"
        )
        return channels

    def load_brand(self) -> None:
        """The county's public brand, sold under the county's first channel."""
        brand = self.seed.documents["county"].data["brand"]
        channel = self.channels[self.channel_records[0]["slug"]]
        story = brand.get("story") or ""
        sync_rows(
            model=PublicBrand,
            key_fields=("slug",),
            rows=[
                {
                    "slug": channel.slug,
                    "county_name": self.county["name"],
                    "county_code": self.county.get("code", ""),
                    "province": self.county.get("province", ""),
                    "city": self.county.get("city", ""),
                    "name": brand["name"],
                    "slogan": brand.get("slogan", ""),
                    "story": story.strip(),
                    "quality_standards": (brand.get("quality_standards") or "").strip(),
                    "packaging_rules": (brand.get("packaging_rules") or "").strip(),
                    "licence_prefix": brand.get("licence_prefix") or "BRAND",
                    "channel_id": channel.pk,
                    "is_active": True,
                }
            ],
            report=self.report,
            kind="brands",
        )

    def load_divisions(self) -> None:
        """The county's towns and villages, keyed by their division codes.

        A town or village that left the file is deleted only while nothing points at it:
        shoppers' addresses (and later stations) protect theirs, and a saved address must keep
        working, so a referenced division stays until it is no longer used.
        """
        towns, _changed = sync_rows(
            model=Town,
            key_fields=("code",),
            rows=[
                {
                    "code": town["code"],
                    "name": town["name"],
                    "kind": town.get("kind") or _town_kind(town["name"]),
                    "sort_order": index,
                }
                for index, town in enumerate(self.towns)
            ],
            report=self.report,
            kind="towns",
        )
        village_rows = [
            {
                "code": village["code"],
                "town_id": towns[town["code"]].pk,
                "name": village["name"],
                "is_economically_weak": village.get("weak", False),
                "sort_order": index,
            }
            for town in self.towns
            for index, village in enumerate(town["villages"])
        ]
        sync_rows(
            model=Village,
            key_fields=("code",),
            rows=village_rows,
            report=self.report,
            kind="villages",
        )
        _delete_unused(
            Village.objects.exclude(code__in=[row["code"] for row in village_rows]),
            self.report,
            "villages",
        )
        # A dropped town whose dropped villages are still in use keeps them (and itself).
        _delete_unused(
            Town.objects.exclude(code__in=list(towns)).filter(villages__isnull=True),
            self.report,
            "towns",
        )

    def load_categories(self) -> tuple[dict[str, Category], set[str]]:
        """Level by level, so that every parent exists before its children point at it."""
        levels: dict[int, list[tuple[dict, str | None, int]]] = defaultdict(list)

        def walk(nodes: list[dict], parent: str | None, level: int) -> None:
            for index, node in enumerate(nodes):
                levels[level].append((node, parent, index))
                walk(node.get("children") or [], node["slug"], level + 1)

        walk(self.seed.records("categories"), None, 0)
        categories: dict[str, Category] = {}
        changed: set[str] = set()
        for level in sorted(levels):
            rows = []
            for node, parent, index in levels[level]:
                description, _plain = editorjs_description(node.get("description"))
                rows.append(
                    {
                        "slug": node["slug"],
                        "name": node["name"],
                        "description": description,
                        "parent_id": categories[parent].pk if parent else None,
                        "level": level,
                        "sort_order": index,
                        "seo_title": node.get("seo_title", ""),
                        "seo_description": node.get("seo_description", ""),
                    }
                )
            synced, level_changed = sync_rows(
                model=Category,
                key_fields=("slug",),
                rows=rows,
                report=self.report,
                kind="categories",
            )
            categories.update(synced)
            changed |= level_changed
        return categories, changed

    def load_attributes(self) -> dict[str, Attribute]:
        records = self.seed.records("attributes")
        self.attribute_records = _Records.of(records)
        rows = [
            {
                "slug": attribute["slug"],
                "name": attribute["name"],
                "input_type": attribute["input_type"],
                "unit": attribute.get("unit", ""),
                "value_required": attribute.get("value_required", False),
                "visible_in_storefront": attribute.get("visible_in_storefront", True),
                "filterable_in_storefront": attribute.get("filterable_in_storefront", True),
                "storefront_search_position": index,
            }
            for index, attribute in enumerate(records)
        ]
        attributes, _changed = sync_rows(
            model=Attribute,
            key_fields=("slug",),
            rows=rows,
            report=self.report,
            kind="attributes",
        )
        self.attributes = attributes
        self.values = self.load_attribute_values()
        return attributes

    def load_attribute_values(self) -> dict[tuple[int, str], AttributeValue]:
        """Dropdown values in their listed order, then the values products and variants use."""
        specs: dict[tuple[int, str], tuple[ValueSpec, int]] = {}
        for attribute in self.attribute_records.by_slug.values():
            attribute_id = self.attributes[attribute["slug"]].pk
            if attribute["input_type"] == "dropdown":
                for index, (slug, name) in enumerate(dropdown_choices(attribute, self.towns)):
                    specs[(attribute_id, slug)] = (ValueSpec(slug=slug, name=name), index)
        for owner_key, values in self._attribute_owners():
            for attribute_slug, raw in values.items():
                attribute = self.attribute_records.by_slug[attribute_slug]
                attribute_id = self.attributes[attribute_slug].pk
                for spec in self._specs(attribute, raw, owner_key):
                    specs.setdefault((attribute_id, spec.slug), (spec, 0))
        rows = [
            {"attribute_id": attribute_id, "slug": slug, "sort_order": order, **spec.fields()}
            for (attribute_id, slug), (spec, order) in specs.items()
        ]
        values, _changed = sync_rows(
            model=AttributeValue,
            key_fields=("attribute_id", "slug"),
            rows=rows,
            report=self.report,
            kind="attribute_values",
        )
        return values

    def _attribute_owners(self) -> Iterable[tuple[str, dict]]:
        for product in self.products:
            yield product["slug"], product.get("attributes") or {}
            for variant in product["variants"]:
                yield variant["sku"], variant.get("attributes") or {}

    def _specs(self, attribute: dict, raw: Any, owner_key: str) -> list[ValueSpec]:
        return value_specs(
            attribute=attribute,
            raw=raw,
            owner_key=owner_key,
            choices=dropdown_choices(attribute, self.towns),
        )

    def _value_ids(self, values: dict[str, Any], owner_key: str) -> list[int]:
        ids = []
        for attribute_slug, raw in values.items():
            attribute = self.attribute_records.by_slug[attribute_slug]
            attribute_id = self.attributes[attribute_slug].pk
            for spec in self._specs(attribute, raw, owner_key):
                ids.append(self.values[(attribute_id, spec.slug)].pk)
        return ids

    def load_product_types(self) -> dict[str, ProductType]:
        records = self.seed.records("product_types")
        rows = [
            {
                "slug": product_type["slug"],
                "name": product_type["name"],
                "kind": product_type["kind"],
                "tax_rate": Decimal(str(product_type["tax_rate"])),
                "has_variants": product_type.get("has_variants", True),
                "is_shipping_required": product_type.get("is_shipping_required", True),
                "weight_grams": product_type.get("weight_grams"),
            }
            for product_type in records
        ]
        product_types, _changed = sync_rows(
            model=ProductType,
            key_fields=("slug",),
            rows=rows,
            report=self.report,
            kind="product_types",
        )
        for model, key, kind in (
            (AttributeProduct, "product_attributes", "product_type_attributes"),
            (AttributeVariant, "variant_attributes", "product_type_variant_attributes"),
        ):
            link_rows = [
                {
                    "product_type_id": product_types[product_type["slug"]].pk,
                    "attribute_id": self.attributes[slug].pk,
                    "sort_order": index,
                }
                for product_type in records
                for index, slug in enumerate(product_type.get(key) or [])
            ]
            sync_owned_rows(
                owned=model.objects.filter(
                    product_type_id__in=[t.pk for t in product_types.values()]
                ),
                key_fields=("product_type_id", "attribute_id"),
                rows=link_rows,
                report=self.report,
                kind=kind,
            )
        return product_types

    # Vendors and warehouses ------------------------------------------------------------------

    def load_vendors(self) -> tuple[dict[str, Vendor], set[str]]:
        rows = [
            {
                "slug": vendor["slug"],
                "name": vendor["name"],
                "kind": vendor["kind"],
                "legal_name": vendor.get("legal_name", ""),
                "description": (vendor.get("description") or "").strip(),
                "town": vendor["town"],
                "village": vendor.get("village", ""),
                "contact_phone": vendor.get("contact_phone", ""),
                "status": vendor.get("status", "active"),
                "credit_code": vendor.get("credit_code", ""),
                "legal_representative": vendor.get("legal_representative", ""),
                "processes_food": vendor.get("processes_food", False),
                "sc_licence_number": vendor.get("sc_licence_number", ""),
                # Decimal from the text, so "0.03" stays 0.0300 and never goes through a float.
                "commission_rate": Decimal(str(vendor.get("commission_rate", 0))),
            }
            for vendor in self.seed.records("vendors")
        ]
        vendors, changed = sync_rows(
            model=Vendor, key_fields=("slug",), rows=rows, report=self.report, kind="vendors"
        )
        return vendors, changed

    def load_warehouses(self) -> dict[str, Warehouse]:
        records = self.seed.records("warehouses")
        rows = [
            {
                "slug": warehouse["slug"],
                "name": warehouse["name"],
                "company_name": warehouse.get("company_name", ""),
                "email": warehouse.get("email", ""),
                "street_address": warehouse.get("street_address", ""),
                "town": warehouse["town"],
                "city_area": self.county["name"],
                "city": self.county["city"],
                "country_area": self.county["province"],
                "postal_code": self.county.get("postal_code", ""),
                "phone": warehouse.get("phone", ""),
                "is_private": warehouse.get("is_private", True),
                "click_and_collect_option": warehouse.get("click_and_collect", "disabled"),
                "is_cold_chain": warehouse.get("is_cold_chain", False),
                "vendor_id": self.vendors[warehouse["vendor"]].pk
                if warehouse.get("vendor")
                else None,
            }
            for warehouse in records
        ]
        warehouses, _changed = sync_rows(
            model=Warehouse,
            key_fields=("slug",),
            rows=rows,
            report=self.report,
            kind="warehouses",
        )
        through = Warehouse.channels.through
        link_rows = [
            {"warehouse_id": warehouses[warehouse["slug"]].pk, "channel_id": self.channels[slug].pk}
            for warehouse in records
            for slug in warehouse.get("channels") or list(self.channels)
        ]
        sync_owned_rows(
            owned=through.objects.filter(warehouse_id__in=[w.pk for w in warehouses.values()]),
            key_fields=("warehouse_id", "channel_id"),
            rows=link_rows,
            report=self.report,
            kind="warehouse_channels",
        )
        return warehouses

    def load_stations(self) -> None:
        """The three-tier station network of stations.yaml (see backend/stations/seed.py)."""
        load_stations(self.seed.records("stations"), warehouses=self.warehouses, report=self.report)

    # Products and variants -------------------------------------------------------------------

    def load_products(self) -> dict[str, Product]:
        rows = []
        for product in self.products:
            description, plaintext = editorjs_description(product.get("description"))
            product_type = self.product_types[product["product_type"]]
            rows.append(
                {
                    "slug": product["slug"],
                    "name": product["name"],
                    "product_type_id": product_type.pk,
                    "category_id": self.categories[product["category"]].pk,
                    "vendor_id": self.vendors[product["vendor"]].pk
                    if product.get("vendor")
                    else None,
                    "description": description,
                    "description_plaintext": plaintext,
                    "weight_grams": product.get("weight_grams", product_type.weight_grams),
                    "seo_title": product.get("seo_title", ""),
                    "seo_description": product.get("seo_description", ""),
                }
            )
        products, changed = sync_rows(
            model=Product, key_fields=("slug",), rows=rows, report=self.report, kind="products"
        )
        self.report.changed_product_ids |= {products[slug].pk for slug in changed}
        return products

    def load_variants(self) -> dict[str, ProductVariant]:
        rows = []
        for product in self.products:
            product_id = self.product_rows[product["slug"]].pk
            for index, variant in enumerate(product["variants"]):
                rows.append(
                    {
                        "sku": variant["sku"],
                        "product_id": product_id,
                        "name": variant.get("name", ""),
                        "weight_grams": variant.get("weight_grams"),
                        "track_inventory": variant.get("track_inventory", True),
                        "quantity_limit_per_customer": variant.get("quantity_limit_per_customer"),
                        "sort_order": index,
                    }
                )
        variants, changed = sync_rows(
            model=ProductVariant,
            key_fields=("sku",),
            rows=rows,
            report=self.report,
            kind="variants",
        )
        self.report.changed_product_ids |= {variants[sku].product_id for sku in changed}
        return variants

    def load_attribute_assignments(self) -> None:
        product_rows, variant_rows = [], []
        for product in self.products:
            product_id = self.product_rows[product["slug"]].pk
            for index, value_id in enumerate(
                self._value_ids(product.get("attributes") or {}, product["slug"])
            ):
                product_rows.append(
                    {"product_id": product_id, "value_id": value_id, "sort_order": index}
                )
            for variant in product["variants"]:
                variant_id = self.variants[variant["sku"]].pk
                for index, value_id in enumerate(
                    self._value_ids(variant.get("attributes") or {}, variant["sku"])
                ):
                    variant_rows.append(
                        {"variant_id": variant_id, "value_id": value_id, "sort_order": index}
                    )
        changed, stale = sync_owned_rows(
            owned=AssignedProductAttributeValue.objects.filter(
                product_id__in=[p.pk for p in self.product_rows.values()]
            ),
            key_fields=("product_id", "value_id"),
            rows=product_rows,
            report=self.report,
            kind="product_attribute_values",
        )
        self.report.changed_product_ids |= {key[0] for key in [*changed, *stale]}
        variant_changed, variant_stale = sync_owned_rows(
            owned=AssignedVariantAttributeValue.objects.filter(
                variant_id__in=[v.pk for v in self.variants.values()]
            ),
            key_fields=("variant_id", "value_id"),
            rows=variant_rows,
            report=self.report,
            kind="variant_attribute_values",
        )
        product_of_variant = {v.pk: v.product_id for v in self.variants.values()}
        self.report.changed_product_ids |= {
            product_of_variant[key[0]] for key in [*variant_changed, *variant_stale]
        }

    # Prices, publication and stock -----------------------------------------------------------

    def load_channel_listings(self) -> None:
        """Per channel: publication of each product and the price of each variant.

        The product listing keeps the lowest variant price (discounted_price_amount) for
        sorting and price filters; a variant's discounted price starts equal to its price
        until a promotion lowers it.
        """
        product_ids = [p.pk for p in self.product_rows.values()]
        existing = {
            (listing.product_id, listing.channel_id): listing
            for listing in ProductChannelListing.objects.filter(product_id__in=product_ids)
        }
        product_rows, variant_rows = [], []
        for product in self.products:
            product_id = self.product_rows[product["slug"]].pk
            for channel_slug, options in product["channels"].items():
                channel = self.channels[channel_slug]
                prices = [
                    money(variant["prices"][channel_slug]["price"])
                    for variant in product["variants"]
                    if channel_slug in variant["prices"]
                ]
                current = existing.get((product_id, channel.pk))
                published = options.get("published", True)
                available = options.get("available_for_purchase", True)
                product_rows.append(
                    {
                        "product_id": product_id,
                        "channel_id": channel.pk,
                        "is_published": published,
                        "published_at": self._moment(
                            options.get("published_at"),
                            current.published_at if current else None,
                            wanted=published,
                        ),
                        "visible_in_listings": options.get("visible_in_listings", True),
                        "available_for_purchase_at": self._moment(
                            None,
                            current.available_for_purchase_at if current else None,
                            wanted=available,
                        ),
                        "currency": channel.currency_code,
                        "discounted_price_amount": min(prices) if prices else None,
                    }
                )
            for variant in product["variants"]:
                variant_id = self.variants[variant["sku"]].pk
                for channel_slug, prices in variant["prices"].items():
                    channel = self.channels[channel_slug]
                    price = money(prices["price"])
                    variant_rows.append(
                        {
                            "variant_id": variant_id,
                            "channel_id": channel.pk,
                            "currency": channel.currency_code,
                            "price_amount": price,
                            "cost_price_amount": _optional_money(prices.get("cost_price")),
                            "prior_price_amount": _optional_money(prices.get("prior_price")),
                            "discounted_price_amount": price,
                        }
                    )
        sync_rows(
            model=ProductChannelListing,
            key_fields=("product_id", "channel_id"),
            rows=product_rows,
            report=self.report,
            kind="product_channel_listings",
        )
        sync_rows(
            model=ProductVariantChannelListing,
            key_fields=("variant_id", "channel_id"),
            rows=variant_rows,
            report=self.report,
            kind="variant_channel_listings",
        )

    def _moment(self, given: str | None, current, *, wanted: bool):
        """A publication moment: the file's, else the one already stored, else now.

        Keeping the stored moment makes a second load write nothing; an unpublished listing
        has none.
        """
        if not wanted:
            return None
        if given:
            from django.utils.dateparse import parse_datetime

            moment = parse_datetime(given)
            if moment is not None and timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return moment
        return current or self.now

    def load_stock(self) -> None:
        """Stock quantities from the files, never below what orders have already allocated."""
        variant_ids = [v.pk for v in self.variants.values()]
        allocated = {
            (warehouse_id, variant_id): quantity
            for warehouse_id, variant_id, quantity in Stock.objects.filter(
                product_variant_id__in=variant_ids
            ).values_list("warehouse_id", "product_variant_id", "quantity_allocated")
        }
        rows = []
        for product in self.products:
            for variant in product["variants"]:
                variant_id = self.variants[variant["sku"]].pk
                for warehouse_slug, quantity in (variant.get("stock") or {}).items():
                    warehouse_id = self.warehouses[warehouse_slug].pk
                    rows.append(
                        {
                            "warehouse_id": warehouse_id,
                            "product_variant_id": variant_id,
                            "quantity": max(quantity, allocated.get((warehouse_id, variant_id), 0)),
                        }
                    )
        sync_rows(
            model=Stock,
            key_fields=("warehouse_id", "product_variant_id"),
            rows=rows,
            report=self.report,
            kind="stocks",
        )

    # Collections and media ---------------------------------------------------------------------

    def load_collections(self) -> None:
        records = self.seed.records("collections")
        rows = []
        for index, collection in enumerate(records):
            description, _plain = editorjs_description(collection.get("description"))
            rows.append(
                {
                    "slug": collection["slug"],
                    "name": collection["name"],
                    "description": description,
                    "sort_order": index,
                }
            )
        collections, _changed = sync_rows(
            model=Collection,
            key_fields=("slug",),
            rows=rows,
            report=self.report,
            kind="collections",
        )
        member_rows = [
            {
                "collection_id": collections[collection["slug"]].pk,
                "product_id": self.product_rows[slug].pk,
                "sort_order": index,
            }
            for collection in records
            for index, slug in enumerate(collection["products"])
        ]
        collection_ids = [c.pk for c in collections.values()]
        sync_owned_rows(
            owned=CollectionProduct.objects.filter(collection_id__in=collection_ids),
            key_fields=("collection_id", "product_id"),
            rows=member_rows,
            report=self.report,
            kind="collection_products",
        )
        existing = {
            (listing.collection_id, listing.channel_id): listing.published_at
            for listing in CollectionChannelListing.objects.filter(collection_id__in=collection_ids)
        }
        listing_rows = []
        for collection in records:
            collection_id = collections[collection["slug"]].pk
            published = collection.get("published", True)
            for channel in self.channels.values():
                listing_rows.append(
                    {
                        "collection_id": collection_id,
                        "channel_id": channel.pk,
                        "is_published": published,
                        "published_at": self._moment(
                            None, existing.get((collection_id, channel.pk)), wanted=published
                        ),
                    }
                )
        sync_rows(
            model=CollectionChannelListing,
            key_fields=("collection_id", "channel_id"),
            rows=listing_rows,
            report=self.report,
            kind="collection_channel_listings",
        )

    def load_media(self) -> None:
        """Attach each listed image once, recognised by the checksum of its content.

        An unchanged file is left alone; an edited file (new checksum) is added through the
        media service (validation, storage, thumbnails) and the image it replaces removed.
        """
        product_ids = [p.pk for p in self.product_rows.values()]
        existing: dict[int, dict[str, ProductMedia]] = defaultdict(dict)
        for media in ProductMedia.objects.filter(product_id__in=product_ids):
            existing[media.product_id].setdefault(media.checksum, media)
        stale: list[ProductMedia] = []
        for product in self.products:
            row = self.product_rows[product["slug"]]
            current = existing.get(row.pk, {})
            kept: set[str] = set()
            for index, image in enumerate(product.get("images") or []):
                content = (self.seed.root / image["file"]).read_bytes()
                checksum = hashlib.sha256(content).hexdigest()
                alt = image.get("alt", product["name"])
                kept.add(checksum)
                existing_media = current.get(checksum)
                if existing_media is None:
                    create_product_media(product=row, image_file=content, alt=alt, sort_order=index)
                    self.report.add("product_media", "created")
                elif existing_media.alt != alt or existing_media.sort_order != index:
                    existing_media.alt, existing_media.sort_order = alt, index
                    existing_media.save(update_fields=["alt", "sort_order"])
                    self.report.add("product_media", "updated")
                else:
                    self.report.add("product_media", "unchanged")
            stale.extend(media for checksum, media in current.items() if checksum not in kept)
        if stale:
            _delete_media_after_commit(stale)
            self.report.add("product_media", "deleted", len(stale))

    def reindex(self, renamed_categories: set[str], renamed_vendors: set[str]) -> None:
        """Rebuild the search text of products whose searchable words changed.

        A renamed category or vendor changes the text of every product in it; products
        flagged dirty by someone else (the dashboard, an import) are caught up at the same
        time.
        """
        ids = set(self.report.changed_product_ids)
        category_ids = [self.categories[slug].pk for slug in renamed_categories]
        vendor_ids = [self.vendors[slug].pk for slug in renamed_vendors]
        seeded_ids = [p.pk for p in self.product_rows.values()]
        ids.update(
            Product.objects.filter(pk__in=seeded_ids, search_index_dirty=True).values_list(
                "pk", flat=True
            )
        )
        if category_ids or vendor_ids:
            ids.update(
                Product.objects.filter(category_id__in=category_ids).values_list("pk", flat=True)
            )
            ids.update(
                Product.objects.filter(vendor_id__in=vendor_ids).values_list("pk", flat=True)
            )
        self.report.changed_product_ids = ids
        self.report.add("search_documents", "updated", reindex_products(ids) if ids else 0)


def _town_kind(name: str) -> str:
    if name.endswith(TownKind.SUBDISTRICT.value):
        return TownKind.SUBDISTRICT
    if name.endswith(TownKind.TOWNSHIP.value):
        return TownKind.TOWNSHIP
    return TownKind.TOWN


def _delete_unused(stale: QuerySet, report: SeedReport, kind: str) -> None:
    """Delete each row of `stale` that no protected reference holds; keep (and count as
    unchanged) the others. One savepoint per row: the refused delete must not spoil the load."""
    deleted = 0
    rows: list[Model] = list(stale)
    for row in rows:
        try:
            with transaction.atomic():
                row.delete()
        except (ProtectedError, RestrictedError):
            report.add(kind, "unchanged")
        else:
            deleted += 1
    if deleted:
        report.add(kind, "deleted", deleted)


def _optional_money(raw: Any) -> Decimal | None:
    return None if raw is None else money(raw)


def _delete_media_after_commit(media_list: list[ProductMedia]) -> None:
    """Delete rows now, files only once the deletion is committed (a rollback keeps both)."""
    names: list[tuple[Any, str]] = []
    for media in media_list:
        if media.image and media.image.name:
            names.append((media.image.storage, media.image.name))
        for thumbnail in media.thumbnails.all():
            if thumbnail.image.name:
                names.append((thumbnail.image.storage, thumbnail.image.name))
    ProductMedia.objects.filter(pk__in=[m.pk for m in media_list]).delete()

    def remove_files() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
