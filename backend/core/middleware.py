"""Middleware shared by every app."""

from __future__ import annotations

from django.db import connection


class QueryCountHeaderMiddleware:
    """Adds `X-DB-Query-Count` to responses, for benchmarks (setting DB_QUERY_COUNT_HEADER).

    Counting uses a database execute wrapper, so it works with DEBUG off and costs one
    function call per statement.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-DB-Query-Count"] = str(count)
        return response
