"""Staff mutations of the catalog (Saleor names, inputs and payloads).

Each mutation decodes its input (IDs into rows, kilograms into grams), calls one service in
backend/catalog/services.py and returns the changed object with `errors`; the services hold
the business rules.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphene.types.generic import GenericScalar

from backend.catalog import models, services
from backend.catalog.error_codes import AttributeErrorCode, CollectionErrorCode, ProductErrorCode
from backend.catalog.media import ProductMediaError, ProductMediaErrorCode, create_product_media
from backend.channel.models import Channel as ChannelModel
from backend.core.permissions import Permission
from backend.graphql.catalog.enums import (
    AttributeInputTypeEnum,
    ProductTypeKindEnum,
    enum_from_choices,
)
from backend.graphql.catalog.types import (
    Attribute,
    AttributeValue,
    Category,
    Collection,
    Product,
    ProductMedia,
    ProductType,
    ProductVariant,
)
from backend.graphql.core.errors import error_type
from backend.graphql.core.ids import decode_ids
from backend.graphql.core.inputs import get_instance, get_instances, seo_fields, weight_to_grams
from backend.graphql.core.mutations import BaseMutation, delete_mutation, model_mutations
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.core.upload import Upload
from backend.graphql.inventory.mutations import StockInput, stocks_from_input
from backend.inventory.services import set_stocks
from backend.vendors.models import Vendor

ProductErrorCodeEnum = enum_from_choices("ProductErrorCode", ProductErrorCode)
AttributeErrorCodeEnum = enum_from_choices("AttributeErrorCode", AttributeErrorCode)
ProductError = error_type("ProductError", ProductErrorCodeEnum)
AttributeError_ = error_type("AttributeError", AttributeErrorCodeEnum)
CollectionErrorCodeEnum = enum_from_choices("CollectionErrorCode", CollectionErrorCode)
CollectionError = error_type("CollectionError", CollectionErrorCodeEnum)

PRODUCTS = [Permission.MANAGE_PRODUCTS]
TYPES = [Permission.MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES]


class SeoInput(graphene.InputObjectType):
    title = graphene.String()
    description = graphene.String()


def _channels(ids, field="channel_id") -> list[ChannelModel]:
    return get_instances(ChannelModel.objects.all(), ids, "Channel", field=field)


def _with_channels(items) -> list[dict]:
    """Listing inputs with their `channelId` resolved to the channel row."""
    channels = _channels([item["channel_id"] for item in items])
    return [
        {**dict(item), "channel": channel} for item, channel in zip(items, channels, strict=True)
    ]


# Categories -------------------------------------------------------------------------------


class CategoryInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    description = GenericScalar(description="Rich description as EditorJS JSON.")
    seo = SeoInput()


def _category_data(data: dict) -> dict:
    result = {k: data[k] for k in ("name", "slug", "description") if k in data}
    return {**result, **seo_fields(data)}


class CategoryCreate(BaseMutation):
    category = graphene.Field(Category)

    class Arguments:
        input = CategoryInput(required=True)
        parent = graphene.ID(description="ID of the parent category; none for a top category.")

    class Meta:
        description = "Creates a new category."
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, input, parent=None):
        data = _category_data(input)
        data["parent"] = (
            get_instance(models.Category.objects, parent, "Category", field="parent")
            if parent
            else None
        )
        return cls(category=services.save_category(category=None, data=data))


class CategoryUpdate(BaseMutation):
    category = graphene.Field(Category)

    class Arguments:
        id = graphene.ID(required=True)
        input = CategoryInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        category = get_instance(models.Category.objects, id, "Category", field="id")
        return cls(category=services.save_category(category=category, data=_category_data(input)))


CategoryDelete = delete_mutation(
    "CategoryDelete",
    models.Category,
    "Category",
    Category,
    "category",
    PRODUCTS,
    ProductError,
    delete=lambda category: services.delete_category(category=category),
)


# Product types and attributes -------------------------------------------------------------


class ProductTypeInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    kind = graphene.Argument(ProductTypeKindEnum)
    has_variants = graphene.Boolean()
    is_shipping_required = graphene.Boolean()
    weight = graphene.Float(description="Default weight in kilograms.")
    tax_rate = PositiveDecimal(description="VAT included in prices, e.g. 0.09.")
    product_attributes = graphene.List(graphene.NonNull(graphene.ID))
    variant_attributes = graphene.List(graphene.NonNull(graphene.ID))


def _product_type_data(data: dict) -> dict:
    result = {
        k: data[k]
        for k in ("name", "slug", "kind", "has_variants", "is_shipping_required", "tax_rate")
        if k in data and data[k] is not None
    }
    if "kind" in result:
        result["kind"] = getattr(result["kind"], "value", result["kind"])
    if "weight" in data:
        result["weight_grams"] = weight_to_grams(data["weight"])
    for key in ("product_attributes", "variant_attributes"):
        if key in data:
            result[key] = get_instances(
                models.Attribute.objects.all(), data[key] or [], "Attribute", field=key
            )
    return result


ProductTypeCreate, ProductTypeUpdate, ProductTypeDelete = model_mutations(
    type_name="ProductType",
    model=models.ProductType,
    graphene_type=ProductType,
    field_name="product_type",
    create_input=ProductTypeInput,
    update_input=ProductTypeInput,
    to_data=_product_type_data,
    save=lambda instance, data: services.save_product_type(product_type=instance, data=data),
    permissions=TYPES,
    error_class=ProductError,
)


class AttributeValueCreateInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    slug = graphene.String()


class AttributeCreateInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    input_type = graphene.Argument(AttributeInputTypeEnum)
    unit = graphene.String()
    value_required = graphene.Boolean()
    visible_in_storefront = graphene.Boolean()
    filterable_in_storefront = graphene.Boolean()
    values = graphene.List(graphene.NonNull(AttributeValueCreateInput))


class AttributeUpdateInput(AttributeCreateInput):
    """The same fields as AttributeCreateInput; `values` adds values."""


def _attribute_data(data: dict) -> dict:
    result = {
        k: data[k]
        for k in (
            "name",
            "slug",
            "input_type",
            "unit",
            "value_required",
            "visible_in_storefront",
            "filterable_in_storefront",
        )
        if k in data and data[k] is not None
    }
    if "input_type" in result:
        result["input_type"] = getattr(result["input_type"], "value", result["input_type"])
    if data.get("values"):
        result["values"] = [value["name"] for value in data["values"]]
    return result


AttributeCreate, AttributeUpdate, AttributeDelete = model_mutations(
    type_name="Attribute",
    model=models.Attribute,
    graphene_type=Attribute,
    field_name="attribute",
    create_input=AttributeCreateInput,
    update_input=AttributeUpdateInput,
    to_data=_attribute_data,
    save=lambda instance, data: services.save_attribute(attribute=instance, data=data),
    permissions=TYPES,
    error_class=AttributeError_,
    delete=lambda attribute: services.delete_attribute(attribute=attribute),
)


class AttributeValueCreate(BaseMutation):
    attribute = graphene.Field(Attribute)
    attribute_value = graphene.Field(AttributeValue)

    class Arguments:
        attribute = graphene.ID(required=True)
        input = AttributeValueCreateInput(required=True)

    class Meta:
        permissions = TYPES
        error_type_class = AttributeError_

    @classmethod
    def perform_mutation(cls, root, info, attribute, input):
        owner = get_instance(models.Attribute.objects, attribute, "Attribute", field="attribute")
        value = services.save_attribute_value(attribute=owner, value=None, data=dict(input))
        return cls(attribute=owner, attribute_value=value)


class AttributeValueUpdate(BaseMutation):
    attribute_value = graphene.Field(AttributeValue)

    class Arguments:
        id = graphene.ID(required=True)
        input = AttributeValueCreateInput(required=True)

    class Meta:
        permissions = TYPES
        error_type_class = AttributeError_

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        value = get_instance(
            models.AttributeValue.objects.select_related("attribute"),
            id,
            "AttributeValue",
            field="id",
        )
        value = services.save_attribute_value(
            attribute=value.attribute, value=value, data=dict(input)
        )
        return cls(attribute_value=value)


AttributeValueDelete = delete_mutation(
    "AttributeValueDelete",
    models.AttributeValue,
    "AttributeValue",
    AttributeValue,
    "attribute_value",
    TYPES,
    AttributeError_,
    delete=lambda value: services.delete_attribute_value(value=value),
)


# Products and variants ----------------------------------------------------------------------


class AttributeValueInput(graphene.InputObjectType):
    id = graphene.ID(required=True, description="ID of the attribute.")
    values = graphene.List(
        graphene.NonNull(graphene.String), description="Dropdown values, by name or slug."
    )
    plain_text = graphene.String()
    numeric = graphene.String(description="A number, as text (Saleor's input shape).")
    boolean = graphene.Boolean()
    date = graphene.Date()


def _attributes(items) -> list[dict]:
    attributes = get_instances(
        models.Attribute.objects.all(),
        [item["id"] for item in items],
        "Attribute",
        field="attributes",
    )
    return [{**dict(item), "attribute": attr} for item, attr in zip(items, attributes, strict=True)]


class ProductInput(graphene.InputObjectType):
    category = graphene.ID()
    vendor = graphene.ID()
    name = graphene.String()
    slug = graphene.String()
    description = GenericScalar()
    seo = SeoInput()
    weight = graphene.Float(description="Weight in kilograms.")
    attributes = graphene.List(graphene.NonNull(AttributeValueInput))


class ProductCreateInput(ProductInput):
    product_type = graphene.ID(required=True)


def _product_data(data: dict) -> dict:
    result = {k: data[k] for k in ("name", "slug", "description") if k in data}
    result.update(seo_fields(data))
    if "category" in data:
        result["category"] = (
            get_instance(models.Category.objects, data["category"], "Category", field="category")
            if data["category"]
            else None
        )
    if "vendor" in data:
        result["vendor"] = (
            get_instance(Vendor.objects, data["vendor"], "Vendor", field="vendor")
            if data["vendor"]
            else None
        )
    if "weight" in data:
        result["weight_grams"] = weight_to_grams(data["weight"])
    if "product_type" in data:
        result["product_type"] = get_instance(
            models.ProductType.objects, data["product_type"], "ProductType", field="product_type"
        )
    if data.get("attributes") is not None:
        result["attributes"] = _attributes(data["attributes"])
    return result


ProductCreate, ProductUpdate, ProductDelete = model_mutations(
    type_name="Product",
    model=models.Product,
    graphene_type=Product,
    field_name="product",
    create_input=ProductCreateInput,
    update_input=ProductInput,
    to_data=_product_data,
    save=lambda instance, data: services.save_product(product=instance, data=data),
    permissions=PRODUCTS,
    error_class=ProductError,
    delete=lambda product: services.delete_product(product=product),
)


class ProductVariantInput(graphene.InputObjectType):
    sku = graphene.String()
    name = graphene.String()
    weight = graphene.Float(description="Weight in kilograms.")
    track_inventory = graphene.Boolean()
    quantity_limit_per_customer = graphene.Int()
    attributes = graphene.List(graphene.NonNull(AttributeValueInput))


class ProductVariantCreateInput(ProductVariantInput):
    product = graphene.ID(required=True)
    stocks = graphene.List(graphene.NonNull(StockInput))


def _variant_data(data: dict) -> dict:
    result = {
        k: data[k]
        for k in ("sku", "name", "track_inventory", "quantity_limit_per_customer")
        if k in data
    }
    if result.get("quantity_limit_per_customer") is not None and (
        result["quantity_limit_per_customer"] < 1
    ):
        raise ValidationError(
            {
                "quantity_limit_per_customer": ValidationError(
                    _("限购数量至少为 1。"), code="INVALID"
                )
            }
        )
    if "weight" in data:
        result["weight_grams"] = weight_to_grams(data["weight"])
    if data.get("attributes") is not None:
        result["attributes"] = _attributes(data["attributes"])
    return result


class ProductVariantCreate(BaseMutation):
    product_variant = graphene.Field(ProductVariant)

    class Arguments:
        input = ProductVariantCreateInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, input):
        product = get_instance(models.Product.objects, input["product"], "Product", field="product")
        variant = services.save_variant(variant=None, product=product, data=_variant_data(input))
        if input.get("stocks"):
            set_stocks(
                variant=variant,
                stocks=stocks_from_input(input["stocks"]),
                actor=info.context.user,
                create_only=True,
            )
        return cls(product_variant=variant)


class ProductVariantUpdate(BaseMutation):
    product_variant = graphene.Field(ProductVariant)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductVariantInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        variant = get_instance(models.ProductVariant.objects, id, "ProductVariant", field="id")
        variant = services.save_variant(variant=variant, product=None, data=_variant_data(input))
        return cls(product_variant=variant)


ProductVariantDelete = delete_mutation(
    "ProductVariantDelete",
    models.ProductVariant,
    "ProductVariant",
    ProductVariant,
    "product_variant",
    PRODUCTS,
    ProductError,
    delete=lambda variant: services.delete_variant(variant=variant),
)


# Media ----------------------------------------------------------------------------------------


# The media service's reasons, in ProductErrorCode's vocabulary: Saleor answers a file that is
# not a usable image with INVALID, and keeps NOT_PRODUCTS_IMAGE for a media ID of another
# product (productMediaReorder).
MEDIA_ERROR_CODES = {
    ProductMediaErrorCode.FILE_TOO_LARGE: ProductErrorCode.FILE_TOO_LARGE,
    ProductMediaErrorCode.REQUIRED: ProductErrorCode.REQUIRED,
}


class ProductMediaCreateInput(graphene.InputObjectType):
    product = graphene.ID(required=True)
    image = Upload(description="The image file (multipart request).")
    alt = graphene.String()


class ProductMediaCreate(BaseMutation):
    product = graphene.Field(Product)
    media = graphene.Field(ProductMedia)

    class Arguments:
        input = ProductMediaCreateInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, input):
        product = get_instance(models.Product.objects, input["product"], "Product", field="product")
        image = input.get("image")
        if image is None:
            raise ValidationError({"image": ValidationError(_("请上传图片。"), code="REQUIRED")})
        try:
            media = create_product_media(
                product=product, image_file=image, alt=input.get("alt") or ""
            )
        except ProductMediaError as error:
            code = MEDIA_ERROR_CODES.get(str(error.code), ProductErrorCode.INVALID)
            raise ValidationError(
                {error.field or "image": ValidationError(error.message, code=code)}
            ) from error
        return cls(product=product, media=media)


class ProductMediaUpdateInput(graphene.InputObjectType):
    alt = graphene.String(
        description="Text shown in place of the image and read by screen readers."
    )


class ProductMediaUpdate(BaseMutation):
    product = graphene.Field(Product)
    media = graphene.Field(ProductMedia)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductMediaUpdateInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        media = get_instance(models.ProductMedia.objects, id, "ProductMedia", field="id")
        media = services.update_product_media(media=media, data=dict(input))
        return cls(product=media.product, media=media)


ProductMediaDelete = delete_mutation(
    "ProductMediaDelete",
    models.ProductMedia,
    "ProductMedia",
    ProductMedia,
    "media",
    PRODUCTS,
    ProductError,
    delete=lambda media: services.delete_product_media(media=media),
)


class ProductMediaReorder(BaseMutation):
    product = graphene.Field(Product)

    class Arguments:
        product_id = graphene.ID(required=True)
        media_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, product_id, media_ids):
        product = get_instance(models.Product.objects, product_id, "Product", field="product_id")
        pks = decode_ids(media_ids, "ProductMedia", field="media_ids")
        return cls(product=services.reorder_product_media(product=product, media_ids=pks))


# Channel listings -------------------------------------------------------------------------------


class ProductChannelListingAddInput(graphene.InputObjectType):
    channel_id = graphene.ID(required=True)
    is_published = graphene.Boolean()
    published_at = graphene.DateTime()
    visible_in_listings = graphene.Boolean()
    is_available_for_purchase = graphene.Boolean()
    available_for_purchase_at = graphene.DateTime()


class ProductChannelListingUpdateInput(graphene.InputObjectType):
    update_channels = graphene.List(graphene.NonNull(ProductChannelListingAddInput))
    remove_channels = graphene.List(graphene.NonNull(graphene.ID))


class ProductChannelListingUpdate(BaseMutation):
    product = graphene.Field(Product)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductChannelListingUpdateInput(required=True)

    class Meta:
        description = "Publishes a product in channels or takes it out of them."
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        product = get_instance(models.Product.objects, id, "Product", field="id")
        updates = input.get("update_channels") or []
        update = _with_channels(updates)
        remove = _channels(input.get("remove_channels") or [], field="remove_channels")
        services.update_product_channel_listings(
            product=product, update=update, remove=remove, actor=info.context.user
        )
        return cls(product=product)


class ProductVariantChannelListingAddInput(graphene.InputObjectType):
    channel_id = graphene.ID(required=True)
    price = PositiveDecimal(required=True, description="Price including VAT.")
    cost_price = PositiveDecimal()
    prior_price = PositiveDecimal()


class ProductVariantChannelListingUpdate(BaseMutation):
    variant = graphene.Field(ProductVariant)

    class Arguments:
        id = graphene.ID(required=True)
        input = graphene.List(graphene.NonNull(ProductVariantChannelListingAddInput), required=True)

    class Meta:
        description = "Sets a variant's prices in channels."
        permissions = PRODUCTS
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        variant = get_instance(models.ProductVariant.objects, id, "ProductVariant", field="id")
        prices = _with_channels(input)
        services.update_variant_channel_listings(
            variant=variant, prices=prices, actor=info.context.user
        )
        return cls(variant=variant)


# Collections ------------------------------------------------------------------------------------


class CollectionInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    description = GenericScalar()
    seo = SeoInput()


class CollectionCreateInput(CollectionInput):
    products = graphene.List(graphene.NonNull(graphene.ID))


def _collection_data(data: dict) -> dict:
    result = {k: data[k] for k in ("name", "slug", "description") if k in data}
    result.update(seo_fields(data))
    if data.get("products"):
        result["products"] = get_instances(
            models.Product.objects.all(), data["products"], "Product", field="products"
        )
    return result


CollectionCreate, CollectionUpdate, CollectionDelete = model_mutations(
    type_name="Collection",
    model=models.Collection,
    graphene_type=Collection,
    field_name="collection",
    create_input=CollectionCreateInput,
    update_input=CollectionInput,
    to_data=_collection_data,
    save=lambda instance, data: services.save_collection(collection=instance, data=data),
    permissions=PRODUCTS,
    error_class=CollectionError,
)


class CollectionAddProducts(BaseMutation):
    collection = graphene.Field(Collection)

    class Arguments:
        collection_id = graphene.ID(required=True)
        products = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = CollectionError

    @classmethod
    def perform_mutation(cls, root, info, collection_id, products):
        collection = get_instance(
            models.Collection.objects, collection_id, "Collection", field="collection_id"
        )
        items = get_instances(models.Product.objects.all(), products, "Product", field="products")
        return cls(
            collection=services.add_collection_products(collection=collection, products=items)
        )


class CollectionRemoveProducts(CollectionAddProducts):
    class Meta:
        permissions = PRODUCTS
        error_type_class = CollectionError

    @classmethod
    def perform_mutation(cls, root, info, collection_id, products):
        collection = get_instance(
            models.Collection.objects, collection_id, "Collection", field="collection_id"
        )
        items = get_instances(models.Product.objects.all(), products, "Product", field="products")
        return cls(
            collection=services.remove_collection_products(collection=collection, products=items)
        )


class CollectionChannelListingAddInput(graphene.InputObjectType):
    channel_id = graphene.ID(required=True)
    is_published = graphene.Boolean()
    published_at = graphene.DateTime()


class CollectionChannelListingUpdateInput(graphene.InputObjectType):
    add_channels = graphene.List(graphene.NonNull(CollectionChannelListingAddInput))
    remove_channels = graphene.List(graphene.NonNull(graphene.ID))


class CollectionChannelListingUpdate(BaseMutation):
    collection = graphene.Field(Collection)

    class Arguments:
        id = graphene.ID(required=True)
        input = CollectionChannelListingUpdateInput(required=True)

    class Meta:
        permissions = PRODUCTS
        error_type_class = CollectionError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        collection = get_instance(models.Collection.objects, id, "Collection", field="id")
        adds = input.get("add_channels") or []
        services.update_collection_channel_listings(
            collection=collection,
            update=_with_channels(adds),
            remove=_channels(input.get("remove_channels") or [], field="remove_channels"),
        )
        return cls(collection=collection)


class CatalogMutations(graphene.ObjectType):
    category_create = CategoryCreate.Field()
    category_update = CategoryUpdate.Field()
    category_delete = CategoryDelete.Field()
    product_type_create = ProductTypeCreate.Field()
    product_type_update = ProductTypeUpdate.Field()
    product_type_delete = ProductTypeDelete.Field()
    attribute_create = AttributeCreate.Field()
    attribute_update = AttributeUpdate.Field()
    attribute_delete = AttributeDelete.Field()
    attribute_value_create = AttributeValueCreate.Field()
    attribute_value_update = AttributeValueUpdate.Field()
    attribute_value_delete = AttributeValueDelete.Field()
    product_create = ProductCreate.Field()
    product_update = ProductUpdate.Field()
    product_delete = ProductDelete.Field()
    product_variant_create = ProductVariantCreate.Field()
    product_variant_update = ProductVariantUpdate.Field()
    product_variant_delete = ProductVariantDelete.Field()
    product_media_create = ProductMediaCreate.Field()
    product_media_update = ProductMediaUpdate.Field()
    product_media_delete = ProductMediaDelete.Field()
    product_media_reorder = ProductMediaReorder.Field()
    product_channel_listing_update = ProductChannelListingUpdate.Field()
    product_variant_channel_listing_update = ProductVariantChannelListingUpdate.Field()
    collection_create = CollectionCreate.Field()
    collection_update = CollectionUpdate.Field()
    collection_delete = CollectionDelete.Field()
    collection_add_products = CollectionAddProducts.Field()
    collection_remove_products = CollectionRemoveProducts.Field()
    collection_channel_listing_update = CollectionChannelListingUpdate.Field()
