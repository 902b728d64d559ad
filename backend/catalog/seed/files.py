"""Reading the seed directory: which files make a catalog seed and how they are parsed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from backend.catalog.seed.issues import SeedIssue

# One file per kind of record; products may be split over any number of files in products/
# so that each producer group can be edited (and reviewed) on its own.
SINGLE_FILES = {
    "county": "county.yaml",
    "categories": "categories.yaml",
    "attributes": "attributes.yaml",
    "product_types": "product_types.yaml",
    "vendors": "vendors.yaml",
    "warehouses": "warehouses.yaml",
    "collections": "collections.yaml",
    "stations": "stations.yaml",
}
PRODUCTS_DIR = "products"
SCHEMA_DIR = "schema"


@dataclass
class SeedDocument:
    kind: str
    path: str
    data: Any


@dataclass
class SeedFiles:
    root: Path
    documents: dict[str, SeedDocument] = field(default_factory=dict)
    products: list[SeedDocument] = field(default_factory=list)

    def all_documents(self) -> list[SeedDocument]:
        return [*self.documents.values(), *self.products]

    def records(self, kind: str) -> list[dict]:
        document = self.documents.get(kind)
        if document is None or not isinstance(document.data, dict):
            return []
        return document.data.get(kind) or []


def read_seed_files(root: Path) -> tuple[SeedFiles, list[SeedIssue]]:
    """Parse every YAML file of the seed; unreadable files become issues, not exceptions."""
    seed = SeedFiles(root=root)
    issues: list[SeedIssue] = []
    if not root.is_dir():
        issues.append(SeedIssue(str(root), "", _("目录不存在")))
        return seed, issues
    for kind, name in SINGLE_FILES.items():
        data, issue = _parse(root / name, name)
        if issue:
            issues.append(issue)
            continue
        seed.documents[kind] = SeedDocument(kind=kind, path=name, data=data)
    product_files = sorted((root / PRODUCTS_DIR).glob("*.yaml"))
    if not product_files:
        issues.append(SeedIssue(f"{PRODUCTS_DIR}/", "", _("没有找到商品文件（*.yaml）")))
    for file_path in product_files:
        relative = f"{PRODUCTS_DIR}/{file_path.name}"
        data, issue = _parse(file_path, relative)
        if issue:
            issues.append(issue)
            continue
        seed.products.append(SeedDocument(kind="products", path=relative, data=data))
    return seed, issues


def _parse(path: Path, relative: str) -> tuple[Any, SeedIssue | None]:
    if not path.is_file():
        return None, SeedIssue(relative, "", _("文件不存在"))
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, SeedIssue(
            relative, where, _("YAML 语法错误：%(problem)s") % {"problem": problem}
        )
    except UnicodeDecodeError:
        return None, SeedIssue(relative, "", _("文件不是 UTF-8 编码"))
    return _plain(data), None


def _plain(value: Any) -> Any:
    """YAML turns 2024-10-20 into a date; the schema and the loader work on ISO strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value
