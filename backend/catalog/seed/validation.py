"""Checking a catalog seed before anything is written.

Two passes over every file: each file against its JSON Schema (shape, types, allowed values),
then the references between files (a product's category, vendor and warehouses exist, SKUs
are unique across all files, prices are not negative, a vendor's village lies in its town...).
Every problem is reported with file, key path and reason, so an editor fixes them all in one
go; the loader runs only when there are none.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from backend.catalog.media import ProductMediaError, inspect_image, read_upload
from backend.catalog.seed.files import SCHEMA_DIR, SeedDocument, SeedFiles
from backend.catalog.seed.issues import SeedIssue, key_path
from backend.catalog.seed.values import dropdown_choices, money, value_specs
from backend.stations.seed import station_seed_issues

SCHEMA_FOR_KIND = {
    "county": "county.json",
    "categories": "categories.json",
    "attributes": "attributes.json",
    "product_types": "product_types.json",
    "vendors": "vendors.json",
    "warehouses": "warehouses.json",
    "collections": "collections.json",
    "products": "products.json",
    "stations": "stations.json",
}


def default_schema_dir() -> Path:
    """The schemas ship with the seed; a county's own seed may bring none and use these."""
    from django.conf import settings

    return Path(settings.CATALOG_SEED_DIR) / SCHEMA_DIR


def load_validators(schema_dir: Path) -> dict[str, Draft202012Validator]:
    resources = []
    for path in sorted(schema_dir.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents)))
    registry: Registry = Registry().with_resources(resources)
    validators = {}
    for kind, name in SCHEMA_FOR_KIND.items():
        schema = registry[name].contents
        validators[kind] = Draft202012Validator(
            schema, registry=registry, format_checker=FormatChecker()
        )
    return validators


def validate_seed(seed: SeedFiles, *, schema_dir: Path | None = None) -> list[SeedIssue]:
    """All problems of the seed; an empty list means it can be loaded."""
    directory = schema_dir or seed.root / SCHEMA_DIR
    if not directory.is_dir():
        directory = default_schema_dir()
    validators = load_validators(directory)
    issues: list[SeedIssue] = []
    for document in seed.all_documents():
        issues.extend(_schema_issues(validators[document.kind], document))
    if issues:
        # References are only meaningful between files of the right shape.
        return issues
    return list(_ReferenceCheck(seed).issues())


def _schema_issues(validator: Draft202012Validator, document: SeedDocument) -> list[SeedIssue]:
    errors = sorted(validator.iter_errors(document.data), key=lambda e: list(e.absolute_path))
    return [
        SeedIssue(document.path, key_path(error.absolute_path) or "(根)", _schema_reason(error))
        for error in errors
    ]


def _schema_reason(error: ValidationError) -> str:
    """jsonschema's messages are English; editors of the seed read Chinese."""
    validator = error.validator
    value: Any = error.validator_value
    schema: Any = error.schema
    instance: Any = error.instance
    if validator == "required":
        missing = [name for name in value if name not in (instance or {})]
        return _("缺少必填项：%(keys)s") % {"keys": "、".join(missing)}
    if validator == "additionalProperties":
        allowed = set((schema.get("properties") or {}).keys())
        extra = [key for key in (instance or {}) if key not in allowed]
        return _("不认识的键：%(keys)s") % {"keys": "、".join(extra)}
    if validator == "type":
        return _("类型错误：应为 %(expected)s，实际是 %(actual)r") % {
            "expected": value,
            "actual": error.instance,
        }
    if validator in ("enum", "const"):
        choices = value if isinstance(value, list) else [value]
        return _("取值 %(actual)r 不在允许范围内：%(choices)s") % {
            "actual": error.instance,
            "choices": "、".join(str(choice) for choice in choices),
        }
    if validator == "pattern":
        return _("格式不正确：%(actual)r（应匹配 %(pattern)s）") % {
            "actual": error.instance,
            "pattern": value,
        }
    if validator in ("minimum", "exclusiveMinimum"):
        return _("数值 %(actual)s 小于允许的最小值 %(minimum)s") % {
            "actual": error.instance,
            "minimum": value,
        }
    if validator in ("minLength", "minItems", "minProperties"):
        return _("不能为空")
    if validator in ("maxLength", "maxItems"):
        return _("过长（上限 %(limit)s）") % {"limit": value}
    if validator == "uniqueItems":
        return _("列表中有重复项")
    if validator == "format":
        return _("格式不正确：%(actual)r 不是 %(format)s") % {
            "actual": error.instance,
            "format": value,
        }
    if validator in ("anyOf", "oneOf"):
        return _("取值 %(actual)r 不符合任何允许的形式") % {"actual": error.instance}
    return error.message


