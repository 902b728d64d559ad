"""Listing review: the state machine, vendor-side editing and product certificates.

States (Listing.state) and who moves them:

    draft ──submit (vendor staff)──▶ submitted ──approve (reviewer)──▶ approved
      ▲                                 │                                 │
      │                        reject (reviewer)              edit sensitive fields
    rejected ◀──────────────────────────┘                                 ▼
      └──submit (vendor staff, after edits)──▶ submitted       pending ListingRevision
                                                               (approved version stays on sale)

An approved listing with a pending revision is submitted like a new one; the reviewer's approval
applies the revision, a rejection leaves the approved version as it was (the listing goes back
to approved). Minor edits — stock, and a price change within LISTING_PRICE_REVIEW_PERCENT — are
applied directly in any state.

Every transition runs in one transaction with the Listing row locked, leaves an audit entry
(backend.core.audit) and, for the reviewer's decisions, tells the vendor's owners by SMS after
the commit. Vendor staff act only on their own vendor's products (backend.vendors.scoping):
another vendor's product is NOT_FOUND. Reviewers are `scoping.can_manage_vendors` users.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.account.sms import send_sms
from backend.brand.signature import signed
from backend.catalog import services as catalog_services
from backend.catalog.cache import bump_catalog_version
from backend.catalog.media import (
    ProductMediaError,
    create_product_media,
    inspect_image,
    read_upload,
)
from backend.catalog.models import (
    AssignedProductAttributeValue,
    Attribute,
    AttributeValue,
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductTypeKind,
    ProductVariant,
    ProductVariantChannelListing,
)
from backend.channel.models import Channel
from backend.core import audit
from backend.core.permissions import Permission, has_permissions
from backend.inventory.models import Stock, Warehouse
from backend.listings.error_codes import ListingErrorCode as Code
from backend.listings.models import (
    BADGE_OF_KIND,
    CHECKLIST_ITEMS,
    KIND_OF_BADGE,
    CertificateKind,
    CertificateStatus,
    ChecklistResult,
    Decision,
    Listing,
    ListingRevision,
    ListingState,
    ProductCertificate,
    ReviewDecision,
    RevisionMedia,
    RevisionStatus,
)
from backend.search.indexing import reindex_products
from backend.vendors import scoping
from backend.vendors.models import Vendor, VendorRole, VendorStatus
from backend.vendors.services import sniff_content_type

CERTIFICATION_ATTRIBUTE = "certification"  # backend.storefront.selectors.CERTIFICATION_ATTRIBUTE
FEN = Decimal("0.01")
MAX_STOCK = 1_000_000_000  # fits the Stock.quantity column (a 32-bit integer)


def _error(field: str | None, message: str, code: str, **params: Any) -> ValidationError:
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field: error}) if field else error


def _text(value: Any, field: str) -> str:
    """Text input, stripped; NUL characters (which PostgreSQL cannot store) are a typed error."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _error(field, _("格式不正确。"), Code.INVALID)
    if "\x00" in value:
        raise _error(field, _("不能包含空字符（\\x00）。"), Code.INVALID)
    return value.strip()


def local_today() -> datetime.date:
    """Today in Asia/Shanghai (settings.TIME_ZONE): certificate dates are local dates."""
    return timezone.localdate()


# Listings -------------------------------------------------------------------------------------


def ensure_listing(product: Product) -> Listing:
    """The product's Listing, created as a draft if it has none (bulk import, new products)."""
    listing, _created = Listing.objects.get_or_create(
        product=product, defaults={"state": ListingState.DRAFT}
    )
    return listing


def _locked_listing(product: Product) -> Listing:
    ensure_listing(product)
    return Listing.objects.select_for_update().select_related("product").get(product=product)


def _open_revision(listing: Listing) -> ListingRevision | None:
    return listing.revisions.filter(status=RevisionStatus.PENDING).first()


def _snapshot(listing: Listing) -> dict[str, Any]:
    return {
        "state": listing.state,
        "has_pending_revision": listing.has_pending_revision,
        "submitted_at": listing.submitted_at,
        "decided_at": listing.decided_at,
    }


# Who may act ----------------------------------------------------------------------------------


def vendor_product(actor, product_or_pk: Product | int | None) -> Product:
    """A product of the actor's own vendor; NOT_FOUND for any other (never reveal it exists)."""
    vendor = scoping.require_vendor(actor)
    pk = product_or_pk.pk if isinstance(product_or_pk, Product) else product_or_pk
    product = (
        Product.objects.select_related("product_type", "vendor")
        .filter(pk=pk, vendor=vendor)
        .first()
        if pk is not None
        else None
    )
    if product is None:
        raise _error("product", _("找不到该商品。"), Code.NOT_FOUND)
    return product


def _require_reviewer(actor) -> None:
    if not scoping.can_manage_vendors(actor):
        raise _error(None, _("只有商品审核员可以这样做。"), Code.PERMISSION_DENIED)


def _require_active_vendor(vendor: Vendor | None, field: str = "product") -> Vendor:
    if vendor is None:
        raise _error(field, _("商品不属于任何商家。"), Code.INVALID)
    if vendor.status == VendorStatus.SUSPENDED:
        raise _error(field, _("商家已被暂停，不能提交审核。"), Code.VENDOR_SUSPENDED)
    if vendor.status != VendorStatus.ACTIVE:
        raise _error(field, _("商家尚未通过入驻审核。"), Code.VENDOR_NOT_ACTIVE)
    return vendor


def _invalid_transition(state: str, action: str) -> ValidationError:
    return _error(
        "state",
        _("商品当前状态为“%(state)s”，不能%(action)s。")
        % {"state": ListingState(state).label, "action": ACTION_LABELS.get(action, action)},
        Code.INVALID_TRANSITION,
        state=state,
        action=action,
    )


