"""Bulk listing import from the XLSX/CSV template (issue #6).

A cooperative fills one row per variant (SKU): rows with the same 商品名称 are one product with
several variants. The file is checked row by row — every problem gets its row number, column,
a Chinese message and a stable code — and then written by the service the workspace's "new
product" page uses (backend.listings.services.create_vendor_product: a draft listing of the
vendor, priced in every active channel, with its stock), so an imported product is exactly
what the page or the API would have made, under the same rules.

The issue's rule: a file with any error imports nothing, unless the vendor chooses
"import valid rows" (导入有效行); then the valid rows are imported, all in one transaction,
and the others are listed in the result and in a downloadable error report. (A file with
more than SYNC_IMPORT_ROWS rows to write is written by a background job in chunks of its own
transactions: backend/listings/import_jobs.py.) Imported products
are draft listings of the importing vendor, unpublished in every channel: an import never puts
anything on sale (the listing review does that).

Reads are bulk (categories, product types, the vendor's warehouses, the SKUs already taken and
the origin values are fetched once per file), so the statements per row are those of the
catalog services alone.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.catalog import services as catalog
from backend.catalog.models import (
    Attribute,
    AttributeProduct,
    Category,
    ProductType,
    ProductVariant,
)
from backend.channel.models import Channel
from backend.core import audit
from backend.inventory.models import Warehouse
from backend.listings.import_table import Table, TableError, read_table
from backend.listings.services import create_vendor_product
from backend.vendors.models import Vendor, VendorStatus
from backend.vendors.scoping import require_vendor


class ImportErrorCode(models.TextChoices):
    NOT_VENDOR_STAFF = "NOT_VENDOR_STAFF"
    VENDOR_INACTIVE = "VENDOR_INACTIVE"
    FILE_REQUIRED = "FILE_REQUIRED"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"
    ENCODING = "ENCODING"
    EMPTY_FILE = "EMPTY_FILE"
    TOO_MANY_ROWS = "TOO_MANY_ROWS"
    NO_CHANNEL = "NO_CHANNEL"
    MISSING_COLUMN = "MISSING_COLUMN"
    DUPLICATE_COLUMN = "DUPLICATE_COLUMN"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID = "INVALID"
    INVALID_PRICE = "INVALID_PRICE"
    INVALID_WEIGHT = "INVALID_WEIGHT"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    NOT_FOUND = "NOT_FOUND"
    AMBIGUOUS = "AMBIGUOUS"
    WAREHOUSE_REQUIRED = "WAREHOUSE_REQUIRED"
    DUPLICATE_ROW = "DUPLICATE_ROW"
    DUPLICATE_SKU = "DUPLICATE_SKU"
    SKU_EXISTS = "SKU_EXISTS"
    INCONSISTENT_PRODUCT = "INCONSISTENT_PRODUCT"
    SINGLE_VARIANT_TYPE = "SINGLE_VARIANT_TYPE"
    PRODUCT_NOT_CREATED = "PRODUCT_NOT_CREATED"


Code = ImportErrorCode


@dataclass(frozen=True)
class Column:
    """A column of the template; `hint` is what the instructions say about filling it."""

    key: str
    header: str
    required: bool
    hint: str | Promise
    aliases: tuple[str, ...] = ()
    max_length: int = 250


COLUMNS: tuple[Column, ...] = (
    Column("name", "商品名称", True, gettext_lazy("必填。同名的多行是同一商品的不同规格。")),
    Column("category", "分类", True, gettext_lazy("必填。分类名称或标识，见下方可选分类。")),
    Column(
        "product_type",
        "商品类型",
        True,
        gettext_lazy("必填。商品类型名称或标识，见下方可选类型。"),
        aliases=("类型",),
    ),
    Column(
        "sku",
        "SKU",
        True,
        gettext_lazy("必填。每个规格一个货号，全平台唯一，如 DM-5KG。"),
        aliases=("货号", "规格编码"),
        max_length=255,
    ),
    Column("variant_name", "规格", False, gettext_lazy("选填。如“5kg 袋装”。"), max_length=255),
    Column(
        "price",
        "价格（元）",
        True,
        gettext_lazy("必填。大于 0，最多两位小数，如 39.90。"),
        aliases=("价格", "售价", "单价", "价格元"),
    ),
    Column(
        "weight",
        "重量（千克）",
        False,
        gettext_lazy("选填。每件的发货重量，千克，最多三位小数；不填则用商品类型的默认重量。"),
        aliases=("重量", "重量kg", "重量千克"),
    ),
    Column(
        "quantity",
        "库存",
        False,
        gettext_lazy("选填。不小于 0 的整数；不填则不建立库存。"),
        aliases=("库存数量", "数量"),
    ),
    Column(
        "warehouse",
        "仓库",
        False,
        gettext_lazy("填了库存时必填（本商家只有一个仓库时可不填）。仓库名称或标识。"),
    ),
    Column(
        "description",
        "描述",
        False,
        gettext_lazy("选填。商品介绍，同名商品只在第一行填写即可。"),
        aliases=("商品描述", "商品介绍"),
        max_length=5000,
    ),
    Column(
        "origin",
        "产地",
        False,
        gettext_lazy("选填。乡镇名称，见下方可选产地；商品类型须带“产地”属性。"),
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
# Columns describing the product rather than the variant: the first row of a product gives
# them, later rows of the same product may leave them blank or must repeat the same value.
PRODUCT_COLUMNS = ("category", "product_type", "description", "origin")
# The column the error report adds; ignored on upload, so a corrected report can be re-sent.
REPORT_COLUMN = "错误"
ORIGIN_ATTRIBUTE = "origin"
MAX_PRICE = Decimal("10000000")
MAX_WEIGHT_KG = Decimal("1000")
MAX_QUANTITY = 1_000_000


def normalise(text: str) -> str:
    """How names and headers are compared: full-width and half-width alike (NFKC turns
    “（元）” into “(元)”), without spaces, an asterisk or the case."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*()").lower()


