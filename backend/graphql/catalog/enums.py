"""GraphQL enums generated from the models' TextChoices, so a value has one spelling."""

import graphene

from backend.catalog.models import (
    AttributeInputType,
    CollectionKind,
    ProductTypeKind,
    ThumbnailFormat,
)
from backend.catalog.models import (
    ProductMediaType as ProductMediaTypeChoices,
)


def enum_from_choices(name: str, choices, description: str = "") -> type[graphene.Enum]:
    return graphene.Enum(
        name,
        [(member.name, member.value) for member in choices],
        description=description or None,
    )


AttributeInputTypeEnum = enum_from_choices("AttributeInputTypeEnum", AttributeInputType)
ProductTypeKindEnum = enum_from_choices(
    "ProductTypeKindEnum", ProductTypeKind, "What kind of goods a product type describes."
)
ProductMediaType = enum_from_choices("ProductMediaType", ProductMediaTypeChoices)
ThumbnailFormatEnum = enum_from_choices("ThumbnailFormatEnum", ThumbnailFormat)
CollectionKindEnum = enum_from_choices(
    "CollectionKindEnum", CollectionKind, "MANUAL: products chosen by hand; RULE: by its rule."
)


class OrderDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


class ProductOrderField(graphene.Enum):
    NAME = "name"
    RANK = "rank"
    PRICE = "price"
    MINIMAL_PRICE = "minimal_price"
    CREATED_AT = "created_at"
    LAST_MODIFIED_AT = "updated_at"


class StockAvailability(graphene.Enum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
