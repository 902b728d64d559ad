"""Text the database cannot hold is refused before any resolver runs.

PostgreSQL refuses a NUL character (U+0000) in text and jsonb, and psycopg cannot encode a lone
UTF-16 surrogate (JSON's `"\\ud800"`) as UTF-8, so such a string reaching a query or a write
fails deep inside a resolver. The API refuses it once, for every field:

- in a query, before anything runs: string literals of the document (arguments, input
  objects, lists, variable defaults) and the request's variables, answered with a GraphQL
  error of code INVALID naming the argument or variable (`extensions.exception.field`);
- in a mutation, in Saleor's shape: `BaseMutation` checks its arguments first and answers
  `errors [{field, message, code: INVALID}]` naming the input field, writing nothing.
"""

from __future__ import annotations

from graphql import (
    ArgumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableDefinitionNode,
)

from backend.graphql.core.errors import QueryErrorCode

MESSAGE = "Text must not contain NUL characters or unpaired surrogates."


def is_unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _error(field: str, where: str, nodes=None) -> GraphQLError:
    return GraphQLError(
        f"{MESSAGE} ({where})",
        nodes,
        extensions={"exception": {"code": QueryErrorCode.INVALID.value, "field": field}},
    )


def _literal_holds_unstorable_text(value: ValueNode | None) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, StringValueNode) and is_unstorable(node.value):
            return True
        if isinstance(node, ListValueNode):
            stack.extend(node.values)
        elif isinstance(node, ObjectValueNode):
            stack.extend(field.value for field in node.fields)
    return False


class UnstorableTextRule(ValidationRule):
    """Refuses string literals with text the database cannot hold, outside mutations (whose
    arguments `BaseMutation` checks, to answer in the mutation's own error list)."""

    in_mutation = False

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        self.in_mutation = node.operation == OperationType.MUTATION

    def leave_operation_definition(self, *_args):
        self.in_mutation = False

    def enter_argument(self, node: ArgumentNode, *_args):
        if not self.in_mutation and _literal_holds_unstorable_text(node.value):
            name = node.name.value
            self.report_error(_error(name, f"argument `{name}`", node))

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args):
        if not self.in_mutation and _literal_holds_unstorable_text(node.default_value):
            name = node.variable.name.value
            self.report_error(_error(name, f"default of variable `${name}`", node))


def unstorable_variables(variables: dict | None) -> list[GraphQLError]:
    """One error per variable whose value holds unstorable text anywhere inside it (keys of
    input objects included)."""
    errors = []
    for name, value in (variables or {}).items():
        stack: list[tuple[object, str]] = [(name, "$"), (value, f"${name}")]
        while stack:
            item, path = stack.pop()
            if isinstance(item, str) and is_unstorable(item):
                errors.append(_error(str(name), f"variable `{path}`"))
                break
            if isinstance(item, dict):
                for key, child in item.items():
                    stack.append((key, path))
                    stack.append((child, f"{path}.{key}"))
            elif isinstance(item, list):
                stack.extend((child, f"{path}.{index}") for index, child in enumerate(item))
    return errors


def first_unstorable_field(arguments: dict) -> str | None:
    """The name of the innermost argument or input field holding unstorable text, if any."""
    stack: list[tuple[object, str]] = [(value, name) for name, value in arguments.items()]
    while stack:
        item, field = stack.pop()
        if isinstance(item, str) and is_unstorable(item):
            return field
        if isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, field))
                stack.append((child, str(key)))
        elif isinstance(item, list | tuple):
            stack.extend((child, field) for child in item)
    return None