# The state machine as data: (state, action) → the state it leads to. A pair missing here is
# forbidden (INVALID_TRANSITION). "edit" is a change of sensitive fields: direct in draft and
# rejected, a pending revision in approved, not while the reviewer is looking (submitted).
SUBMIT, APPROVE, REJECT, EDIT = "submit", "approve", "reject", "edit"
ACTIONS = (SUBMIT, APPROVE, REJECT, EDIT)
ACTION_LABELS = {
    SUBMIT: gettext_lazy("提交审核"),
    APPROVE: gettext_lazy("审核通过"),
    REJECT: gettext_lazy("驳回"),
    EDIT: gettext_lazy("修改"),
}
TRANSITIONS: dict[tuple[str, str], str] = {
    (ListingState.DRAFT, SUBMIT): ListingState.SUBMITTED,
    (ListingState.DRAFT, EDIT): ListingState.DRAFT,
    (ListingState.REJECTED, SUBMIT): ListingState.SUBMITTED,
    (ListingState.REJECTED, EDIT): ListingState.REJECTED,
    (ListingState.SUBMITTED, APPROVE): ListingState.APPROVED,
    # A rejected revision sends the listing back to approved instead (see reject_listing).
    (ListingState.SUBMITTED, REJECT): ListingState.REJECTED,
    # Only with a pending revision; without one there is nothing to submit.
    (ListingState.APPROVED, SUBMIT): ListingState.SUBMITTED,
    (ListingState.APPROVED, EDIT): ListingState.APPROVED,
    # Suspended after a failed spot check: fixed and reviewed again before it sells again.
    (ListingState.SUSPENDED, EDIT): ListingState.SUSPENDED,
    (ListingState.SUSPENDED, SUBMIT): ListingState.SUBMITTED,
}


def _check_transition(listing: Listing, action: str) -> str:
    target = TRANSITIONS.get((listing.state, action))
    if target is None:
        raise _invalid_transition(listing.state, action)
    return target


# Required documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    kind: str
    # The certificate must have been issued within this many days (None: any age).
    max_age_days: int | None = None


# Keyed by ("kind", ProductType.kind) or ("slug", ProductType.slug); both apply when they match
# (catalog_seed/product_types.yaml). Packaged processed food (包装食品, condiments, liquor) is
# made under an SC food-production licence.
INSPECTION_REPORT_MAX_AGE_DAYS = 365
REQUIRED_DOCUMENTS: dict[tuple[str, str], tuple[Requirement, ...]] = {
    ("kind", ProductTypeKind.PROCESSED_FOOD): (
        Requirement(CertificateKind.INSPECTION_REPORT, INSPECTION_REPORT_MAX_AGE_DAYS),
    ),
    ("slug", "packaged-food"): (Requirement(CertificateKind.SC_LICENCE),),
    ("slug", "condiment"): (Requirement(CertificateKind.SC_LICENCE),),
    ("slug", "liquor"): (Requirement(CertificateKind.SC_LICENCE),),
}


def required_documents(product_type: ProductType) -> list[Requirement]:
    found: list[Requirement] = []
    for key in (("kind", product_type.kind), ("slug", product_type.slug)):
        for requirement in REQUIRED_DOCUMENTS.get(key, ()):
            if requirement.kind not in {item.kind for item in found}:
                found.append(requirement)
    return found


def _valid_certificates(product: Product, today: datetime.date) -> list[ProductCertificate]:
    # .all() and a filter in Python: the review queue prefetches the certificates.
    return [
        certificate
        for certificate in product.certificates.all()
        if certificate.status == CertificateStatus.VALID
        and (certificate.expires_on is None or certificate.expires_on >= today)
    ]


def missing_documents(product: Product, badges: Iterable[str]) -> list[ValidationError]:
    """What keeps `product` (showing `badges`) from review: one MISSING_DOCUMENT per gap."""
    today = local_today()
    valid = _valid_certificates(product, today)
    errors = []
    for requirement in required_documents(product.product_type):
        matching = [c for c in valid if c.kind == requirement.kind]
        if requirement.max_age_days is not None:
            oldest = today - datetime.timedelta(days=requirement.max_age_days)
            matching = [c for c in matching if c.issued_on >= oldest]
        if not matching:
            label = CertificateKind(requirement.kind).label
            message = (
                _("缺少近 12 个月内出具的有效%(kind)s。") % {"kind": label}
                if requirement.max_age_days
                else _("缺少有效的%(kind)s。") % {"kind": label}
            )
            errors.append(
                ValidationError(
                    message,
                    code=Code.MISSING_DOCUMENT,
                    params={"kind": CertificateKind(requirement.kind).value},
                )
            )
    for badge in badges:
        kind = KIND_OF_BADGE.get(badge)
        if kind and not any(c.kind == kind for c in valid):
            errors.append(
                ValidationError(
                    _("要显示“%(badge)s”标识，须上传有效的%(kind)s证书。")
                    % {"badge": _badge_name(badge), "kind": CertificateKind(kind).label},
                    code=Code.MISSING_DOCUMENT,
                    params={"kind": CertificateKind(kind).value},
                )
            )
    return errors


def _require_documents(product: Product, badges: Iterable[str]) -> None:
    errors = missing_documents(product, badges)
    if errors:
        raise ValidationError({"documents": errors})


# Badges ---------------------------------------------------------------------------------------


def _certification_attribute() -> Attribute | None:
    return Attribute.objects.filter(slug=CERTIFICATION_ATTRIBUTE).first()


def _badge_name(slug: str) -> str:
    value = AttributeValue.objects.filter(
        attribute__slug=CERTIFICATION_ATTRIBUTE, slug=slug
    ).first()
    return value.name if value else slug


def product_badges(product: Product) -> list[str]:
    """The certification badges the product shows now (values of the `certification` attribute).

    Read from prefetched `attributevalues` (with value__attribute) when the caller has them."""
    prefetched = getattr(product, "_prefetched_objects_cache", {}).get("attributevalues")
    if prefetched is not None:
        return [
            row.value.slug
            for row in sorted(prefetched, key=lambda row: (row.sort_order, row.pk))
            if row.value.attribute.slug == CERTIFICATION_ATTRIBUTE
        ]
    return list(
        AssignedProductAttributeValue.objects.filter(
            product=product, value__attribute__slug=CERTIFICATION_ATTRIBUTE
        )
        .order_by("sort_order", "pk")
        .values_list("value__slug", flat=True)
    )


def _clean_badges(badges: Iterable[str] | None) -> list[str]:
    attribute = _certification_attribute()
    known = set(attribute.values.values_list("slug", flat=True)) if attribute else set()
    cleaned: list[str] = []
    for badge in badges or []:
        if badge not in known:
            raise _error(
                "certifications",
                _("未知的认证标识“%(badge)s”。") % {"badge": badge},
                Code.UNKNOWN_BADGE,
            )
        if badge not in cleaned:
            cleaned.append(badge)
    return cleaned


