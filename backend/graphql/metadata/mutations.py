"""Saleor's `updateMetadata(id:, input:)` for products, variants and checkouts.

A checkout's metadata may be changed by whoever holds its ID (as in Saleor: the ID is the
cart's capability); a product's or variant's needs MANAGE_PRODUCTS.
"""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphql_relay import from_global_id

from backend.catalog.models import Product, ProductVariant
from backend.catalog.selectors import can_manage_products
from backend.graphql.core.errors import error_type
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.metadata.types import MetadataInput, ObjectWithMetadata

MAX_KEYS = 100
MAX_KEY_LENGTH = 256
MAX_VALUE_LENGTH = 2000


class MetadataErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"


MetadataError = error_type("MetadataError", MetadataErrorCode)


def _not_found() -> ValidationError:
    return ValidationError({"id": ValidationError(_("对象不存在。"), code="NOT_FOUND")})


def _target(info, global_id: str):
    try:
        type_name, raw = from_global_id(global_id)
    except (TypeError, ValueError, UnicodeDecodeError):
        raise _not_found() from None
    if type_name == "Checkout":
        from backend.graphql.checkout.mutations import get_checkout

        return get_checkout(info, global_id, lock=True)
    models = {"Product": Product, "ProductVariant": ProductVariant}
    if type_name not in models or not raw.isdigit():
        raise _not_found()
    user = info.context.user
    if not (user.is_authenticated and user.is_staff and can_manage_products(user)):
        message = _("需要“管理商品”权限。")
        raise ValidationError({"id": ValidationError(message, code="PERMISSION_DENIED")})
    instance = models[type_name]._default_manager.select_for_update().filter(pk=int(raw)).first()
    if instance is None:
        raise _not_found()
    return instance


def _validated(items) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in items:
        key = (item["key"] or "").strip()
        if not key:
            raise ValidationError({"input": ValidationError(_("键不能为空。"), code="REQUIRED")})
        if len(key) > MAX_KEY_LENGTH or len(item["value"]) > MAX_VALUE_LENGTH:
            raise ValidationError({"input": ValidationError(_("键或值太长。"), code="INVALID")})
        data[key] = item["value"]
    return data


class UpdateMetadata(BaseMutation):
    item = graphene.Field(ObjectWithMetadata)

    class Arguments:
        id = graphene.ID(required=True, description="A Product, ProductVariant or Checkout ID.")
        input = graphene.List(graphene.NonNull(MetadataInput), required=True)

    class Meta:
        description = "Adds or replaces public metadata keys of an object."
        error_type_class = MetadataError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        instance = _target(info, id)
        metadata = {**(instance.metadata or {}), **_validated(input)}
        if len(metadata) > MAX_KEYS:
            raise ValidationError(
                {"input": ValidationError(_("元数据最多 100 个键。"), code="INVALID")}
            )
        instance.metadata = metadata
        instance.save(update_fields=["metadata"])
        if type(instance).__name__ == "Checkout":
            return cls(item=type(instance).objects.select_related("channel").get(pk=instance.pk))
        return cls(item=instance)


class MetadataMutations(graphene.ObjectType):
    update_metadata = UpdateMetadata.Field()
