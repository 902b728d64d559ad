"""Depth and cost limits, checked before a query runs.

A public GraphQL endpoint would otherwise let one request ask for products → variants →
product → variants … to any depth, or for 100 × 100 × 100 nested records. Depth counts nested
selection sets (fragments expanded); cost multiplies each field's children by the page size it
asks for (`first`/`last`), so a nested page of pages is priced like the rows it would load.
"""

from __future__ import annotations

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language import IntValueNode, VariableNode

from backend.graphql.core.errors import QueryErrorCode

INTROSPECTION_ROOTS = {"__schema", "__type"}


def _page_size(field: FieldNode, variables: dict) -> int:
    for argument in field.arguments or ():
        if argument.name.value in {"first", "last"}:
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 1)
            if isinstance(value, VariableNode):
                given = variables.get(value.name.value)
                if isinstance(given, int):
                    return max(given, 1)
                return settings.GRAPHQL_MAX_PAGE_SIZE
    return 1


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict):
        self.fragments = fragments
        self.variables = variables

    def measure(self, selection_set, visiting: frozenset[str] = frozenset()) -> tuple[int, int]:
        """Return (depth, cost) of a selection set."""
        depth, cost = 0, 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.name.value in INTROSPECTION_ROOTS:
                    continue
                child_depth, child_cost = (0, 0)
                if selection.selection_set:
                    child_depth, child_cost = self.measure(selection.selection_set, visiting)
                    child_depth += 1
                multiplier = _page_size(selection, self.variables)
                depth = max(depth, child_depth)
                cost += 1 + multiplier * child_cost
            elif isinstance(selection, InlineFragmentNode):
                child_depth, child_cost = self.measure(selection.selection_set, visiting)
                depth, cost = max(depth, child_depth), cost + child_cost
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visiting:
                    continue  # unknown or cyclic fragments are reported by graphql's own rules
                child_depth, child_cost = self.measure(fragment.selection_set, visiting | {name})
                depth, cost = max(depth, child_depth), cost + child_cost
        return depth, cost


def limit_rules(variables: dict | None):
    """Validation rules bound to this request's variables (page sizes may be variables)."""
    known: dict = variables if isinstance(variables, dict) else {}

    class QueryLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext):
            super().__init__(context)
            self.fragments = {
                definition.name.value: definition
                for definition in context.document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
            depth, cost = _Walker(self.fragments, known).measure(node.selection_set)
            depth += 1
            if depth > settings.GRAPHQL_MAX_DEPTH:
                self.report_error(
                    GraphQLError(
                        f"Query is too deep: depth {depth} exceeds the limit of "
                        f"{settings.GRAPHQL_MAX_DEPTH}.",
                        node,
                        extensions={"exception": {"code": QueryErrorCode.QUERY_TOO_DEEP.value}},
                    )
                )
            if cost > settings.GRAPHQL_MAX_COST:
                self.report_error(
                    GraphQLError(
                        f"Query is too complex: cost {cost} exceeds the limit of "
                        f"{settings.GRAPHQL_MAX_COST}.",
                        node,
                        extensions={"exception": {"code": QueryErrorCode.QUERY_TOO_COMPLEX.value}},
                    )
                )

    return QueryLimitsRule