def _set_badges(product: Product, badges: list[str]) -> None:
    attribute = _certification_attribute()
    if attribute is None:
        return
    AssignedProductAttributeValue.objects.filter(
        product=product, value__attribute=attribute
    ).delete()
    values = {v.slug: v for v in attribute.values.filter(slug__in=badges)}
    AssignedProductAttributeValue.objects.bulk_create(
        AssignedProductAttributeValue(product=product, value=values[slug], sort_order=index)
        for index, slug in enumerate(badges)
        if slug in values
    )
    transaction.on_commit(bump_catalog_version)


# Prices ---------------------------------------------------------------------------------------


def _price(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _error(field, _("价格格式不正确。"), Code.INVALID_PRICE) from None
    if not amount.is_finite() or amount <= 0:
        raise _error(field, _("价格必须大于 0。"), Code.INVALID_PRICE)
    if amount != amount.quantize(FEN) or amount >= Decimal("10000000"):
        raise _error(field, _("价格最多保留两位小数（分），且不能过大。"), Code.INVALID_PRICE)
    return amount


def current_prices(product: Product) -> dict[str, Decimal | None]:
    """Variant pk (as str) → its price in the first active channel (what shoppers pay now)."""
    channel = _active_channels().first()
    rows = ProductVariantChannelListing.objects.filter(variant__product=product)
    if channel is not None:
        rows = rows.filter(channel=channel)
    return {
        str(variant_id): price
        for variant_id, price in rows.values_list("variant_id", "price_amount")
    }


def price_needs_review(old: Decimal | None, new: Decimal) -> bool:
    """A price change beyond LISTING_PRICE_REVIEW_PERCENT of the approved price goes to review."""
    if old is None or old <= 0:
        return True
    change = abs(new - old) * 100 / old
    return change > Decimal(settings.LISTING_PRICE_REVIEW_PERCENT)


def _active_channels():
    return Channel.objects.filter(is_active=True).order_by("pk")


def _apply_prices(product: Product, prices: dict[str, Decimal], actor) -> None:
    variants = {str(v.pk): v for v in product.variants.all()}
    channels = list(_active_channels())
    for variant_id, price in prices.items():
        variant = variants.get(str(variant_id))
        if variant is None:
            continue
        for channel in channels:
            ProductChannelListing.objects.get_or_create(
                product=product, channel=channel, defaults={"currency": channel.currency_code}
            )
            listing = ProductVariantChannelListing.objects.filter(
                variant=variant, channel=channel
            ).first()
            before = {"price": listing.price_amount} if listing else None
            listing = listing or ProductVariantChannelListing(
                variant=variant, channel=channel, currency=channel.currency_code
            )
            listing.price_amount = price
            listing.discounted_price_amount = price
            listing.save()
            catalog_services.refresh_listing_price(product_id=product.pk, channel_id=channel.pk)
            audit.record(
                actor=actor,
                action="variant.price_changed",
                instance=listing,
                before=before,
                after={"price": price},
            )


# Vendor-side editing ----------------------------------------------------------------------------


def _description(text: str | dict | None, field: str = "description") -> dict:
    """EditorJS JSON from plain text (one paragraph per line), or the JSON as given."""
    if isinstance(text, dict):
        if "\\u0000" in json.dumps(text):
            raise _error(field, _("不能包含空字符（\\x00）。"), Code.INVALID)
        return text
    blocks = [
        {"type": "paragraph", "data": {"text": line.strip()}}
        for line in _text(text, field).splitlines()
        if line.strip()
    ]
    return {"blocks": blocks} if blocks else {}


def _vendor_warehouse(vendor: Vendor, warehouse: Warehouse | int | None) -> Warehouse:
    pk = warehouse.pk if isinstance(warehouse, Warehouse) else warehouse
    found = Warehouse.objects.filter(pk=pk, vendor=vendor).first() if pk is not None else None
    if found is None:
        raise _error("warehouse", _("找不到该仓库。"), Code.NOT_VENDOR_WAREHOUSE)
    return found


def _set_stock(variant: ProductVariant, warehouse: Warehouse, quantity: Any, actor) -> Stock:
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 0 <= quantity <= MAX_STOCK
    ):
        raise _error(
            "stock",
            _("库存数量应为 0 到 %(max)s 之间的整数。") % {"max": MAX_STOCK},
            Code.INVALID,
        )
    stock = (
        Stock.objects.select_for_update()
        .filter(product_variant=variant, warehouse=warehouse)
        .first()
    )
    before = {"quantity": stock.quantity} if stock else None
    if stock is None:
        stock = Stock.objects.create(
            product_variant=variant, warehouse=warehouse, quantity=quantity
        )
    elif stock.quantity != quantity:
        stock.quantity = quantity
        stock.save(update_fields=["quantity"])
    audit.record(
        actor=actor,
        action="stock.quantity_set",
        instance=stock,
        before=before,
        after={"quantity": quantity},
    )
    return stock


def _clean_name(name: Any) -> str:
    name = _text(name, "name")
    if not name:
        raise _error("name", _("请填写商品名称。"), Code.REQUIRED)
    if len(name) > 250:
        raise _error("name", _("商品名称过长（最多 250 字）。"), Code.INVALID)
    return name


@transaction.atomic
def create_vendor_product(
    *,
    actor,
    name: str,
    category: Category | None,
    product_type: ProductType | None,
    description: str | dict = "",
    variants: list[dict],
    certifications: list[str] | None = None,
) -> Product:
    """Create a draft product of the actor's vendor, not published anywhere yet.

    `variants`: one or more {"sku", "name" (pack size, e.g. "5kg 袋装"), "price" (Decimal, tax
    included), "weight_grams" (optional), "stock": [{"warehouse": Warehouse or pk, "quantity":
    int}] (optional, the vendor's own warehouses only)}. Prices are set in every active channel;
    the listing starts as a draft and is published when a reviewer approves it.
    """
    return create_product_for_vendor(
        vendor=scoping.require_vendor(actor),
        actor=actor,
        name=name,
        category=category,
        product_type=product_type,
        description=description,
        variants=variants,
        certifications=certifications,
    )