HEADER_KEYS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases, _column.key):
        HEADER_KEYS[normalise(_name)] = _column.key


@dataclass
class ImportProblem:
    """One problem: `row` is the spreadsheet row (1 is the header; None the whole file),
    `column` the header text as in the template."""

    message: str
    code: str
    row: int | None = None
    column: str | None = None


@dataclass
class ImportRow:
    number: int
    cells: list[str]
    values: dict[str, str]
    problems: list[ImportProblem] = field(default_factory=list)
    category: Category | None = None
    product_type: ProductType | None = None
    price: Decimal | None = None
    weight_grams: int | None = None
    quantity: int | None = None
    warehouse: Warehouse | None = None
    origin: str | None = None
    imported: bool = False

    def fail(self, column: str | None, message: str, code: str) -> None:
        header = COLUMN_BY_KEY[column].header if column in COLUMN_BY_KEY else column
        self.problems.append(
            ImportProblem(message=message, code=code, row=self.number, column=header)
        )

    def has_problem_in(self, key: str) -> bool:
        header = COLUMN_BY_KEY[key].header
        return any(problem.column == header for problem in self.problems)

    @property
    def product_key(self) -> str:
        return normalise(self.values.get("name", ""))


@dataclass
class ImportResult:
    vendor: Vendor
    import_valid_rows: bool
    # Header as read and the rows with their problems: what the error report is made from.
    header: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    file_problems: list[ImportProblem] = field(default_factory=list)
    created_products: int = 0
    created_variants: int = 0
    report_token: str | None = None
    file_name: str = ""
    # Filled by the checks when something is to be written: the rows to write, one list per
    # product in the order of its first row, and the lookups the rows were checked with.
    groups: list[list[ImportRow]] = field(default_factory=list)
    lookups: Lookups | None = None

    @property
    def problems(self) -> list[ImportProblem]:
        return [*self.file_problems, *(p for row in self.rows for p in row.problems)]

    @property
    def total_rows(self) -> int:
        return len(self.rows)

    @property
    def imported_rows(self) -> int:
        return sum(1 for row in self.rows if row.imported)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.problems)

    @property
    def rows_to_import(self) -> int:
        return sum(len(group) for group in self.groups)

    @property
    def imported(self) -> bool:
        return self.created_variants > 0


# Bulk lookups -------------------------------------------------------------------------------


