"""Relay connections with `totalCount` and a maximum page size.

Cursors are opaque offsets. Every connection asks for `first` or `last` (as Saleor does), and
neither may exceed `GRAPHQL_MAX_PAGE_SIZE`: a client learns the limit from a clear error
instead of a silently shortened page.
"""

from __future__ import annotations

import base64
import binascii

import graphene
from django.conf import settings
from django.db.models import QuerySet

from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, QueryErrorCode

CURSOR_PREFIX = "offset:"


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(description="Number of items in the whole result.")

    @staticmethod
    def resolve_total_count(root, info):
        return root.count()


def offset_to_cursor(offset: int) -> str:
    return base64.b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def cursor_to_offset(cursor: str, argument: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text[len(CURSOR_PREFIX) :])
        if offset < 0:
            raise ValueError(offset)
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiError(
            f"Invalid cursor in `{argument}`.", code=QueryErrorCode.INVALID, field=argument
        ) from error


def _check_page_size(first: int | None, last: int | None) -> None:
    maximum = settings.GRAPHQL_MAX_PAGE_SIZE
    if first is None and last is None:
        raise ApiError(
            "You must provide a `first` or `last` value to properly paginate the connection.",
            code=QueryErrorCode.PAGINATION_REQUIRED,
        )
    if first is not None and last is not None:
        raise ApiError(
            "Passing both `first` and `last` to paginate a connection is not supported.",
            code=QueryErrorCode.INVALID,
        )
    for name, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise ApiError(
                f"Argument `{name}` must be a non-negative integer.",
                code=QueryErrorCode.INVALID,
                field=name,
            )
        if value > maximum:
            raise ApiError(
                f"Requesting {value} records on the connection exceeds the `{name}` limit "
                f"of {maximum} records.",
                code=QueryErrorCode.PAGE_SIZE_EXCEEDED,
                field=name,
            )


def resolve_connection(
    queryset: QuerySet,
    connection_type: type[CountableConnection],
    info,
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    **_ignored,
):
    """Slice `queryset` for one page and wrap it in `connection_type`."""
    _check_page_size(first, last)
    start = cursor_to_offset(after, "after") + 1 if after else 0
    end = cursor_to_offset(before, "before") if before else None
    total: list[int] = []

    def count() -> int:
        if not total:
            total.append(queryset.count())
        return total[0]

    if first is not None:
        stop = start + first if end is None else min(start + first, end)
        items = list(queryset[start : stop + 1]) if stop > start else []
        has_next = len(items) > stop - start or (end is not None and stop < end)
        items = items[: stop - start]
        has_previous = start > 0
    else:
        assert last is not None
        stop = end if end is not None else count()
        begin = max(stop - last, start)
        items = list(queryset[begin:stop]) if stop > begin else []
        start = begin
        has_previous = begin > 0
        has_next = end is not None
    loaders_of(info).register(items)

    edges = [
        connection_type.Edge(node=item, cursor=offset_to_cursor(start + index))
        for index, item in enumerate(items)
    ]
    connection = connection_type(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=has_previous,
            has_next_page=has_next,
        ),
    )
    connection.count = count
    return connection


def connection_field(connection_type, **arguments) -> graphene.ConnectionField:
    return graphene.ConnectionField(connection_type, **arguments)