@transaction.atomic
def create_product_for_vendor(
    *,
    vendor: Vendor,
    actor,
    name: str,
    category: Category | None,
    product_type: ProductType | None,
    description: str | dict = "",
    variants: list[dict],
    certifications: list[str] | None = None,
) -> Product:
    """create_vendor_product for a vendor given directly (the seed; the service centre entering
    a product for a farmer without a smartphone). The caller decides who may do this."""
    if vendor.status in (VendorStatus.SUSPENDED, VendorStatus.REJECTED):
        raise _error(None, _("商家已被暂停或未通过入驻审核，不能新建商品。"), Code.VENDOR_SUSPENDED)
    name = _clean_name(name)
    if category is None:
        raise _error("category", _("请选择分类。"), Code.REQUIRED)
    if product_type is None:
        raise _error("product_type", _("请选择商品类型。"), Code.REQUIRED)
    if not variants:
        raise _error("variants", _("至少需要一个规格。"), Code.REQUIRED)
    badges = _clean_badges(certifications)
    product = catalog_services.save_product(
        product=None,
        data={
            "product_type": product_type,
            "category": category,
            "vendor": vendor,
            "name": name,
            "description": _description(description, "description"),
        },
    )
    channels = list(_active_channels())
    for channel in channels:
        ProductChannelListing.objects.create(
            product=product, channel=channel, currency=channel.currency_code, is_published=False
        )
    for index, item in enumerate(variants):
        _add_variant(product, vendor, item, index, actor)
    if badges:
        _set_badges(product, badges)
    listing = ensure_listing(product)
    audit.record(
        actor=actor,
        action="listing.product_created",
        instance=listing,
        after={"product_id": product.pk, "name": name, "state": listing.state},
    )
    return product


def _add_variant(product: Product, vendor: Vendor, item: dict, index: int, actor) -> ProductVariant:
    sku = _text(item.get("sku"), "sku")
    if not sku:
        raise _error("sku", _("请填写 SKU。"), Code.REQUIRED)
    if len(sku) > 255:
        raise _error("sku", _("SKU 过长（最多 255 个字符）。"), Code.INVALID)
    if ProductVariant.objects.filter(sku=sku).exists():
        raise _error("sku", _("SKU“%(sku)s”已被使用。") % {"sku": sku}, Code.UNIQUE)
    weight = item.get("weight_grams")
    if weight is not None and (
        isinstance(weight, bool) or not isinstance(weight, int) or not 0 < weight <= 1_000_000
    ):
        raise _error("weight_grams", _("重量应为 1 到 1000000 之间的整数（克）。"), Code.INVALID)
    price = _price(item.get("price"), "price")
    variant = ProductVariant.objects.create(
        product=product,
        sku=sku,
        name=_text(item.get("name"), "name")[:255],
        weight_grams=weight,
        sort_order=index,
    )
    _apply_prices(product, {str(variant.pk): price}, actor)
    for stock in item.get("stock") or []:
        warehouse = _vendor_warehouse(vendor, stock.get("warehouse"))
        _set_stock(variant, warehouse, stock.get("quantity"), actor)
    return variant


@dataclass
class UpdateResult:
    product: Product
    listing: Listing
    # The changes kept for review (approved listings), empty when everything applied directly.
    revision: ListingRevision | None
    applied: list[str]
    pending: list[str]


@transaction.atomic
def update_vendor_product(
    *,
    actor,
    product: Product,
    name: str | None = None,
    description: str | dict | None = None,
    category: Category | None = None,
    prices: dict[Any, Any] | None = None,
    certifications: list[str] | None = None,
    stock: list[dict] | None = None,
) -> UpdateResult:
    """Edit a vendor's product; arguments left None are not changed.

    Sensitive fields — name, description (claims), certification badges, and a price change
    beyond LISTING_PRICE_REVIEW_PERCENT — change the product directly while it is a draft or
    rejected; on an approved listing they go into its pending ListingRevision and the approved
    version stays on sale. Not while it is in review (INVALID_TRANSITION). Minor edits — stock
    ({"variant", "warehouse", "quantity"}) and small price changes — apply directly in any state.
    `prices` maps variant (pk or ProductVariant) → new price. `category` is changed directly
    (it decides where the product is listed, not what it claims).
    """
    product = vendor_product(actor, product)
    vendor = product.vendor
    assert vendor is not None
    listing = _locked_listing(product)
    before = _snapshot(listing)
    sensitive: dict[str, Any] = {}
    applied: list[str] = []
    if name is not None:
        name = _clean_name(name)
        if name != product.name:
            sensitive["name"] = name
    if description is not None:
        new_description = _description(description, "description")
        if new_description != (product.description or {}):
            sensitive["description"] = new_description
    if certifications is not None:
        badges = _clean_badges(certifications)
        if badges != product_badges(product):
            sensitive["certifications"] = badges
    minor_prices: dict[str, Decimal] = {}
    if prices:
        approved_prices = current_prices(product)
        own = {str(pk) for pk in product.variants.values_list("pk", flat=True)}
        review_prices: dict[str, str] = {}
        for key, value in prices.items():
            variant_id = str(key.pk if isinstance(key, ProductVariant) else key)
            if variant_id not in own:
                raise _error("prices", _("找不到该规格。"), Code.NOT_FOUND)
            price = _price(value, "prices")
            old = approved_prices.get(variant_id)
            if old == price:
                continue
            if listing.state == ListingState.APPROVED and price_needs_review(old, price):
                review_prices[variant_id] = str(price)
            else:
                minor_prices[variant_id] = price
        if review_prices:
            sensitive["variant_prices"] = review_prices
    if category is not None and category.pk != product.category_id:
        if listing.state == ListingState.SUBMITTED:
            raise _invalid_transition(listing.state, EDIT)
        product.category = category
        product.save(update_fields=["category", "updated_at"])
        applied.append("category")
    if sensitive or (minor_prices and listing.state != ListingState.APPROVED):
        _check_transition(listing, EDIT)
    revision = None
    if sensitive and listing.state == ListingState.APPROVED:
        revision = _merge_revision(listing, sensitive, actor)
    elif sensitive:
        _apply_changes(product, sensitive, actor)
        applied += list(sensitive)
    if minor_prices:
        _apply_prices(product, minor_prices, actor)
        applied.append("prices")
    for item in stock or []:
        variant = item.get("variant")
        variant_pk = variant.pk if isinstance(variant, ProductVariant) else variant
        found = product.variants.filter(pk=variant_pk).first() if variant_pk else None
        if found is None:
            raise _error("stock", _("找不到该规格。"), Code.NOT_FOUND)
        _set_stock(
            found, _vendor_warehouse(vendor, item.get("warehouse")), item.get("quantity"), actor
        )
        applied.append("stock")
    listing.refresh_from_db()
    audit.record(
        actor=actor,
        action="listing.edited",
        instance=listing,
        before=before,
        after={
            **_snapshot(listing),
            "applied": applied,
            "pending": list(sensitive) if revision else [],
        },
    )
    return UpdateResult(
        product=product,
        listing=listing,
        revision=revision,
        applied=applied,
        pending=list(sensitive) if revision else [],
    )


