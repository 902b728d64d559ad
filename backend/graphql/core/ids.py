"""Relay global IDs: `base64("<Type>:<pk>")`, decoded with a typed error for bad input."""

from __future__ import annotations

import uuid

from graphql_relay import from_global_id

from backend.graphql.core.errors import ApiError, QueryErrorCode


def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> int:
    try:
        type_name, raw_pk = from_global_id(global_id)
        if not type_name:
            raise ValueError(global_id)
        pk = int(raw_pk)
    except (TypeError, ValueError, UnicodeDecodeError) as error:
        raise ApiError(
            f"Couldn't resolve id: {global_id}.", code=QueryErrorCode.INVALID, field=field
        ) from error
    if type_name != expected_type:
        raise ApiError(
            f"Must receive a {expected_type} id.", code=QueryErrorCode.INVALID, field=field
        )
    if pk <= 0 or pk > 2**63 - 1:
        raise ApiError(
            f"Couldn't resolve id: {global_id}.", code=QueryErrorCode.INVALID, field=field
        )
    return pk


def decode_ids(global_ids, expected_type: str, *, field: str) -> list[int]:
    return [decode_id(value, expected_type, field=field) for value in global_ids or []]


def decode_uuid(global_id: str, expected_type: str, *, field: str = "id") -> uuid.UUID:
    """Decode the global ID of an object keyed by a UUID (checkouts, orders, their lines)."""
    try:
        type_name, raw_pk = from_global_id(global_id)
        pk = uuid.UUID(raw_pk)
    except (TypeError, ValueError, UnicodeDecodeError, AttributeError) as error:
        raise ApiError(
            f"Couldn't resolve id: {global_id}.", code=QueryErrorCode.INVALID, field=field
        ) from error
    if type_name != expected_type:
        raise ApiError(
            f"Must receive a {expected_type} id.", code=QueryErrorCode.INVALID, field=field
        )
    return pk
