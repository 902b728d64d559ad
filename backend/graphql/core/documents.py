"""Parsing and validating a query once, not on every request.

Storefronts send the same few query texts over and over; parsing and running graphql's
standard validation rules costs several milliseconds per request, so the result is kept per
query text (bounded LRU; very long texts are not kept). The request-dependent limits (depth,
cost with this request's variables) still run on every request.

Parsing itself is bounded: at most GRAPHQL_MAX_TOKENS tokens (a storefront's largest query
has about 1,500), and a literal nested too deeply for the parser is an error of the query,
never a RecursionError of the server. Text the database cannot hold is refused here too
(`input_text.UnstorableTextRule`).
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate

from backend.graphql.core.errors import QueryErrorCode
from backend.graphql.core.input_text import UnstorableTextRule

MAX_CACHED_QUERY_LENGTH = 20_000
RULES = (*specified_rules, UnstorableTextRule)


def parse_and_validate(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    if len(query) > MAX_CACHED_QUERY_LENGTH:
        return _parse_and_validate(schema, query)
    return _cached(schema, query)


def _parse_and_validate(schema, query):
    try:
        document = parse(query, max_lexical_tokens=settings.GRAPHQL_MAX_TOKENS, max_comments=1_000)
        return document, tuple(validate(schema, document, RULES))
    except GraphQLError as error:
        return None, (error,)
    except RecursionError:
        return None, (
            GraphQLError(
                "The query is nested too deeply to be read.",
                extensions={"exception": {"code": QueryErrorCode.QUERY_TOO_DEEP.value}},
            ),
        )


@lru_cache(maxsize=512)
def _cached(schema, query):
    return _parse_and_validate(schema, query)
