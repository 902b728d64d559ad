"""Parsing and validating a query once, not on every request.

Storefronts send the same few query texts over and over; parsing and running graphql's
standard validation rules costs several milliseconds per request, so the result is kept per
query text (bounded LRU; very long texts are not kept). The request-dependent limits (depth,
cost with this request's variables) still run on every request.
"""

from __future__ import annotations

from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate

MAX_CACHED_QUERY_LENGTH = 20_000


def parse_and_validate(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    if len(query) > MAX_CACHED_QUERY_LENGTH:
        return _parse_and_validate(schema, query)
    return _cached(schema, query)


def _parse_and_validate(schema, query):
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    return document, tuple(validate(schema, document, specified_rules))


@lru_cache(maxsize=512)
def _cached(schema, query):
    return _parse_and_validate(schema, query)
