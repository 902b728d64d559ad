"""The /graphql/ endpoint.

graphene-django's view, hardened for a public API: JWT or session authentication, per-request
loaders, depth and cost limits, and no request from outside ever answered with a 500 or a
traceback — malformed JSON, wrong methods and unexpected exceptions become JSON errors with a
stable code, and internal messages are logged, not shown.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DataError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView as BaseGraphQLView
from graphene_django.views import HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    validate,
)

from backend.account.jwt import InvalidToken, user_from_token
from backend.graphql.core.dataloaders import RequestLoaders
from backend.graphql.core.documents import parse_and_validate
from backend.graphql.core.errors import QueryErrorCode
from backend.graphql.core.input_text import unstorable_variables
from backend.graphql.core.limits import limit_rules
from backend.graphql.core.response_cache import response_cache_key

logger = logging.getLogger(__name__)

# Errors whose messages are written for clients; anything else is an internal failure.
CLIENT_ERROR_TYPES = (GraphQLError,)


def _error(message: str, code: QueryErrorCode) -> dict:
    return {"message": message, "extensions": {"exception": {"code": code.value}}}


def multipart_operations(request) -> dict:
    """The GraphQL multipart request specification: `operations` is the JSON body with
    nulls where files go, `map` says which uploaded file goes to which variable path."""
    try:
        operations = json.loads(request.POST["operations"])
        mapping = json.loads(request.POST.get("map") or "{}")
    except ValueError as error:
        raise HttpError(
            HttpResponse(status=400, content="`operations` and `map` must be JSON.")
        ) from error
    if not isinstance(operations, dict) or not isinstance(mapping, dict):
        raise HttpError(HttpResponse(status=400, content="Batched uploads are not supported."))
    for file_key, paths in mapping.items():
        upload = request.FILES.get(file_key)
        if upload is None or not isinstance(paths, list):
            raise HttpError(HttpResponse(status=400, content=f"File `{file_key}` is missing."))
        for path in paths:
            _place(operations, str(path).split("."), upload)
    return operations


def _place(target, keys: list[str], value) -> None:
    for index, key in enumerate(keys):
        last = index == len(keys) - 1
        try:
            if isinstance(target, list):
                position = int(key)
                if last:
                    target[position] = value
                else:
                    target = target[position]
            elif isinstance(target, dict) and (last or key in target):
                if last:
                    target[key] = value
                else:
                    target = target[key]
            else:
                raise KeyError(key)
        except (KeyError, IndexError, ValueError) as error:
            raise HttpError(
                HttpResponse(status=400, content=f"Bad path in `map`: {'.'.join(keys)}")
            ) from error


def _no_response(request) -> HttpResponse:
    """Stands in for a view when only the CSRF middleware's verdict is wanted."""
    return HttpResponse(status=204)


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(BaseGraphQLView):
    graphiql = True

    def dispatch(self, request, *args, **kwargs):
        try:
            self._authenticate(request)
        except InvalidToken as error:
            return self._json_response(
                {"errors": [_error(error.message, QueryErrorCode(error.code))]}, 401
            )
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:  # the last line of defence: log it, answer with JSON
            logger.exception("Unhandled error in the GraphQL view")
            body = {"errors": [_error("Internal server error.", QueryErrorCode.INTERNAL_ERROR)]}
            return self._json_response(body, 500)

    def _authenticate(self, request) -> None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() in {"bearer", "jwt"} and token.strip():
            request.user = user_from_token(token.strip())
        elif not hasattr(request, "user"):
            request.user = AnonymousUser()
        elif request.method == "POST" and request.user.is_authenticated:
            # The endpoint is CSRF-exempt for token clients; a browser session cookie alone
            # must not authorise a cross-site POST, so without a valid CSRF token the request
            # is served as anonymous.
            csrf = CsrfViewMiddleware(_no_response)
            rejected = csrf.process_view(request, _no_response, (), {})
            if rejected is not None:
                request.user = AnonymousUser()

    @staticmethod
    def _json_response(body: dict, status: int) -> HttpResponse:
        return HttpResponse(json.dumps(body), status=status, content_type="application/json")

    def get_context(self, request):
        request.loaders = RequestLoaders()
        return request

    def parse_body(self, request):
        try:
            data = super().parse_body(request)
        except RecursionError as error:
            raise HttpError(
                HttpResponse(status=400, content="The JSON body is nested too deeply.")
            ) from error
        if request.method == "POST" and self.get_content_type(request) not in {
            "application/json",
            "application/graphql",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            raise HttpError(HttpResponse(status=415, content="Send the query as application/json."))
        if self.get_content_type(request) == "multipart/form-data" and "operations" in request.POST:
            return multipart_operations(request)
        return data

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponse(status=400, content="Variables must be a JSON object."))
        if query is not None and not isinstance(query, str):
            raise HttpError(HttpResponse(status=400, content="The query must be a string."))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(HttpResponse(status=400, content="operationName must be a string."))
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=400, content="Must provide query string."))
        schema = self.schema.graphql_schema
        document, errors = parse_and_validate(schema, query)
        if errors:
            return ExecutionResult(data=None, errors=list(errors))
        operation = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"], "Mutations must be sent with POST."))
        limit_errors = validate(schema, document, [limit_rules(variables)])
        if limit_errors:
            return ExecutionResult(data=None, errors=limit_errors)
        # A mutation's arguments are checked by BaseMutation, to answer in its error list.
        is_mutation = operation is not None and operation.operation == OperationType.MUTATION
        text_errors = [] if is_mutation else unstorable_variables(variables)
        if text_errors:
            return ExecutionResult(data=None, errors=text_errors)

        cache_key = response_cache_key(request, operation, query, variables, operation_name)
        if cache_key is not None:
            cached = cache.get(cache_key)
            if cached is not None:
                return ExecutionResult(data=cached)
        result = execute(
            schema,
            document,
            root_value=self.get_root_value(request),
            context_value=self.get_context(request),
            variable_values=variables,
            operation_name=operation_name,
            middleware=self.get_middleware(request),
        )
        if cache_key is not None and not result.errors and result.data is not None:
            cache.set(cache_key, result.data, settings.GRAPHQL_RESPONSE_CACHE_SECONDS)
        return result

    @staticmethod
    def format_error(error):
        if isinstance(error, GraphQLError):
            original = error.original_error
            # Errors without a path come before execution (parsing, validation, coercing the
            # variables through a scalar's parse_value): they are about the request itself.
            if original is None or isinstance(original, CLIENT_ERROR_TYPES) or not error.path:
                formatted = error.formatted
                formatted.setdefault("extensions", {}).setdefault(
                    "exception", {"code": QueryErrorCode.GRAPHQL_ERROR.value}
                )
                return formatted
            if isinstance(original, DataError):
                # Input the database refused (a number beyond a column's range, text it cannot
                # compare) that no check before it caught: the client's error, kept in the log.
                logger.warning("Input refused by the database at %s", error.path, exc_info=original)
                return {
                    **_error(
                        "The database cannot store or compare this input.",
                        QueryErrorCode.INVALID,
                    ),
                    "path": error.path,
                }
            logger.error("Error while resolving %s", error.path, exc_info=original)
            return {
                **_error("Internal server error.", QueryErrorCode.INTERNAL_ERROR),
                "path": error.path,
            }
        if isinstance(error, HttpError):
            return _error(error.response.content.decode() or str(error), QueryErrorCode.INVALID)
        logger.error("Error in GraphQL request", exc_info=error)
        return _error("Internal server error.", QueryErrorCode.INTERNAL_ERROR)