@dataclass
class Lookups:
    categories: dict[str, list[Category]]
    product_types: dict[str, list[ProductType]]
    warehouses: dict[str, list[Warehouse]]
    only_warehouse: Warehouse | None
    taken_skus: set[str]
    origins: dict[str, str]  # normalised name or slug -> value name
    types_with_origin: set[int]
    origin_attribute: Attribute | None


def _index(rows) -> dict[str, list]:
    found: dict[str, list] = defaultdict(list)
    for row in rows:
        keys = {normalise(row.name), normalise(row.slug)}
        for key in keys:
            found[key].append(row)
    return found


def load_lookups(vendor: Vendor, skus: list[str]) -> Lookups:
    """Everything the rows refer to, in six reads whatever the number of rows."""
    warehouses = list(Warehouse.objects.filter(vendor=vendor).order_by("name", "pk"))
    origin = Attribute.objects.filter(slug=ORIGIN_ATTRIBUTE).first()
    origins: dict[str, str] = {}
    types_with_origin: set[int] = set()
    if origin is not None:
        for slug, name in origin.values.values_list("slug", "name"):
            origins[normalise(slug)] = name
            origins[normalise(name)] = name
        types_with_origin = set(
            AttributeProduct.objects.filter(attribute=origin).values_list(
                "product_type_id", flat=True
            )
        )
    return Lookups(
        categories=_index(Category.objects.all()),
        product_types=_index(ProductType.objects.all()),
        warehouses=_index(warehouses),
        only_warehouse=warehouses[0] if len(warehouses) == 1 else None,
        taken_skus=set(
            ProductVariant.objects.filter(sku__in=[sku for sku in skus if sku]).values_list(
                "sku", flat=True
            )
        ),
        origins=origins,
        types_with_origin=types_with_origin,
        origin_attribute=origin,
    )


# Header and cells ---------------------------------------------------------------------------


def map_header(header: list[str]) -> tuple[dict[str, int], list[ImportProblem], bool]:
    """Column key -> position; the problems; whether the rows can be read at all (every
    required column present, none twice)."""
    positions: dict[str, int] = {}
    problems: list[ImportProblem] = []
    readable = True
    for index, text in enumerate(header):
        if not text or normalise(text) == normalise(REPORT_COLUMN):
            continue
        key = HEADER_KEYS.get(normalise(text))
        if key is None:
            message = _("未知的列“%(name)s”，请使用模板中的列名。") % {"name": text}
            problems.append(ImportProblem(message, Code.UNKNOWN_COLUMN, row=1, column=text))
        elif key in positions:
            readable = False
            message = _("列“%(name)s”出现了两次。") % {"name": text}
            problems.append(ImportProblem(message, Code.DUPLICATE_COLUMN, row=1, column=text))
        else:
            positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            readable = False
            problems.append(
                ImportProblem(
                    _("缺少必填列“%(name)s”。") % {"name": column.header},
                    Code.MISSING_COLUMN,
                    row=1,
                    column=column.header,
                )
            )
    return positions, problems, readable


def _decimal(text: str) -> Decimal | None:
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("¥", "")
    cleaned = cleaned.removesuffix("元").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _lookup(row: ImportRow, key: str, index: dict[str, list], label: str):
    text = row.values.get(key, "")
    found = index.get(normalise(text), [])
    if not found:
        row.fail(
            key,
            _("没有名为“%(value)s”的%(label)s，可选值见“填写说明”。")
            % {"value": text, "label": label},
            Code.NOT_FOUND,
        )
        return None
    if len(found) > 1:
        row.fail(
            key,
            _("有多个名为“%(value)s”的%(label)s，请改填标识。") % {"value": text, "label": label},
            Code.AMBIGUOUS,
        )
        return None
    return found[0]