def _original_of(product: Product, keys: Iterable[str]) -> dict[str, Any]:
    original: dict[str, Any] = {}
    for key in keys:
        if key == "name":
            original["name"] = product.name
        elif key == "description":
            original["description"] = product.description
        elif key == "certifications":
            original["certifications"] = product_badges(product)
        elif key == "variant_prices":
            original["variant_prices"] = {k: str(v) for k, v in current_prices(product).items()}
        elif key == "media_removed":
            original["media"] = list(product.media.values_list("pk", flat=True))
    return original


def _merge_revision(listing: Listing, changes: dict[str, Any], actor) -> ListingRevision:
    """Fold `changes` into the approved listing's pending revision (creating it)."""
    revision = _open_revision(listing)
    if revision is None:
        revision = ListingRevision.objects.create(
            listing=listing, status=RevisionStatus.PENDING, created_by=actor
        )
    merged = dict(revision.changes)
    for key, value in changes.items():
        if key == "variant_prices":
            merged["variant_prices"] = {**merged.get("variant_prices", {}), **value}
        elif key == "media_removed":
            merged["media_removed"] = sorted({*merged.get("media_removed", []), *value})
        else:
            merged[key] = value
    revision.changes = merged
    revision.original = {**_original_of(listing.product, changes), **revision.original}
    revision.save(update_fields=["changes", "original", "updated_at"])
    if not listing.has_pending_revision:
        listing.has_pending_revision = True
        listing.save(update_fields=["has_pending_revision", "updated_at"])
    audit.record(
        actor=actor,
        action="listing.revision_updated",
        instance=revision,
        after={"changes": merged},
    )
    return revision


def _apply_changes(product: Product, changes: dict[str, Any], actor, revision=None) -> None:
    """Write sensitive changes onto the product (a draft's edit, or an approved revision)."""
    data: dict[str, Any] = {}
    if "name" in changes:
        data["name"] = changes["name"]
    if "description" in changes:
        data["description"] = changes["description"]
    if data:
        catalog_services.save_product(product=product, data=data)
    if "certifications" in changes:
        _set_badges(product, list(changes["certifications"]))
    if changes.get("variant_prices"):
        _apply_prices(
            product,
            {k: Decimal(str(v)) for k, v in changes["variant_prices"].items()},
            actor,
        )
    for media in product.media.filter(pk__in=changes.get("media_removed") or []):
        catalog_services.delete_product_media(media=media)
    if revision is not None:
        for pending in revision.media.all():
            with pending.image.open("rb") as handle:
                content = handle.read()
            create_product_media(product=product, image_file=content, alt=pending.alt)


# Photos ---------------------------------------------------------------------------------------


def _media_error(error: ProductMediaError) -> ValidationError:
    code = Code.FILE_TOO_LARGE if error.code == "FILE_TOO_LARGE" else Code.INVALID_IMAGE
    return _error("image", error.message, code)


@transaction.atomic
def add_product_photo(
    *, actor, product: Product, image_file: IO[bytes] | bytes | None, alt: str = ""
) -> ProductMedia | RevisionMedia:
    """Add a photo (taken on the phone). A draft or rejected product gets it at once
    (ProductMedia, thumbnails made in the background); an approved one keeps it in its pending
    revision (RevisionMedia) until a reviewer approves — shoppers see only approved photos."""
    product = vendor_product(actor, product)
    listing = _locked_listing(product)
    _check_transition(listing, EDIT)
    if listing.state != ListingState.APPROVED:
        try:
            media = create_product_media(
                product=product, image_file=image_file, alt=_text(alt, "alt")
            )
        except ProductMediaError as error:
            raise _media_error(error) from error
        audit.record(
            actor=actor,
            action="listing.photo_added",
            instance=listing,
            after={"media_id": media.pk},
        )
        return media
    try:
        inspected = inspect_image(read_upload(image_file))
    except ProductMediaError as error:
        raise _media_error(error) from error
    revision = _merge_revision(listing, {}, actor)
    pending = RevisionMedia(
        revision=revision, alt=_text(alt, "alt")[:250], checksum=inspected.checksum
    )
    pending.image.save(
        f"{inspected.checksum[:16]}.{inspected.extension}",
        ContentFile(inspected.content),
        save=False,
    )
    pending.save()
    changes = dict(revision.changes)
    changes["media_added"] = [*changes.get("media_added", []), pending.pk]
    revision.changes = changes
    revision.save(update_fields=["changes", "updated_at"])
    audit.record(
        actor=actor,
        action="listing.revision_updated",
        instance=revision,
        after={"media_added": pending.pk},
    )
    return pending


@transaction.atomic
def remove_product_photo(
    *, actor, product: Product, media_id: int | None = None, revision_media_id: int | None = None
) -> Listing:
    """Remove a photo: a ProductMedia (`media_id`) at once for a draft or rejected product, or
    on an approved one by recording the removal in the pending revision; or a photo still
    waiting in the revision (`revision_media_id`, a RevisionMedia), dropped at once."""
    product = vendor_product(actor, product)
    listing = _locked_listing(product)
    _check_transition(listing, EDIT)
    if revision_media_id is not None:
        revision = _open_revision(listing)
        waiting = revision.media.filter(pk=revision_media_id).first() if revision else None
        if revision is None or waiting is None:
            raise _error("media", _("找不到该图片。"), Code.NOT_FOUND)
        waiting.image.delete(save=False)
        waiting.delete()
        changes = dict(revision.changes)
        changes["media_added"] = [
            pk for pk in changes.get("media_added", []) if pk != revision_media_id
        ]
        revision.changes = changes
        revision.save(update_fields=["changes", "updated_at"])
        audit.record(
            actor=actor,
            action="listing.revision_updated",
            instance=revision,
            after={"media_added_removed": revision_media_id},
        )
        return listing
    media = product.media.filter(pk=media_id).first() if media_id is not None else None
    if media is None:
        raise _error("media", _("找不到该图片。"), Code.NOT_FOUND)
    if listing.state == ListingState.APPROVED:
        _merge_revision(listing, {"media_removed": [media.pk]}, actor)
    else:
        catalog_services.delete_product_media(media=media)
        audit.record(
            actor=actor,
            action="listing.photo_removed",
            instance=listing,
            before={"media_id": media_id},
        )
    return listing


