"""The county's catalog seed: YAML files in `catalog_seed/`, validated and loaded idempotently.

Public surface:
- `load_catalog_seed(path=...)`: validate every file, then load them in one transaction.
- `check_seed(path=...)`: validate only; raises `SeedValidationError` with every issue.
- `generate_synthetic_products(count=...)`: numbered products for load tests.
"""

from backend.catalog.seed.issues import SeedIssue
from backend.catalog.seed.loader import (
    SeedValidationError,
    check_seed,
    editorjs_description,
    load_catalog_seed,
)
from backend.catalog.seed.sync import SeedReport
from backend.catalog.seed.synthetic import SyntheticCatalogError, generate_synthetic_products

__all__ = [
    "SeedIssue",
    "SeedReport",
    "SeedValidationError",
    "SyntheticCatalogError",
    "check_seed",
    "editorjs_description",
    "generate_synthetic_products",
    "load_catalog_seed",
]