def check_cells(row: ImportRow, lookups: Lookups, *, first_of_product: bool = True) -> None:
    """Each cell on its own: required, length, number formats, names that must exist. Later
    rows of a product may leave the product's columns blank (they take the first row's)."""
    values = row.values
    for column in COLUMNS:
        text = values.get(column.key, "")
        inherited = not first_of_product and column.key in PRODUCT_COLUMNS
        if column.required and not text and not inherited:
            row.fail(column.key, _("“%(name)s”必须填写。") % {"name": column.header}, Code.REQUIRED)
        elif len(text) > column.max_length:
            row.fail(
                column.key,
                _("“%(name)s”最多 %(max)d 个字。")
                % {"name": column.header, "max": column.max_length},
                Code.TOO_LONG,
            )
    if values.get("category") and not row.has_problem_in("category"):
        row.category = _lookup(row, "category", lookups.categories, _("分类"))
    if values.get("product_type") and not row.has_problem_in("product_type"):
        row.product_type = _lookup(row, "product_type", lookups.product_types, _("商品类型"))
    sku = values.get("sku", "")
    if sku and any(ch.isspace() for ch in sku):
        row.fail("sku", _("SKU 不能包含空格。"), Code.INVALID)
    elif sku in lookups.taken_skus:
        row.fail("sku", _("SKU“%(sku)s”已被使用。") % {"sku": sku}, Code.SKU_EXISTS)
    if values.get("price"):
        row.price = _check_price(row, values["price"])
    if values.get("weight"):
        row.weight_grams = _check_weight(row, values["weight"])
    if values.get("quantity"):
        row.quantity = _check_quantity(row, values["quantity"])
    _check_warehouse(row, lookups)
    if values.get("origin"):
        row.origin = lookups.origins.get(normalise(values["origin"]))
        if row.origin is None:
            row.fail(
                "origin",
                _("没有名为“%(value)s”的产地，可选值见“填写说明”。") % {"value": values["origin"]},
                Code.NOT_FOUND,
            )
        elif row.product_type and row.product_type.pk not in lookups.types_with_origin:
            row.fail(
                "origin",
                _("商品类型“%(type)s”没有“产地”属性，请留空。") % {"type": row.product_type.name},
                Code.INVALID,
            )


def _check_price(row: ImportRow, text: str) -> Decimal | None:
    price = _decimal(text)
    if price is None:
        row.fail("price", _("价格“%(value)s”不是数字。") % {"value": text}, Code.INVALID_PRICE)
    elif price <= 0:
        row.fail("price", _("价格必须大于 0。"), Code.INVALID_PRICE)
    elif price != price.quantize(Decimal("0.01")):
        row.fail("price", _("价格最多保留两位小数（分）。"), Code.INVALID_PRICE)
    elif price >= MAX_PRICE:
        row.fail("price", _("价格过大。"), Code.INVALID_PRICE)
    else:
        return price.quantize(Decimal("0.01"))
    return None


def _check_weight(row: ImportRow, text: str) -> int | None:
    weight = _decimal(text.lower().removesuffix("kg").removesuffix("千克"))
    if weight is None:
        row.fail("weight", _("重量“%(value)s”不是数字。") % {"value": text}, Code.INVALID_WEIGHT)
    elif weight <= 0:
        row.fail("weight", _("重量必须大于 0。"), Code.INVALID_WEIGHT)
    elif weight != weight.quantize(Decimal("0.001")):
        row.fail("weight", _("重量以千克为单位，最多三位小数（克）。"), Code.INVALID_WEIGHT)
    elif weight > MAX_WEIGHT_KG:
        row.fail("weight", _("重量不能超过 1000 千克。"), Code.INVALID_WEIGHT)
    else:
        return int(weight * 1000)
    return None


def _check_quantity(row: ImportRow, text: str) -> int | None:
    number = _decimal(text)
    if number is None or number != number.to_integral_value():
        row.fail(
            "quantity", _("库存“%(value)s”应为整数。") % {"value": text}, Code.INVALID_QUANTITY
        )
    elif number < 0:
        row.fail("quantity", _("库存不能为负数。"), Code.INVALID_QUANTITY)
    elif number > MAX_QUANTITY:
        row.fail("quantity", _("库存不能超过 1000000。"), Code.INVALID_QUANTITY)
    else:
        return int(number)
    return None


def _check_warehouse(row: ImportRow, lookups: Lookups) -> None:
    text = row.values.get("warehouse", "")
    if text:
        # Only the vendor's own warehouses are looked up: another vendor's is "not found",
        # exactly like one that does not exist (backend/vendors/scoping.py).
        row.warehouse = _lookup(row, "warehouse", lookups.warehouses, _("本商家仓库"))
    elif row.values.get("quantity"):
        row.warehouse = lookups.only_warehouse
        if row.warehouse is None:
            row.fail(
                "warehouse",
                _("填写了库存，请填写放在哪个仓库。")
                if lookups.warehouses
                else _("您还没有仓库，请先在工作台添加仓库，或把库存留空。"),
                Code.WAREHOUSE_REQUIRED,
            )


