import graphene

from backend.graphql.catalog import resolvers
from backend.graphql.catalog.filters import ProductFilterInput, ProductOrder
from backend.graphql.catalog.translations import LanguageCodeEnum
from backend.graphql.catalog.types import (
    Category,
    CategoryCountableConnection,
    Collection,
    CollectionCountableConnection,
    Product,
    ProductCountableConnection,
    ProductVariant,
    ProductVariantCountableConnection,
)
from backend.graphql.catalog.where import ProductWhereInput

CHANNEL_ARG = graphene.String(description="Slug of a channel for which the data is returned.")
SLUG_LANGUAGE_ARG = graphene.Argument(
    LanguageCodeEnum,
    description="Language of the slug; slugs here are the catalogue's own in every language, "
    "so this is accepted and changes nothing.",
)


class CategoryFilterInput(graphene.InputObjectType):
    search = graphene.String()
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))


class ProductVariantFilterInput(graphene.InputObjectType):
    search = graphene.String()
    sku = graphene.List(graphene.NonNull(graphene.String))


class CatalogQueries(graphene.ObjectType):
    categories = graphene.ConnectionField(
        CategoryCountableConnection,
        level=graphene.Int(description="Filter by the level in the category tree (0 = top)."),
        filter=CategoryFilterInput(),
        description="List of the shop's categories.",
    )
    category = graphene.Field(
        Category, id=graphene.ID(), slug=graphene.String(), slug_language_code=SLUG_LANGUAGE_ARG
    )
    collections = graphene.ConnectionField(
        CollectionCountableConnection, channel=CHANNEL_ARG, search=graphene.String()
    )
    collection = graphene.Field(
        Collection,
        id=graphene.ID(),
        slug=graphene.String(),
        channel=CHANNEL_ARG,
        slug_language_code=SLUG_LANGUAGE_ARG,
    )
    products = graphene.ConnectionField(
        ProductCountableConnection,
        channel=CHANNEL_ARG,
        filter=ProductFilterInput(),
        where=ProductWhereInput(description="Saleor's per-field filter, with AND/OR."),
        search=graphene.String(description="Search products by name, origin, vendor and more."),
        sort_by=ProductOrder(),
        description="List of the shop's products.",
    )
    product = graphene.Field(
        Product,
        id=graphene.ID(),
        slug=graphene.String(),
        channel=CHANNEL_ARG,
        slug_language_code=SLUG_LANGUAGE_ARG,
        description="Look up a product by ID or slug.",
    )
    product_variant = graphene.Field(
        ProductVariant, id=graphene.ID(), sku=graphene.String(), channel=CHANNEL_ARG
    )
    product_variants = graphene.ConnectionField(
        ProductVariantCountableConnection,
        ids=graphene.List(graphene.NonNull(graphene.ID)),
        channel=CHANNEL_ARG,
        filter=ProductVariantFilterInput(),
    )

    @staticmethod
    def resolve_categories(root, info, **kwargs):
        return resolvers.resolve_categories(info, **kwargs)

    @staticmethod
    def resolve_category(root, info, id=None, slug=None, slug_language_code=None):
        return resolvers.resolve_category(info, id=id, slug=slug)

    @staticmethod
    def resolve_collections(root, info, **kwargs):
        return resolvers.resolve_collections(info, **kwargs)

    @staticmethod
    def resolve_collection(root, info, slug_language_code=None, **kwargs):
        return resolvers.resolve_collection(info, **kwargs)

    @staticmethod
    def resolve_products(root, info, **kwargs):
        return resolvers.resolve_products(info, **kwargs)

    @staticmethod
    def resolve_product(root, info, slug_language_code=None, **kwargs):
        return resolvers.resolve_product(info, **kwargs)

    @staticmethod
    def resolve_product_variant(root, info, **kwargs):
        return resolvers.resolve_variant(info, **kwargs)

    @staticmethod
    def resolve_product_variants(root, info, **kwargs):
        return resolvers.resolve_variants(info, **kwargs)
