"""Relay global IDs: `base64("<Type>:<pk>")`, decoded with a typed error for bad input.

Every ID argument of the API goes through here, `node(id:)` included (`NodeField`): an ID that
is not base64, names no type or another type, or holds no valid key is the error INVALID with
the argument's name, never an exception inside a resolver.
"""

from __future__ import annotations

import uuid

import graphene
from django.core.exceptions import ValidationError
from django.db import models
from graphene.relay.node import NodeField as GrapheneNodeField
from graphql_relay import from_global_id

from backend.graphql.core.errors import ApiError, QueryErrorCode

MAX_BIGINT = 2**63 - 1


def _unresolvable(global_id, field: str) -> ApiError:
    return ApiError(f"Couldn't resolve id: {global_id}.", code=QueryErrorCode.INVALID, field=field)


def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> int:
    try:
        type_name, raw_pk = from_global_id(global_id)
        if not type_name:
            raise ValueError(global_id)
        pk = int(raw_pk)
    except (TypeError, ValueError, UnicodeDecodeError) as error:
        raise _unresolvable(global_id, field) from error
    if type_name != expected_type:
        raise ApiError(
            f"Must receive a {expected_type} id.", code=QueryErrorCode.INVALID, field=field
        )
    if not 0 < pk <= MAX_BIGINT:
        raise _unresolvable(global_id, field)
    return pk


def decode_ids(global_ids, expected_type: str, *, field: str) -> list[int]:
    return [decode_id(value, expected_type, field=field) for value in global_ids or []]


def decode_uuid(global_id: str, expected_type: str, *, field: str = "id") -> uuid.UUID:
    """Decode the global ID of an object keyed by a UUID (checkouts, orders, their lines)."""
    try:
        type_name, raw_pk = from_global_id(global_id)
        pk = uuid.UUID(raw_pk)
    except (TypeError, ValueError, UnicodeDecodeError, AttributeError) as error:
        raise _unresolvable(global_id, field) from error
    if type_name != expected_type:
        raise ApiError(
            f"Must receive a {expected_type} id.", code=QueryErrorCode.INVALID, field=field
        )
    return pk


def resolve_node(_root, info, id: str):
    """`node(id:)`: the object of any Node type, null when it does not exist or is not
    visible to the user (each type's `get_node` decides), INVALID when the ID is malformed."""
    try:
        type_name, raw_pk = from_global_id(id)
    except (TypeError, ValueError, UnicodeDecodeError) as error:
        raise _unresolvable(id, "id") from error
    schema_type = info.schema.get_type(type_name) if type_name else None
    graphene_type = getattr(schema_type, "graphene_type", None)
    interfaces = getattr(getattr(graphene_type, "_meta", None), "interfaces", ())
    if graphene_type is None or graphene.relay.Node not in interfaces:
        raise _unresolvable(id, "id")
    model = getattr(graphene_type._meta, "model", None)
    if model is not None:
        pk_field = model._meta.pk
        try:
            pk = pk_field.to_python(raw_pk)
        except ValidationError as error:
            raise _unresolvable(id, "id") from error
        if isinstance(pk_field, models.IntegerField) and not 0 < pk <= MAX_BIGINT:
            raise _unresolvable(id, "id")
    return graphene_type.get_node(info, raw_pk)


class NodeField(GrapheneNodeField):
    """graphene's `node(id: ID!): Node` with the decoding above."""

    def __init__(self):
        super().__init__(graphene.relay.Node)

    def wrap_resolve(self, parent_resolver):
        return resolve_node