def check_across_rows(rows: list[ImportRow]) -> None:
    """What only the whole file shows: repeated rows and SKUs, and the rows of one product
    disagreeing about its category, type, description or origin."""
    seen_rows: dict[tuple, int] = {}
    seen_skus: dict[str, int] = {}
    first_of_product: dict[str, ImportRow] = {}
    for row in rows:
        signature = tuple(normalise(cell) for cell in row.cells)
        if signature in seen_rows:
            row.fail(
                None,
                _("与第 %(row)d 行完全相同。") % {"row": seen_rows[signature]},
                Code.DUPLICATE_ROW,
            )
            continue
        seen_rows[signature] = row.number
        sku = row.values.get("sku", "")
        if sku:
            if sku.lower() in seen_skus:
                row.fail(
                    "sku",
                    _("SKU“%(sku)s”与第 %(row)d 行重复。")
                    % {"sku": sku, "row": seen_skus[sku.lower()]},
                    Code.DUPLICATE_SKU,
                )
            else:
                seen_skus[sku.lower()] = row.number
        key = row.product_key
        if not key:
            continue
        first = first_of_product.get(key)
        if first is None:
            first_of_product[key] = row
            continue
        for column in PRODUCT_COLUMNS:
            if not row.values.get(column) or row.has_problem_in(column):
                continue
            if _product_value(row, column) != _product_value(first, column):
                row.fail(
                    column,
                    _("同一商品的“%(name)s”应与第 %(row)d 行相同（或留空）。")
                    % {"name": COLUMN_BY_KEY[column].header, "row": first.number},
                    Code.INCONSISTENT_PRODUCT,
                )
        product_type = first.product_type
        if product_type is not None and not product_type.has_variants:
            row.fail(
                "name",
                _("商品类型“%(type)s”只有一个规格，同一商品只能填一行。")
                % {"type": product_type.name},
                Code.SINGLE_VARIANT_TYPE,
            )


def _product_value(row: ImportRow, column: str):
    """What the row says about its product: the category or type it names (by name or
    slug alike), the origin value, the description's text."""
    if column == "category":
        return row.category.pk if row.category else normalise(row.values.get(column, ""))
    if column == "product_type":
        return row.product_type.pk if row.product_type else normalise(row.values.get(column, ""))
    if column == "origin":
        return row.origin or normalise(row.values.get(column, ""))
    return normalise(row.values.get(column, ""))


def read_rows(table: Table, positions: dict[str, int]) -> list[ImportRow]:
    rows = []
    for number, cells in table.rows:
        values = {
            key: (cells[index] if index < len(cells) else "").strip()
            for key, index in positions.items()
        }
        rows.append(ImportRow(number=number, cells=cells, values=values))
    return rows


# Writing ------------------------------------------------------------------------------------

# The catalog services name the input field; the import names the column.
SERVICE_FIELDS = {
    "name": "name",
    "slug": "name",
    "category": "category",
    "product_type": "product_type",
    "description": "description",
    "attributes": "origin",
    "sku": "sku",
    "weight_grams": "weight",
    "weight": "weight",
    "price": "price",
    "quantity": "quantity",
    "stock": "quantity",
    "warehouse": "warehouse",
}
SERVICE_CODES = {
    "UNIQUE": Code.SKU_EXISTS,
    "INVALID_PRICE": Code.INVALID_PRICE,
    "REQUIRED": Code.REQUIRED,
    "NOT_FOUND": Code.NOT_FOUND,
    "NOT_VENDOR_WAREHOUSE": Code.NOT_FOUND,
    "VENDOR_SUSPENDED": Code.VENDOR_INACTIVE,
    "VENDOR_NOT_ACTIVE": Code.VENDOR_INACTIVE,
}