# Transitions ----------------------------------------------------------------------------------


def _badges_after(listing: Listing, revision: ListingRevision | None) -> list[str]:
    if revision is not None and "certifications" in revision.changes:
        return list(revision.changes["certifications"])
    return product_badges(listing.product)


@transaction.atomic
def submit_for_review(*, actor, product: Product) -> Listing:
    """draft/rejected → submitted, or an approved listing's pending revision → submitted.

    The vendor must be active (a suspended vendor cannot submit) and the product must carry the
    documents its type requires and those of the badges it will show (MISSING_DOCUMENT, one
    error per missing kind)."""
    return submit_product(actor=actor, product=vendor_product(actor, product))


@transaction.atomic
def submit_product(*, actor, product: Product) -> Listing:
    """submit_for_review without the vendor-staff check (the seed, the service centre)."""
    listing = _locked_listing(product)
    _check_transition(listing, SUBMIT)
    revision = _open_revision(listing)
    if listing.state == ListingState.APPROVED and revision is None:
        raise _error(
            "state",
            _("商品已上架，且没有待审核的修改，无需提交。"),
            Code.INVALID_TRANSITION,
            state=listing.state,
            action=SUBMIT,
        )
    _require_active_vendor(product.vendor)
    if product.category_id is None:
        raise _error("category", _("请先为商品选择分类。"), Code.PRODUCT_WITHOUT_CATEGORY)
    if not product.variants.exists():
        raise _error("variants", _("商品至少需要一个规格。"), Code.REQUIRED)
    _require_documents(product, _badges_after(listing, revision))
    before = _snapshot(listing)
    now = timezone.now()
    listing.state = ListingState.SUBMITTED
    listing.submitted_at = now
    listing.submitted_by = actor
    listing.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    if revision is not None and listing.has_pending_revision:
        revision.submitted_at = now
        revision.save(update_fields=["submitted_at", "updated_at"])
    audit.record(
        actor=actor,
        action="listing.submitted",
        instance=listing,
        before=before,
        after={**_snapshot(listing), "revision_id": revision.pk if revision else None},
    )
    return listing


def _clean_checklist(checklist: dict[str, Any] | None, *, required: bool) -> dict[str, str]:
    keys = [key for key, _label in CHECKLIST_ITEMS]
    checklist = dict(checklist or {})
    unknown = [key for key in checklist if key not in keys]
    if unknown:
        raise _error(
            "checklist",
            _("未知的审核项：%(items)s。") % {"items": "、".join(unknown)},
            Code.INVALID_CHECKLIST,
        )
    if required and not checklist:
        raise _error("checklist", _("请填写审核清单。"), Code.INVALID_CHECKLIST)
    cleaned: dict[str, str] = {}
    for key in keys:
        value = checklist.get(key, ChecklistResult.NOT_APPLICABLE if not required else None)
        if value is None:
            raise _error(
                "checklist",
                _("审核清单缺少“%(item)s”。") % {"item": dict(CHECKLIST_ITEMS)[key]},
                Code.INVALID_CHECKLIST,
            )
        if value not in ChecklistResult.values:
            raise _error(
                "checklist",
                _("审核项的结果只能是合格、不合格或不适用。"),
                Code.INVALID_CHECKLIST,
            )
        cleaned[key] = str(value)
    return cleaned


def _publish(product: Product, actor) -> None:
    """Put the product on sale in every active channel."""
    now = timezone.now()
    for channel in _active_channels():
        row, _created = ProductChannelListing.objects.get_or_create(
            product=product, channel=channel, defaults={"currency": channel.currency_code}
        )
        before = {"is_published": row.is_published, "published_at": row.published_at}
        row.is_published = True
        row.published_at = row.published_at or now
        row.visible_in_listings = True
        row.available_for_purchase_at = row.available_for_purchase_at or now
        row.save()
        catalog_services.refresh_listing_price(product_id=product.pk, channel_id=channel.pk)
        audit.record(
            actor=actor,
            action="product.channel_listing_updated",
            instance=row,
            before=before,
            after={"is_published": True, "published_at": row.published_at},
        )


@transaction.atomic
def approve_listing(*, actor, product: Product, checklist: dict[str, Any] | None = None) -> Listing:
    """submitted → approved: publish the product in the active channel(s), applying the pending
    revision if there is one. The checklist is optional (items left out are "n.a.")."""
    _require_reviewer(actor)
    listing = _locked_listing(product)
    _check_transition(listing, APPROVE)
    cleaned = _clean_checklist(checklist, required=False)
    if ChecklistResult.FAIL in cleaned.values():
        raise _error("checklist", _("有不合格的审核项，不能通过。"), Code.INVALID_CHECKLIST)
    product = listing.product
    revision = _open_revision(listing) if listing.has_pending_revision else None
    # Documents may have expired while the listing waited.
    _require_documents(product, _badges_after(listing, revision))
    before = _snapshot(listing)
    if revision is not None:
        _apply_changes(product, revision.changes, actor, revision=revision)
        revision.status = RevisionStatus.APPROVED
        revision.decided_at = timezone.now()
        revision.decided_by = actor
        revision.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _publish(product, actor)
    listing.state = ListingState.APPROVED
    listing.has_pending_revision = False
    decision = _decide(
        listing,
        actor=actor,
        revision=revision,
        decision=Decision.APPROVE,
        checklist=cleaned,
        before=before,
        action="listing.revision_approved" if revision else "listing.approved",
    )
    _notify(product, decision)
    return listing


