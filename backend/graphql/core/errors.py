"""The error shape of the API.

Mutations return `errors { field message code }` (Saleor's shape) with a per-domain code enum
and write nothing when any error is returned. Queries that cannot be answered raise a
`GraphQLError` whose `extensions.exception.code` is a stable code.
"""

from __future__ import annotations

import enum

import graphene
from django.core.exceptions import ValidationError
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError


class QueryErrorCode(enum.StrEnum):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED"
    PAGINATION_REQUIRED = "PAGINATION_REQUIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    CHANNEL_REQUIRED = "CHANNEL_REQUIRED"
    JWT_INVALID_TOKEN = "JWT_INVALID_TOKEN"
    JWT_SIGNATURE_EXPIRED = "JWT_SIGNATURE_EXPIRED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class ApiError(GraphQLError):
    """A query-level error with a stable code in `extensions.exception.code`."""

    def __init__(self, message: str, *, code: QueryErrorCode | str, field: str | None = None):
        extensions: dict = {"exception": {"code": str(code)}}
        if field:
            extensions["exception"]["field"] = field
        super().__init__(message, extensions=extensions)
        self.code = str(code)


class PermissionDenied(ApiError):
    def __init__(self, permissions=None):
        names = ", ".join(p.name for p in permissions or [])
        message = "You do not have permission to perform this action."
        if names:
            message = f"{message} Requires: {names}."
        super().__init__(message, code=QueryErrorCode.PERMISSION_DENIED)


def error_type(
    name: str, code_enum: type[graphene.Enum], extra_fields: dict | None = None
) -> type[graphene.ObjectType]:
    """A Saleor-style error type: `<Domain>Error { field message code }`, plus `extra_fields`
    (e.g. checkout errors' `lines` and `variants`), filled from the ValidationError's params."""
    error_class = type(
        name,
        (graphene.ObjectType,),
        {
            "field": graphene.String(
                description="Name of the input field that caused the error; null when the "
                "error concerns the whole input."
            ),
            "message": graphene.String(description="The error message, in the user's language."),
            "code": graphene.Field(code_enum, required=True, description="The error code."),
            "__doc__": f"Errors of {name.removesuffix('Error')} mutations.",
            **(extra_fields or {}),
        },
    )
    error_class.code_enum = code_enum  # type: ignore[attr-defined]
    return error_class


def validation_errors(error: ValidationError, default_code: str) -> list[dict]:
    """Flatten a Django ValidationError into `{field, message, code}` dictionaries."""
    items: list[dict] = []
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            for item in field_errors:
                items.append(_item(item, None if field == "__all__" else field, default_code))
    else:
        for item in error.error_list:
            items.append(_item(item, None, default_code))
    return items


# Django's own validation codes, in the API's vocabulary.
DJANGO_CODES = {
    "blank": "REQUIRED",
    "null": "REQUIRED",
    "required": "REQUIRED",
    "unique": "UNIQUE",
    "unique_together": "UNIQUE",
}


def _item(error: ValidationError, field: str | None, default_code: str) -> dict:
    params = error.params or {}
    try:
        message = error.message % params if params else error.message
    except (KeyError, TypeError, ValueError):
        message = error.message
    name = params.get("field", field) if isinstance(params, dict) else field
    code = error.code or default_code
    item = {
        "field": to_camel_case(name) if name else None,
        "message": str(message),
        "code": DJANGO_CODES.get(code, code).upper(),
    }
    if isinstance(params, dict):
        # Global IDs of the objects the error concerns (CheckoutError.lines, .variants, …).
        item.update(
            {key: params[key] for key in ("lines", "variants", "order_lines") if key in params}
        )
    return item