def _service_problems(row: ImportRow, error: ValidationError) -> None:
    """A catalog service's refusal as the row's problems, next to the column it concerns."""
    items = (
        [(name, item) for name, items in error.error_dict.items() for item in items]
        if hasattr(error, "error_dict")
        else [(None, item) for item in error.error_list]
    )
    for name, item in items:
        code = str(item.code or "")
        key = SERVICE_FIELDS.get(name or "")
        fallback = code if code in Code.values else Code.INVALID
        for message in item.messages:
            row.fail(key, message, SERVICE_CODES.get(code, fallback))


class _Probe(Exception):
    """Roll back a trial creation: it only served to find out whether the row is accepted."""


def _variant(row: ImportRow) -> dict:
    stock = []
    if row.quantity is not None and row.warehouse is not None:
        stock = [{"warehouse": row.warehouse, "quantity": row.quantity}]
    return {
        "sku": row.values["sku"],
        "name": row.values.get("variant_name", ""),
        "price": row.price,
        "weight_grams": row.weight_grams,
        "stock": stock,
    }


def _create(*, user, rows: list[ImportRow], lookups: Lookups):
    """The product of `rows` through the listings service the workspace's "new product" page
    uses: a draft of the user's vendor, unpublished, priced in every active channel, with
    its stock; then its origin through the catalog service."""
    first = rows[0]
    product = create_vendor_product(
        actor=user,
        name=first.values["name"],
        category=first.category,
        product_type=first.product_type,
        description=first.values.get("description", ""),
        variants=[_variant(row) for row in rows],
    )
    if first.origin and lookups.origin_attribute is not None:
        attributes = [{"attribute": lookups.origin_attribute, "values": [first.origin]}]
        catalog.save_product(product=product, data={"attributes": attributes})
    return product


def _create_product(*, user, rows: list[ImportRow], lookups: Lookups) -> int:
    """Create one product from its valid rows; returns how many variants it got.

    The whole product is tried first (one savepoint). Should the services refuse it, each
    row is tried alone and rolled back, to put every refusal on its own row, and the product
    is then created from the rows that passed."""
    try:
        _create(user=user, rows=rows, lookups=lookups)
    except ValidationError as error:
        if len(rows) == 1:
            _service_problems(rows[0], error)
            return 0
    else:
        _mark_imported(rows)
        return len(rows)
    accepted = []
    for row in rows:
        try:
            with transaction.atomic():
                _create(user=user, rows=[row], lookups=lookups)
                raise _Probe
        except ValidationError as error:
            _service_problems(row, error)
        except _Probe:
            accepted.append(row)
    if not accepted:
        return 0
    try:
        _create(user=user, rows=accepted, lookups=lookups)
    except ValidationError as error:
        for row in accepted:
            _service_problems(row, error)
        return 0
    _mark_imported(accepted)
    return len(accepted)


def _mark_imported(rows: list[ImportRow]) -> None:
    for row in rows:
        row.imported = True


# The service --------------------------------------------------------------------------------


def importing_vendor(user) -> Vendor:
    """The user's vendor, when it may import; ValidationError (NOT_VENDOR_STAFF,
    VENDOR_INACTIVE) otherwise."""
    vendor = require_vendor(user)
    if vendor.status in (VendorStatus.SUSPENDED, VendorStatus.REJECTED):
        raise ValidationError(
            _("商家当前状态为“%(status)s”，不能导入商品。")
            % {"status": vendor.get_status_display()},
            code=Code.VENDOR_INACTIVE,
        )
    return vendor


def check_import(*, user, upload, import_valid_rows: bool = False) -> ImportResult:
    """Everything before the writing: read `upload`, check it row by row and, when something
    is to be written, group the rows to write by product (`result.groups`).

    Raises ValidationError (NOT_VENDOR_STAFF, VENDOR_INACTIVE) when the user may not import at
    all; every problem of the file itself is in the result. Writes nothing."""
    vendor = importing_vendor(user)
    result = ImportResult(
        vendor=vendor,
        import_valid_rows=import_valid_rows,
        file_name=str(getattr(upload, "name", "") or ""),
    )
    if upload is None:
        result.file_problems.append(ImportProblem(_("请选择要上传的文件。"), Code.FILE_REQUIRED))
        return result
    try:
        table = read_table(upload)
    except TableError as error:
        result.file_problems.append(ImportProblem(error.message, error.code))
        return result
    result.header = table.header
    positions, header_problems, readable = map_header(table.header)
    result.file_problems += header_problems
    if readable:
        result.rows = read_rows(table, positions)
        _check_and_group(result)
    return result