@transaction.atomic
def suspend_listing(*, actor, product: Product, reason: str) -> Listing:
    """Take a product off sale at once (a failed quality spot check, issue #14): the listing
    is suspended and unpublished in every channel; the vendor resubmits it for review after
    fixing the cause. Only inspectors (trace.manage_traceability) and reviewers may do this;
    the caller tells the vendor."""
    if not (
        getattr(actor, "is_staff", False)
        and (
            scoping.can_manage_vendors(actor)
            or has_permissions(actor, [Permission.MANAGE_TRACEABILITY])
        )
    ):
        raise _error(None, _("只有审核或质量监管人员可以暂停销售。"), Code.PERMISSION_DENIED)
    reason = _text(reason, "reason")
    if not reason:
        raise _error("reason", _("请填写暂停原因。"), Code.REASON_REQUIRED)
    listing = _locked_listing(product)
    before = _snapshot(listing)
    listing.state = ListingState.SUSPENDED
    listing.decided_at = timezone.now()
    listing.decided_by = actor
    listing.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    for row in ProductChannelListing.objects.select_for_update().filter(product=product):
        row_before = {"is_published": row.is_published}
        row.is_published = False
        row.visible_in_listings = False
        row.available_for_purchase_at = None
        row.save(update_fields=["is_published", "visible_in_listings", "available_for_purchase_at"])
        audit.record(
            actor=actor,
            action="product.channel_listing_updated",
            instance=row,
            before=row_before,
            after={"is_published": False},
        )
    bump_catalog_version()
    audit.record(
        actor=actor,
        action="listing.suspended",
        instance=listing,
        before=before,
        after={**_snapshot(listing), "reason": reason},
    )
    return listing


def _decide(
    listing: Listing,
    *,
    actor,
    revision: ListingRevision | None,
    decision: str,
    checklist: dict,
    before: dict,
    action: str,
    reasons: str = "",
) -> ReviewDecision:
    """Save the listing's new state with who decided and when, store the decision with its
    checklist, and audit it: the shared end of approving and rejecting."""
    listing.decided_at = timezone.now()
    listing.decided_by = actor
    listing.save(
        update_fields=["state", "decided_at", "decided_by", "has_pending_revision", "updated_at"]
    )
    row = ReviewDecision.objects.create(
        listing=listing,
        revision=revision,
        decision=decision,
        reasons=reasons,
        checklist=checklist,
        reviewer=actor,
    )
    after = {**_snapshot(listing), "decision_id": row.pk, "checklist": checklist}
    if reasons:
        after["reasons"] = reasons
    audit.record(actor=actor, action=action, instance=listing, before=before, after=after)
    return row


@transaction.atomic
def reject_listing(
    *, actor, product: Product, reasons: str, checklist: dict[str, Any] | None
) -> Listing:
    """submitted → rejected with the reviewer's reasons and checklist (at least one failing item
    or a reason). A rejected revision leaves the approved version on sale: the listing goes back
    to approved and the revision is closed as rejected."""
    _require_reviewer(actor)
    listing = _locked_listing(product)
    _check_transition(listing, REJECT)
    reasons = _text(reasons, "reasons")
    if len(reasons) > 2000:
        raise _error("reasons", _("原因过长（最多 2000 字）。"), Code.INVALID)
    cleaned = _clean_checklist(checklist, required=True)
    if not reasons and ChecklistResult.FAIL not in cleaned.values():
        raise _error(
            "reasons", _("请填写驳回原因，或在清单中标出不合格的项目。"), Code.REASON_REQUIRED
        )
    before = _snapshot(listing)
    revision = _open_revision(listing) if listing.has_pending_revision else None
    now = timezone.now()
    if revision is not None:
        revision.status = RevisionStatus.REJECTED
        revision.decided_at = now
        revision.decided_by = actor
        revision.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
        for pending in revision.media.all():
            pending.image.delete(save=False)
        listing.state = ListingState.APPROVED
        listing.has_pending_revision = False
    else:
        listing.state = ListingState.REJECTED
    decision = _decide(
        listing,
        actor=actor,
        revision=revision,
        decision=Decision.REJECT,
        checklist=cleaned,
        before=before,
        action="listing.revision_rejected" if revision else "listing.rejected",
        reasons=reasons,
    )
    _notify(listing.product, decision)
    return listing


# Notifications --------------------------------------------------------------------------------


def owner_phones(vendor: Vendor | None) -> list[str]:
    if vendor is None:
        return []
    return [
        phone
        for phone in vendor.staff.filter(role=VendorRole.OWNER, user__is_active=True)
        .exclude(user__phone__isnull=True)
        .values_list("user__phone", flat=True)
        if phone
    ]


def notify_vendor(vendor: Vendor | None, message: str) -> None:
    """Text the vendor's owners after the commit (nothing is sent for a rolled-back change),
    signed with the brand's name."""
    message = signed(message)
    for phone in owner_phones(vendor):
        transaction.on_commit(partial(send_sms, phone=phone, message=message))


def _notify(product: Product, decision: ReviewDecision) -> None:
    revision = decision.revision_id is not None
    if decision.decision == Decision.APPROVE:
        message = (
            _("您对商品“%(name)s”的修改已通过审核并生效。")
            if revision
            else _("您的商品“%(name)s”已通过审核并上架。")
        ) % {"name": product.name}
    else:
        failing = [
            str(label) for key, label in CHECKLIST_ITEMS if decision.checklist.get(key) == "fail"
        ]
        detail = "；".join(filter(None, [decision.reasons, "、".join(failing)]))
        message = (
            _("您对商品“%(name)s”的修改未通过审核（原内容继续销售）：%(detail)s")
            if revision
            else _("您的商品“%(name)s”未通过审核：%(detail)s。请修改后重新提交。")
        ) % {"name": product.name, "detail": detail}
    notify_vendor(product.vendor, message)


# Certificates ---------------------------------------------------------------------------------


def _check_file(upload, field: str = "file") -> tuple[str, int]:
    """The real type (magic bytes, which must agree with the declared type) and size of an
    uploaded scan, checked against VENDOR_DOCUMENT_CONTENT_TYPES and _MAX_BYTES."""
    if upload is None:
        raise _error(field, _("请上传证书文件。"), Code.REQUIRED)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    size = getattr(upload, "size", None)
    if size is None or not hasattr(upload, "read"):
        raise _error(field, _("无法读取上传的文件。"), Code.INVALID_FILE)
    if size > settings.VENDOR_DOCUMENT_MAX_BYTES:
        raise _error(
            field,
            _("文件过大（上限 %(size)s MB）。")
            % {"size": round(settings.VENDOR_DOCUMENT_MAX_BYTES / 1024 / 1024, 1)},
            Code.FILE_TOO_LARGE,
        )
    upload.seek(0)
    actual = sniff_content_type(upload.read(16))
    upload.seek(0)
    if actual is None or actual != declared or actual not in settings.VENDOR_DOCUMENT_CONTENT_TYPES:
        raise _error(
            field, _("只接受 PDF、JPEG、PNG 或 WebP 格式的扫描件或照片。"), Code.INVALID_FILE
        )
    return actual, size


