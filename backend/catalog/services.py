"""State changes of the catalog: each public function is one transaction and raises a Django
`ValidationError` (with a code and the input field it concerns) and writes nothing on bad input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from backend.catalog.cache import bump_catalog_version
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
from backend.catalog.seed.values import value_specs
from backend.core import audit
from backend.core.services import apply_fields, delete_instance, full_save, unique_slug
from backend.search.indexing import reindex_products

FEN = Decimal("0.01")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _bulk_changed() -> None:
    """Bulk writes and raw updates send no model signals, so they announce the change to the
    cached catalog responses themselves (backend/catalog/cache.py), after the commit."""
    transaction.on_commit(bump_catalog_version)


def _with_slug(instance, data: dict, name_field: str = "name") -> None:
    if data.get("slug"):
        instance.slug = data["slug"]
    elif not instance.slug:
        instance.slug = unique_slug(
            type(instance), getattr(instance, name_field), exclude_pk=instance.pk
        )


# Categories -------------------------------------------------------------------------------


@transaction.atomic
def save_category(*, category: Category | None, data: dict) -> Category:
    category = category or Category()
    apply_fields(
        category, data, ("name", "description", "seo_title", "seo_description", "sort_order")
    )
    if "parent" in data:
        parent = data["parent"]
        if parent is not None and category.pk is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor.pk == category.pk:
                    raise _error("parent", _("分类不能成为自己的下级。"), "INVALID")
                ancestor = ancestor.parent
        category.parent = parent
    _with_slug(category, data)
    return full_save(category)


@transaction.atomic
def delete_category(*, category: Category) -> None:
    """Delete a category with its subcategories. Its products stay, without a category, and
    are reindexed: shoppers find products by their category's name."""
    tree, level = [category.pk], [category.pk]
    while level:
        level = list(Category.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        tree += level
    product_ids = list(Product.objects.filter(category_id__in=tree).values_list("pk", flat=True))
    delete_instance(category)
    reindex_products(product_ids)


# Product types and attributes -------------------------------------------------------------


def _assign_type_attributes(product_type, through, attributes, field: str) -> None:
    ids = [attribute.pk for attribute in attributes]
    if len(ids) != len(set(ids)):
        raise _error(field, _("同一属性不能重复添加。"), "DUPLICATED_INPUT_ITEM")
    through.objects.filter(product_type=product_type).exclude(attribute_id__in=ids).delete()
    existing = set(
        through.objects.filter(product_type=product_type).values_list("attribute_id", flat=True)
    )
    through.objects.bulk_create(
        through(product_type=product_type, attribute_id=pk, sort_order=index)
        for index, pk in enumerate(ids)
        if pk not in existing
    )
    _bulk_changed()


@transaction.atomic
def save_product_type(*, product_type: ProductType | None, data: dict) -> ProductType:
    product_type = product_type or ProductType()
    apply_fields(
        product_type,
        data,
        ("name", "kind", "has_variants", "is_shipping_required", "weight_grams", "tax_rate"),
    )
    if product_type.tax_rate is not None and not (Decimal(0) <= product_type.tax_rate < Decimal(1)):
        raise _error("tax_rate", _("税率应在 0 与 1 之间，如 0.09。"), "INVALID")
    _with_slug(product_type, data)
    full_save(product_type)
    if "product_attributes" in data:
        _assign_type_attributes(
            product_type, AttributeProduct, data["product_attributes"], "product_attributes"
        )
    if "variant_attributes" in data:
        _assign_type_attributes(
            product_type, AttributeVariant, data["variant_attributes"], "variant_attributes"
        )
    return product_type


@transaction.atomic
def save_attribute(*, attribute: Attribute | None, data: dict) -> Attribute:
    creating = attribute is None
    attribute = attribute or Attribute()
    changes_type = "input_type" in data and data["input_type"] != attribute.input_type
    if not creating and changes_type and attribute.values.exists():
        raise _error("input_type", _("已有取值的属性不能更改输入类型。"), "INVALID")
    apply_fields(
        attribute,
        data,
        (
            "name",
            "input_type",
            "unit",
            "value_required",
            "visible_in_storefront",
            "filterable_in_storefront",
            "storefront_search_position",
        ),
    )
    _with_slug(attribute, data)
    full_save(attribute)
    for name in data.get("values") or []:
        save_attribute_value(attribute=attribute, value=None, data={"name": name})
    return attribute


@transaction.atomic
def save_attribute_value(
    *, attribute: Attribute, value: AttributeValue | None, data: dict
) -> AttributeValue:
    existing = value is not None
    value = value or AttributeValue(attribute=attribute)
    apply_fields(value, data, ("name", "sort_order"))
    if data.get("slug"):
        value.slug = data["slug"]
    elif not value.slug:
        value.slug = unique_slug_within(attribute, value.name, exclude_pk=value.pk)
    if attribute.values.filter(slug=value.slug).exclude(pk=value.pk).exists():
        raise _error("slug", _("该属性已有同名取值。"), "UNIQUE")
    full_save(value)
    if existing:
        # A renamed value changes the text its products are found by.
        reindex_products(_products_using_values([value.pk]))
    return value


def _products_using_values(value_ids: list[int]) -> set[int]:
    products = set(
        AssignedProductAttributeValue.objects.filter(value_id__in=value_ids).values_list(
            "product_id", flat=True
        )
    )
    products |= set(
        AssignedVariantAttributeValue.objects.filter(value_id__in=value_ids).values_list(
            "variant__product_id", flat=True
        )
    )
    return products


@transaction.atomic
def delete_attribute(*, attribute: Attribute) -> None:
    """Delete an attribute with its values; products that carried them are reindexed."""
    product_ids = _products_using_values(list(attribute.values.values_list("pk", flat=True)))
    delete_instance(attribute)
    reindex_products(product_ids)


@transaction.atomic
def delete_attribute_value(*, value: AttributeValue) -> None:
    product_ids = _products_using_values([value.pk])
    delete_instance(value)
    reindex_products(product_ids)


def unique_slug_within(attribute: Attribute, name: str, *, exclude_pk=None) -> str:
    base = slugify(name, allow_unicode=True)[:240] or "value"
    taken = set(attribute.values.exclude(pk=exclude_pk).values_list("slug", flat=True))
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


# Attribute values on products and variants ------------------------------------------------


# Which field of the API's AttributeValueInput carries the value of each input type.
VALUE_FIELDS = {
    "dropdown": "values",
    "plain_text": "plain_text",
    "numeric": "numeric",
    "boolean": "boolean",
    "date": "date",
}


def _resolve_values(*, attribute: Attribute, item: dict, owner_key: str) -> list[AttributeValue]:
    """The AttributeValue rows one input item names, created where the input type keeps
    a value per owner (text, number, date, yes/no)."""
    field = VALUE_FIELDS.get(attribute.input_type, "plain_text")
    misplaced = [
        key for key in VALUE_FIELDS.values() if key != field and item.get(key) not in (None, [])
    ]
    if misplaced:
        # A value sent in another type's field would otherwise be dropped without a word.
        raise _error(
            "attributes",
            _("属性“%(name)s”的输入类型是“%(type)s”，取值类型不符。")
            % {"name": attribute.name, "type": attribute.get_input_type_display()},
            "INVALID",
        )
    raw: Any
    if attribute.input_type == "dropdown":
        raw = item.get("values") or []
    elif attribute.input_type == "boolean":
        raw = item.get("boolean")
    elif attribute.input_type == "numeric":
        raw = item.get("numeric")
    elif attribute.input_type == "date":
        raw = item.get("date")
        raw = raw.isoformat() if raw is not None else None
    else:
        raw = item.get("plain_text")
    if raw is None or raw == []:
        if attribute.value_required:
            raise _error(
                "attributes",
                _("属性“%(name)s”必须填写。") % {"name": attribute.name},
                "REQUIRED",
            )
        return []
    choices = list(attribute.values.values_list("slug", "name"))
    try:
        specs = value_specs(
            attribute={"input_type": attribute.input_type, "slug": attribute.slug},
            raw=raw,
            owner_key=owner_key,
            choices=choices,
        )
    except ValueError as reason:
        raise _error("attributes", f"{attribute.name}: {reason}", "INVALID") from reason
    values = []
    for spec in specs:
        value, _created = AttributeValue.objects.update_or_create(
            attribute=attribute, slug=spec.slug, defaults=spec.fields()
        )
        values.append(value)
    return values


def _assign_values(*, owner, assigned_model, owner_field: str, allowed, items, owner_key):
    allowed_ids = {attribute.pk for attribute in allowed}
    seen: set[int] = set()
    values: list[AttributeValue] = []
    for item in items:
        attribute = item["attribute"]
        if attribute.pk in seen:
            raise _error("attributes", _("同一属性不能重复填写。"), "DUPLICATED_INPUT_ITEM")
        seen.add(attribute.pk)
        if attribute.pk not in allowed_ids:
            raise _error(
                "attributes",
                _("属性“%(name)s”不属于该商品类型。") % {"name": attribute.name},
                "ATTRIBUTE_NOT_ASSIGNED",
            )
        values += _resolve_values(attribute=attribute, item=item, owner_key=owner_key)
    assigned_model.objects.filter(**{owner_field: owner}, value__attribute_id__in=seen).delete()
    assigned_model.objects.bulk_create(
        assigned_model(**{owner_field: owner}, value=value, sort_order=index)
        for index, value in enumerate(values)
    )
    _bulk_changed()


# Products and variants ----------------------------------------------------------------------


def _description_plaintext(description: dict) -> str:
    blocks = description.get("blocks") if isinstance(description, dict) else None
    if not isinstance(blocks, list):
        return ""
    texts = []
    for block in blocks:
        data = block.get("data") if isinstance(block, dict) else None
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            texts.append(data["text"])
    return "\n".join(texts)


@transaction.atomic
def save_product(*, product: Product | None, data: dict) -> Product:
    creating = product is None
    product = product or Product()
    if creating:
        if data.get("product_type") is None:
            raise _error("product_type", _("请选择商品类型。"), "REQUIRED")
        product.product_type = data["product_type"]
    elif "product_type" in data and data["product_type"] != product.product_type:
        raise _error("product_type", _("已创建的商品不能更换商品类型。"), "INVALID")
    apply_fields(
        product,
        data,
        ("category", "vendor", "name", "seo_title", "seo_description", "weight_grams"),
    )
    if (
        not creating
        and product.category_id is None
        and product.channel_listings.filter(is_published=True).exists()
    ):
        raise _error(
            "category",
            _("已发布的商品必须属于某个分类，请先下架再移除分类。"),
            "PRODUCT_WITHOUT_CATEGORY",
        )
    if "description" in data:
        description = data["description"] or {}
        if not isinstance(description, dict):
            raise _error("description", _("描述应为 EditorJS JSON 对象。"), "INVALID")
        product.description = description
        product.description_plaintext = _description_plaintext(description)
    _with_slug(product, data)
    product.search_index_dirty = True
    full_save(product, exclude=("search_document",))
    if "attributes" in data:
        _assign_values(
            owner=product,
            assigned_model=AssignedProductAttributeValue,
            owner_field="product",
            allowed=product.product_type.product_attributes.all(),
            items=data["attributes"],
            owner_key=product.slug,
        )
    reindex_products([product.pk])
    return product


@transaction.atomic
def save_variant(
    *, variant: ProductVariant | None, product: Product | None, data: dict
) -> ProductVariant:
    variant = variant or ProductVariant(product=product)
    apply_fields(
        variant,
        data,
        ("sku", "name", "weight_grams", "track_inventory", "quantity_limit_per_customer"),
    )
    if not variant.sku:
        raise _error("sku", _("请填写 SKU。"), "REQUIRED")
    if ProductVariant.objects.filter(sku=variant.sku).exclude(pk=variant.pk).exists():
        raise _error("sku", _("SKU“%(sku)s”已被使用。") % {"sku": variant.sku}, "UNIQUE")
    full_save(variant)
    if "attributes" in data:
        _assign_values(
            owner=variant,
            assigned_model=AssignedVariantAttributeValue,
            owner_field="variant",
            allowed=variant.product.product_type.variant_attributes.all(),
            items=data["attributes"],
            owner_key=variant.sku,
        )
    reindex_products([variant.product_id])
    return variant


@transaction.atomic
def delete_variant(*, variant: ProductVariant) -> None:
    """Delete a variant; its product's lowest price per channel and search text follow."""
    product_id = variant.product_id
    channel_ids = list(variant.channel_listings.values_list("channel_id", flat=True))
    delete_instance(variant)
    for channel_id in channel_ids:
        refresh_listing_price(product_id=product_id, channel_id=channel_id)
    reindex_products([product_id])


@transaction.atomic
def delete_product(*, product: Product) -> None:
    """Delete a product with its variants, listings and media rows; its search text goes with
    the row (Product.search_document), so there is nothing to reindex."""
    delete_instance(product)


# Media ----------------------------------------------------------------------------------------


@transaction.atomic
def update_product_media(*, media: ProductMedia, data: dict) -> ProductMedia:
    if "alt" in data:
        media.alt = (data["alt"] or "")[:250]
        media.save(update_fields=["alt"])
    return media


@transaction.atomic
def delete_product_media(*, media: ProductMedia) -> None:
    """Delete the row, then the files once the deletion is committed: a rolled-back delete
    must not leave a row pointing at a removed file."""
    names = [media.image.name, *media.thumbnails.values_list("image", flat=True)]
    storage = media.image.storage
    delete_instance(media)

    def delete_files() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def reorder_product_media(*, product: Product, media_ids: list[int]) -> Product:
    """Put the product's images in the given order; every image must be named exactly once
    (Saleor: productMediaReorder), so no image silently keeps a stale position."""
    if len(media_ids) != len(set(media_ids)):
        raise _error("media_ids", _("同一图片不能重复出现。"), "DUPLICATED_INPUT_ITEM")
    media = {item.pk: item for item in product.media.select_for_update()}
    foreign = [pk for pk in media_ids if pk not in media]
    if foreign:
        raise _error("media_ids", _("这些图片不属于该商品。"), "NOT_PRODUCTS_IMAGE")
    if len(media_ids) != len(media):
        raise _error("media_ids", _("请给出该商品全部图片的顺序。"), "INVALID")
    for index, pk in enumerate(media_ids):
        media[pk].sort_order = index
    ProductMedia.objects.bulk_update(media.values(), ["sort_order"])
    _bulk_changed()
    return product


# Channel listings and prices ----------------------------------------------------------------


def _price(value, field: str) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise _error(field, _("价格不能为负数。"), "INVALID_PRICE")
    if amount != amount.quantize(FEN):
        raise _error(field, _("价格最多保留两位小数（分）。"), "INVALID_PRICE")
    if amount >= Decimal("10000000000"):
        raise _error(field, _("价格过大。"), "INVALID_PRICE")
    return amount


def refresh_listing_price(*, product_id: int, channel_id: int) -> None:
    """Keep the product's lowest price in a channel, used for sorting, filters and the rule
    that only priced products are shown (backend.catalog.selectors.visible_products)."""
    lowest = ProductVariantChannelListing.objects.filter(
        variant__product_id=product_id, channel_id=channel_id, price_amount__isnull=False
    ).aggregate(lowest=Min("discounted_price_amount"))["lowest"]
    ProductChannelListing.objects.filter(product_id=product_id, channel_id=channel_id).update(
        discounted_price_amount=lowest
    )
    _bulk_changed()


@transaction.atomic
def update_product_channel_listings(
    *, product: Product, update: list[dict], remove: list, actor
) -> Product:
    channel_ids = [item["channel"].pk for item in update] + [channel.pk for channel in remove]
    if len(channel_ids) != len(set(channel_ids)):
        raise _error("channels", _("同一渠道不能重复出现。"), "DUPLICATED_INPUT_ITEM")
    for item in update:
        listing, _created = ProductChannelListing.objects.get_or_create(
            product=product,
            channel=item["channel"],
            defaults={"currency": item["channel"].currency_code},
        )
        before = {"is_published": listing.is_published, "published_at": listing.published_at}
        apply_fields(
            listing,
            item,
            ("is_published", "published_at", "visible_in_listings", "available_for_purchase_at"),
        )
        if item.get("is_available_for_purchase") is False:
            listing.available_for_purchase_at = None
        elif item.get("is_available_for_purchase") and listing.available_for_purchase_at is None:
            listing.available_for_purchase_at = timezone.now()
        if listing.is_published and product.category_id is None:
            # Saleor's rule: the storefront's navigation is by category, so a product without
            # one would be published yet unreachable.
            raise _error(
                "is_published",
                _("商品尚未设置分类，不能发布。"),
                "PRODUCT_WITHOUT_CATEGORY",
            )
        if listing.is_published and listing.published_at is None:
            listing.published_at = timezone.now()
        listing.save()
        refresh_listing_price(product_id=product.pk, channel_id=listing.channel_id)
        audit.record(
            actor=actor,
            action="product.channel_listing_updated",
            instance=listing,
            before=before,
            after={"is_published": listing.is_published, "published_at": listing.published_at},
        )
    if remove:
        ProductChannelListing.objects.filter(product=product, channel__in=remove).delete()
        ProductVariantChannelListing.objects.filter(
            variant__product=product, channel__in=remove
        ).delete()
    return product


@transaction.atomic
def update_variant_channel_listings(
    *, variant: ProductVariant, prices: list[dict], actor
) -> ProductVariant:
    channel_ids = [item["channel"].pk for item in prices]
    if len(channel_ids) != len(set(channel_ids)):
        raise _error("channel_id", _("同一渠道不能重复出现。"), "DUPLICATED_INPUT_ITEM")
    for item in prices:
        channel = item["channel"]
        if not ProductChannelListing.objects.filter(
            product_id=variant.product_id, channel=channel
        ).exists():
            raise _error(
                "channel_id",
                _("商品尚未加入渠道“%(channel)s”。") % {"channel": channel.slug},
                "PRODUCT_NOT_ASSIGNED_TO_CHANNEL",
            )
        price = _price(item.get("price"), "price")
        if price is None:
            raise _error("price", _("请填写价格。"), "REQUIRED")
        cost = _price(item.get("cost_price"), "cost_price")
        prior = _price(item.get("prior_price"), "prior_price")
        listing = ProductVariantChannelListing.objects.filter(
            variant=variant, channel=channel
        ).first()
        before = (
            {"price": listing.price_amount, "cost_price": listing.cost_price_amount}
            if listing
            else None
        )
        listing = listing or ProductVariantChannelListing(
            variant=variant, channel=channel, currency=channel.currency_code
        )
        listing.price_amount = price
        listing.discounted_price_amount = price
        if "cost_price" in item:
            listing.cost_price_amount = cost
        if "prior_price" in item:
            listing.prior_price_amount = prior
        listing.save()
        refresh_listing_price(product_id=variant.product_id, channel_id=channel.pk)
        audit.record(
            actor=actor,
            action="variant.price_changed",
            instance=listing,
            before=before,
            after={"price": listing.price_amount, "cost_price": listing.cost_price_amount},
        )
    return variant


# Collections --------------------------------------------------------------------------------


@transaction.atomic
def save_collection(*, collection: Collection | None, data: dict) -> Collection:
    collection = collection or Collection()
    apply_fields(
        collection, data, ("name", "description", "seo_title", "seo_description", "sort_order")
    )
    _with_slug(collection, data)
    full_save(collection)
    if data.get("products"):
        add_collection_products(collection=collection, products=data["products"])
    return collection


@transaction.atomic
def add_collection_products(*, collection: Collection, products: list[Product]) -> Collection:
    without_variants = [product.name for product in products if not product.variants.exists()]
    if without_variants:
        # Saleor's rule: a collection is a shop window, and a product without variants has
        # nothing to buy.
        raise _error(
            "products",
            _("这些商品还没有规格，不能加入专题：%(names)s")
            % {"names": "、".join(without_variants)},
            "CANNOT_MANAGE_PRODUCT_WITHOUT_VARIANT",
        )
    existing = set(collection.collectionproduct.values_list("product_id", flat=True))
    start = collection.collectionproduct.count()
    CollectionProduct.objects.bulk_create(
        CollectionProduct(collection=collection, product=product, sort_order=start + index)
        for index, product in enumerate(p for p in products if p.pk not in existing)
    )
    _bulk_changed()
    return collection


@transaction.atomic
def remove_collection_products(*, collection: Collection, products: list[Product]) -> Collection:
    CollectionProduct.objects.filter(collection=collection, product__in=products).delete()
    return collection


@transaction.atomic
def update_collection_channel_listings(
    *, collection: Collection, update: list[dict], remove: list
) -> Collection:
    for item in update:
        listing, _created = CollectionChannelListing.objects.get_or_create(
            collection=collection, channel=item["channel"]
        )
        apply_fields(listing, item, ("is_published", "published_at"))
        listing.save()
    if remove:
        CollectionChannelListing.objects.filter(collection=collection, channel__in=remove).delete()
    return collection