def import_listings(*, user, upload, import_valid_rows: bool = False) -> ImportResult:
    """Check `upload` row by row and create the vendor's draft products from it, in this
    process (large files go through a background job: backend/listings/import_jobs.py).

    Raises ValidationError (NOT_VENDOR_STAFF, VENDOR_INACTIVE) when the user may not import at
    all; every problem of the file itself is in the result. Nothing is written when any row
    has a problem, unless `import_valid_rows`: then the valid rows are written, all in one
    transaction. The error report (backend/listings/import_report.py) is stored when there
    are problems and the file could be read."""
    result = check_import(user=user, upload=upload, import_valid_rows=import_valid_rows)
    if result.groups:
        write_import(result, user=user)
    store_report_if_needed(result)
    return result


def store_report_if_needed(result: ImportResult) -> None:
    """Store the error report when there are problems and the file could be read."""
    from backend.listings.import_report import store_report

    if result.problems and result.header:
        result.report_token = store_report(result)


def check_rows(vendor: Vendor, rows: list[ImportRow]) -> tuple[Lookups, dict[str, ImportRow]]:
    """Every check that needs no writing, on rows read from the file; returns the lookups and
    the first row of each product (by normalised name)."""
    lookups = load_lookups(vendor, [row.values.get("sku", "") for row in rows])
    firsts: dict[str, ImportRow] = {}
    for row in rows:
        first = firsts.setdefault(row.product_key, row)
        check_cells(row, lookups, first_of_product=first is row)
    check_across_rows(rows)
    return lookups, firsts


def _check_and_group(result: ImportResult) -> None:
    rows = result.rows
    lookups, firsts = check_rows(result.vendor, rows)
    result.lookups = lookups
    if not Channel.objects.filter(is_active=True).exists():
        result.file_problems.append(
            ImportProblem(_("平台尚未开设销售渠道，暂时不能导入。"), Code.NO_CHANNEL)
        )
        return
    # Products in the order of their first row; a row with a problem is left out, and a
    # product whose first row has one is left out whole (its category and type come from it).
    if result.problems and not result.import_valid_rows:
        # Nothing will be written, and the checks above cover every rule the services apply
        # (a SKU taken meanwhile aside): the vendor gets the answer without the writes.
        return
    groups: dict[str, list[ImportRow]] = defaultdict(list)
    for row in rows:
        first = firsts[row.product_key]
        if row.problems:
            continue
        if first.problems:
            row.fail(
                "name",
                _("同一商品的第 %(row)d 行有错误，本行也未导入。") % {"row": first.number},
                Code.PRODUCT_NOT_CREATED,
            )
            continue
        groups[row.product_key].append(row)
    result.groups = list(groups.values())


def write_groups(result: ImportResult, *, user, groups: list[list[ImportRow]]) -> bool:
    """Create the products of `groups` (in the caller's transaction), adding to the result's
    counts. False when a service refused a row of a file imported without "import valid
    rows": the caller must then roll back."""
    assert result.lookups is not None
    for group in groups:
        variants = _create_product(user=user, rows=group, lookups=result.lookups)
        result.created_products += 1 if variants else 0
        result.created_variants += variants
    return not (result.problems and not result.import_valid_rows)


def write_import(result: ImportResult, *, user) -> None:
    """Write every group of a checked result in one transaction."""
    with transaction.atomic():
        if not write_groups(result, user=user, groups=result.groups):
            # A service refused a row (a SKU taken since the check): none of the rows stays.
            transaction.set_rollback(True)
            for row in result.rows:
                row.imported = False
            result.created_products = result.created_variants = 0
            return
        record_import(result, user=user)


def record_import(result: ImportResult, *, user, job_id: int | None = None) -> None:
    """The audit entry of an import that created products."""
    if not result.created_products:
        return
    after = {
        "file": result.file_name,
        "rows": result.total_rows,
        "imported_rows": result.imported_rows,
        "error_rows": result.error_rows,
        "products": result.created_products,
        "variants": result.created_variants,
    }
    if job_id is not None:
        after["job"] = job_id
    audit.record(
        actor=user, action="listing.bulk_imported", instance=result.vendor, before=None, after=after
    )