@transaction.atomic
def upload_certificate(
    *,
    actor,
    product: Product,
    kind: str,
    number: str,
    file,
    issued_on: datetime.date | None,
    expires_on: datetime.date | None = None,
) -> ProductCertificate:
    """Attach a certificate to the actor's vendor's product (an UploadedFile: PDF or image, at
    most VENDOR_DOCUMENT_MAX_BYTES). The badge it unlocks (BADGE_OF_KIND) is recorded; the
    reviewer checks the document against the badge when the listing is reviewed."""
    product = vendor_product(actor, product)
    if kind not in CertificateKind.values:
        raise _error("kind", _("未知的证书类型。"), Code.INVALID)
    number = _text(number, "number")
    if not number:
        raise _error("number", _("请填写证书编号。"), Code.REQUIRED)
    if len(number) > 100:
        raise _error("number", _("证书编号过长。"), Code.INVALID)
    if issued_on is None:
        raise _error("issued_on", _("请填写签发日期。"), Code.REQUIRED)
    today = local_today()
    if issued_on > today:
        raise _error("issued_on", _("签发日期不能晚于今天。"), Code.INVALID)
    if expires_on is not None and expires_on < issued_on:
        raise _error("expires_on", _("有效期不能早于签发日期。"), Code.INVALID)
    if expires_on is not None and expires_on < today:
        raise _error("expires_on", _("证书已过期。"), Code.CERTIFICATE_EXPIRED)
    content_type, size = _check_file(file)
    certificate = ProductCertificate(
        product=product,
        vendor=product.vendor,
        kind=kind,
        number=number,
        content_type=content_type,
        size=size,
        issued_on=issued_on,
        expires_on=expires_on,
        badge=BADGE_OF_KIND.get(kind) or "",
        uploaded_by=actor,
    )
    # The stored name says nothing about the uploader (no original file name, no path tricks).
    extension = content_type.split("/")[1].replace("jpeg", "jpg")
    certificate.file.save(f"{kind}-{secrets.token_hex(8)}.{extension}", file, save=False)
    certificate.save()
    audit.record(
        actor=actor,
        action="certificate.uploaded",
        instance=certificate,
        after={
            "product_id": product.pk,
            "kind": kind,
            "number": number,
            "issued_on": issued_on,
            "expires_on": expires_on,
        },
    )
    return certificate


def _replacement(certificate: ProductCertificate, today: datetime.date):
    """Another valid certificate of the same kind for the product, lasting longer."""
    return next(
        (
            other
            for other in _valid_certificates(certificate.product, today)
            if other.pk != certificate.pk
            and other.kind == certificate.kind
            and (
                other.expires_on is None
                or certificate.expires_on is None
                or other.expires_on > certificate.expires_on
            )
        ),
        None,
    )


@transaction.atomic
def expire_certificate(certificate: ProductCertificate, *, today: datetime.date) -> bool:
    """Mark one certificate expired; take its badge off the product unless another valid
    certificate unlocks the same badge; tell the vendor. False if it was no longer due."""
    locked = (
        ProductCertificate.objects.select_for_update()
        .select_related("product", "vendor")
        .get(pk=certificate.pk)
    )
    if (
        locked.status != CertificateStatus.VALID
        or locked.expires_on is None
        or locked.expires_on >= today
    ):
        return False
    locked.status = CertificateStatus.EXPIRED
    locked.expired_at = timezone.now()
    locked.save(update_fields=["status", "expired_at"])
    product = locked.product
    removed = False
    replacement = _replacement(locked, today)
    if locked.badge:
        still_covered = any(
            c.kind == locked.kind for c in _valid_certificates(product, today) if c.pk != locked.pk
        )
        badges = product_badges(product)
        if not still_covered and locked.badge in badges:
            _set_badges(product, [b for b in badges if b != locked.badge])
            reindex_products([product.pk])
            removed = True
    audit.record(
        actor=None,
        action="certificate.expired",
        instance=locked,
        before={"status": CertificateStatus.VALID},
        after={
            "status": CertificateStatus.EXPIRED,
            "badge_removed": locked.badge if removed else "",
            "replaced_by": replacement.pk if replacement else None,
        },
    )
    if replacement is not None:
        return True  # a newer certificate of the kind is on file: nothing for the vendor to do
    kind = CertificateKind(locked.kind).label
    message = _("商品“%(name)s”的%(kind)s（编号 %(number)s）已于 %(date)s 过期。") % {
        "name": product.name,
        "kind": kind,
        "number": locked.number,
        "date": locked.expires_on.isoformat(),
    }
    if removed:
        message += _("商品页已不再显示“%(badge)s”标识，请尽快上传新证书。") % {
            "badge": _badge_name(locked.badge)
        }
    else:
        message += _("请尽快上传新证书，否则下次提交审核时会缺少该材料。")
    notify_vendor(locked.vendor, message)
    return True


@transaction.atomic
def warn_certificate_expiry(certificate: ProductCertificate, *, today: datetime.date) -> bool:
    """Warn the vendor once, CERTIFICATE_EXPIRY_WARNING_DAYS before a certificate expires."""
    locked = (
        ProductCertificate.objects.select_for_update()
        .select_related("product", "vendor")
        .get(pk=certificate.pk)
    )
    if locked.expiry_warned_at is not None or locked.status != CertificateStatus.VALID:
        return False
    if locked.expires_on is None or locked.expires_on < today:
        return False
    locked.expiry_warned_at = timezone.now()
    locked.save(update_fields=["expiry_warned_at"])
    if _replacement(locked, today) is not None:
        return False  # already renewed: no warning needed
    notify_vendor(
        locked.vendor,
        _("商品“%(name)s”的%(kind)s（编号 %(number)s）将于 %(date)s 到期，请及时上传新证书。")
        % {
            "name": locked.product.name,
            "kind": CertificateKind(locked.kind).label,
            "number": locked.number,
            "date": locked.expires_on.isoformat(),
        },
    )
    return True