class _ReferenceCheck:
    """Cross-file checks, run once every file has the right shape."""

    def __init__(self, seed: SeedFiles) -> None:
        self.seed = seed
        self.found: list[SeedIssue] = []
        county_doc = seed.documents["county"]
        self.county_file = county_doc.path
        self.towns = county_doc.data["towns"]
        self.villages_by_town = {
            town["name"]: {village["name"] for village in town["villages"]} for town in self.towns
        }
        self.channels = {channel["slug"] for channel in county_doc.data["channels"]}
        self.categories: set[str] = set()
        self.attributes: dict[str, dict] = {}
        self.product_types: dict[str, dict] = {}
        self.vendors: set[str] = set()
        self.warehouses: set[str] = set()
        self.products: set[str] = set()

    def issue(self, document: SeedDocument, parts: list[str | int], reason: str) -> None:
        self.found.append(SeedIssue(document.path, key_path(parts), reason))

    def issues(self) -> Iterator[SeedIssue]:
        self.check_county()
        self.check_categories()
        self.check_attributes()
        self.check_product_types()
        self.check_vendors()
        self.check_warehouses()
        self.check_products()
        self.check_collections()
        self.check_stations()
        return iter(self.found)

    def _duplicates(
        self,
        document: SeedDocument,
        parts: list[str | int],
        key: str,
        seen: dict[str, str],
        label: str,
    ) -> bool:
        """Record key in seen; report a duplicate with where it was first defined."""
        if key in seen:
            self.issue(
                document,
                parts,
                _("重复的%(label)s“%(key)s”（首次出现在 %(first)s）")
                % {
                    "label": label,
                    "key": key,
                    "first": seen[key],
                },
            )
            return True
        seen[key] = f"{document.path} {key_path(parts[:-1])}"
        return False

    def check_county(self) -> None:
        document = self.seed.documents["county"]
        seen: dict[str, str] = {}
        for index, town in enumerate(self.towns):
            self._duplicates(document, ["towns", index, "name"], town["name"], seen, _("乡镇"))
        self.check_division_codes(document)
        seen = {}
        for index, channel in enumerate(document.data["channels"]):
            self._duplicates(
                document, ["channels", index, "slug"], channel["slug"], seen, _("渠道标识")
            )

    def check_categories(self) -> None:
        document = self.seed.documents["categories"]
        seen: dict[str, str] = {}

        def walk(nodes: list[dict], parts: list[str | int]) -> None:
            for index, node in enumerate(nodes):
                here = [*parts, index]
                if not self._duplicates(
                    document, [*here, "slug"], node["slug"], seen, _("分类标识")
                ):
                    self.categories.add(node["slug"])
                walk(node.get("children") or [], [*here, "children"])

        walk(document.data["categories"], ["categories"])

    def check_attributes(self) -> None:
        document = self.seed.documents["attributes"]
        seen: dict[str, str] = {}
        for index, attribute in enumerate(document.data["attributes"]):
            parts: list[str | int] = ["attributes", index]
            if self._duplicates(document, [*parts, "slug"], attribute["slug"], seen, _("属性标识")):
                continue
            self.attributes[attribute["slug"]] = attribute
            if attribute["input_type"] != "numeric" and attribute.get("unit"):
                self.issue(document, [*parts, "unit"], _("只有数值属性可以有单位"))
            value_slugs: dict[str, str] = {}
            value_names: dict[str, str] = {}
            for value_index, value in enumerate(attribute.get("values") or []):
                value_parts = [*parts, "values", value_index]
                self._duplicates(
                    document, [*value_parts, "slug"], value["slug"], value_slugs, _("属性值标识")
                )
                self._duplicates(
                    document, [*value_parts, "name"], value["name"], value_names, _("属性值名称")
                )

    def check_product_types(self) -> None:
        document = self.seed.documents["product_types"]
        seen: dict[str, str] = {}
        for index, product_type in enumerate(document.data["product_types"]):
            parts: list[str | int] = ["product_types", index]
            if self._duplicates(
                document, [*parts, "slug"], product_type["slug"], seen, _("商品类型标识")
            ):
                continue
            self.product_types[product_type["slug"]] = product_type
            on_product = product_type.get("product_attributes") or []
            on_variant = product_type.get("variant_attributes") or []
            for key, slugs in (
                ("product_attributes", on_product),
                ("variant_attributes", on_variant),
            ):
                for slug_index, slug in enumerate(slugs):
                    if slug not in self.attributes:
                        self.issue(
                            document,
                            [*parts, key, slug_index],
                            _("未知的属性“%(slug)s”（attributes.yaml 中没有）") % {"slug": slug},
                        )
            for slug in set(on_product) & set(on_variant):
                self.issue(
                    document,
                    [*parts, "variant_attributes"],
                    _("属性“%(slug)s”不能同时是商品属性和规格属性") % {"slug": slug},
                )

    def check_division_codes(self, document: SeedDocument) -> None:
        """Division codes are the keys addresses point at: unique, and a village's code
        extends its town's (as a town's extends the county's), the national pattern."""
        county_code = document.data["county"].get("code")
        codes: dict[str, str] = {}
        for index, town in enumerate(self.towns):
            parts: list[str | int] = ["towns", index]
            self._duplicates(document, [*parts, "code"], town["code"], codes, _("区划代码"))
            if county_code and not town["code"].startswith(county_code):
                self.issue(
                    document,
                    [*parts, "code"],
                    _("乡镇区划代码“%(code)s”应以本县代码 %(county)s 开头")
                    % {"code": town["code"], "county": county_code},
                )
            names: dict[str, str] = {}
            for number, village in enumerate(town["villages"]):
                village_parts: list[str | int] = [*parts, "villages", number]
                self._duplicates(
                    document, [*village_parts, "code"], village["code"], codes, _("区划代码")
                )
                self._duplicates(
                    document, [*village_parts, "name"], village["name"], names, _("村名")
                )
                if not village["code"].startswith(town["code"]):
                    self.issue(
                        document,
                        [*village_parts, "code"],
                        _("村的区划代码“%(code)s”应以所属乡镇的代码 %(town)s 开头")
                        % {"code": village["code"], "town": town["code"]},
                    )

    def _check_place(self, document: SeedDocument, parts: list[str | int], record: dict) -> None:
        town = record["town"]
        if town not in self.villages_by_town:
            self.issue(
                document,
                [*parts, "town"],
                _("乡镇“%(town)s”不在 %(file)s 的 towns 中")
                % {"town": town, "file": self.county_file},
            )
            return
        village = record.get("village")
        if village and village not in self.villages_by_town[town]:
            self.issue(
                document,
                [*parts, "village"],
                _("村“%(village)s”不属于%(town)s（见 %(file)s）")
                % {"village": village, "town": town, "file": self.county_file},
            )

    def check_vendors(self) -> None:
        document = self.seed.documents["vendors"]
        seen: dict[str, str] = {}
        for index, vendor in enumerate(document.data["vendors"]):
            parts: list[str | int] = ["vendors", index]
            if not self._duplicates(
                document, [*parts, "slug"], vendor["slug"], seen, _("商家标识")
            ):
                self.vendors.add(vendor["slug"])
            self._check_place(document, parts, vendor)

    def check_warehouses(self) -> None:
        document = self.seed.documents["warehouses"]
        seen: dict[str, str] = {}
        for index, warehouse in enumerate(document.data["warehouses"]):
            parts: list[str | int] = ["warehouses", index]
            if not self._duplicates(
                document, [*parts, "slug"], warehouse["slug"], seen, _("仓库标识")
            ):
                self.warehouses.add(warehouse["slug"])
            self._check_place(document, parts, warehouse)
            vendor = warehouse.get("vendor")
            if vendor and vendor not in self.vendors:
                self.issue(
                    document,
                    [*parts, "vendor"],
                    _("未知的商家“%(slug)s”（vendors.yaml 中没有）") % {"slug": vendor},
                )
            for channel_index, channel in enumerate(warehouse.get("channels") or []):
                if channel not in self.channels:
                    self.issue(
                        document,
                        [*parts, "channels", channel_index],
                        _("未知的渠道“%(slug)s”") % {"slug": channel},
                    )

    def check_products(self) -> None:
        seen_slugs: dict[str, str] = {}
        seen_skus: dict[str, str] = {}
        for document in self.seed.products:
            for index, product in enumerate(document.data["products"]):
                self._check_product(document, ["products", index], product, seen_slugs, seen_skus)

    def _check_product(
        self,
        document: SeedDocument,
        parts: list[str | int],
        product: dict,
        seen_slugs: dict[str, str],
        seen_skus: dict[str, str],
    ) -> None:
        if not self._duplicates(
            document, [*parts, "slug"], product["slug"], seen_slugs, _("商品标识")
        ):
            self.products.add(product["slug"])
        product_type = self.product_types.get(product["product_type"])
        if product_type is None:
            self.issue(
                document,
                [*parts, "product_type"],
                _("未知的商品类型“%(slug)s”（product_types.yaml 中没有）")
                % {"slug": product["product_type"]},
            )
        if product["category"] not in self.categories:
            self.issue(
                document,
                [*parts, "category"],
                _("未知的分类“%(slug)s”（categories.yaml 中没有）") % {"slug": product["category"]},
            )
        vendor = product.get("vendor")
        if vendor and vendor not in self.vendors:
            self.issue(
                document,
                [*parts, "vendor"],
                _("未知的商家“%(slug)s”（vendors.yaml 中没有）") % {"slug": vendor},
            )
        listed_channels = set(product["channels"])
        for channel in product["channels"]:
            if channel not in self.channels:
                self.issue(
                    document,
                    [*parts, "channels", channel],
                    _("未知的渠道“%(slug)s”") % {"slug": channel},
                )
        for image_index, image in enumerate(product.get("images") or []):
            self._check_image(document, [*parts, "images", image_index, "file"], image["file"])
        if product_type is not None:
            self._check_attributes(
                document,
                [*parts, "attributes"],
                product.get("attributes") or {},
                product_type.get("product_attributes") or [],
                owner_key=product["slug"],
                level=_("商品"),
            )
            if not product_type.get("has_variants", True) and len(product["variants"]) > 1:
                self.issue(
                    document,
                    [*parts, "variants"],
                    _("商品类型“%(slug)s”没有多规格，只能有一个规格")
                    % {"slug": product_type["slug"]},
                )
        for variant_index, variant in enumerate(product["variants"]):
            variant_parts = [*parts, "variants", variant_index]
            self._duplicates(document, [*variant_parts, "sku"], variant["sku"], seen_skus, "SKU")
            if product_type is not None:
                self._check_attributes(
                    document,
                    [*variant_parts, "attributes"],
                    variant.get("attributes") or {},
                    product_type.get("variant_attributes") or [],
                    owner_key=variant["sku"],
                    level=_("规格"),
                )
            self._check_prices(document, variant_parts, variant, listed_channels)
            for warehouse, quantity in (variant.get("stock") or {}).items():
                if warehouse not in self.warehouses:
                    self.issue(
                        document,
                        [*variant_parts, "stock", warehouse],
                        _("未知的仓库“%(slug)s”（warehouses.yaml 中没有）") % {"slug": warehouse},
                    )
                if quantity < 0:
                    self.issue(
                        document,
                        [*variant_parts, "stock", warehouse],
                        _("库存数量不能为负数：%(quantity)s") % {"quantity": quantity},
                    )
            if variant.get("stock") and variant.get("track_inventory") is False:
                self.issue(document, [*variant_parts, "stock"], _("不跟踪库存的规格不能填写库存"))

    def _check_prices(
        self,
        document: SeedDocument,
        parts: list[str | int],
        variant: dict,
        listed_channels: set[str],
    ) -> None:
        for channel, prices in variant["prices"].items():
            if channel not in listed_channels:
                self.issue(
                    document,
                    [*parts, "prices", channel],
                    _("商品没有在渠道“%(slug)s”上架（见商品的 channels）") % {"slug": channel},
                )
            for field_name, raw in prices.items():
                try:
                    amount = money(raw)
                except InvalidOperation:
                    self.issue(
                        document,
                        [*parts, "prices", channel, field_name],
                        _("“%(value)s”不是金额") % {"value": raw},
                    )
                    continue
                if amount < 0:
                    self.issue(
                        document,
                        [*parts, "prices", channel, field_name],
                        _("价格不能为负数：%(amount)s") % {"amount": raw},
                    )
                elif amount != amount.quantize(Decimal("0.01")):
                    self.issue(
                        document,
                        [*parts, "prices", channel, field_name],
                        _("金额最多两位小数（精确到分）：%(amount)s") % {"amount": raw},
                    )
        for channel in sorted(listed_channels - set(variant["prices"])):
            self.issue(
                document,
                [*parts, "prices"],
                _("商品在渠道“%(slug)s”上架，但该规格没有价格") % {"slug": channel},
            )

    def _check_attributes(
        self,
        document: SeedDocument,
        parts: list[str | int],
        values: dict[str, Any],
        allowed: list[str],
        *,
        owner_key: str,
        level: str,
    ) -> None:
        for slug, raw in values.items():
            attribute = self.attributes.get(slug)
            if attribute is None:
                self.issue(
                    document,
                    [*parts, slug],
                    _("未知的属性“%(slug)s”（attributes.yaml 中没有）") % {"slug": slug},
                )
                continue
            if slug not in allowed:
                self.issue(
                    document,
                    [*parts, slug],
                    _("属性“%(slug)s”不是该商品类型的%(level)s属性（可用：%(allowed)s）")
                    % {"slug": slug, "level": level, "allowed": "、".join(allowed) or "-"},
                )
                continue
            try:
                value_specs(
                    attribute=attribute,
                    raw=raw,
                    owner_key=owner_key,
                    choices=dropdown_choices(attribute, self.towns),
                )
            except ValueError as exc:
                self.issue(document, [*parts, slug], str(exc))
        for slug in allowed:
            attribute = self.attributes.get(slug)
            if attribute and attribute.get("value_required") and slug not in values:
                self.issue(document, [*parts], _("缺少必填属性“%(slug)s”") % {"slug": slug})

    def _check_image(self, document: SeedDocument, parts: list[str | int], name: str) -> None:
        path = (self.seed.root / name).resolve()
        if not path.is_relative_to(self.seed.root.resolve()):
            self.issue(
                document, parts, _("图片路径不能指向种子目录之外：%(file)s") % {"file": name}
            )
            return
        if not path.is_file():
            self.issue(document, parts, _("图片文件不存在：%(file)s") % {"file": name})
            return
        try:
            with path.open("rb") as handle:
                inspect_image(read_upload(handle))
        except ProductMediaError as exc:
            self.issue(document, parts, f"{exc.message}（{exc.code}）")

    def check_collections(self) -> None:
        document = self.seed.documents["collections"]
        seen: dict[str, str] = {}
        for index, collection in enumerate(document.data["collections"]):
            parts: list[str | int] = ["collections", index]
            self._duplicates(document, [*parts, "slug"], collection["slug"], seen, _("专题标识"))
            for product_index, slug in enumerate(collection["products"]):
                if slug not in self.products:
                    self.issue(
                        document,
                        [*parts, "products", product_index],
                        _("未知的商品“%(slug)s”（products/ 中没有）") % {"slug": slug},
                    )

    def check_stations(self) -> None:
        document = self.seed.documents["stations"]
        for parts, reason in station_seed_issues(
            document.data["stations"], towns=self.towns, warehouses=self.warehouses
        ):
            self.issue(document, parts, reason)


def group_by_file(issues: list[SeedIssue]) -> dict[str, list[SeedIssue]]:
    grouped: dict[str, list[SeedIssue]] = defaultdict(list)
    for issue in issues:
        grouped[issue.file].append(issue)
    return dict(grouped)
