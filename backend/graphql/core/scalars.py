"""Scalars whose parsing must not go through binary floating point."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from decimal import InvalidOperation

import graphene
from graphql import FloatValueNode, IntValueNode, StringValueNode


class PositiveDecimal(graphene.Scalar):
    """A non-negative decimal number, e.g. a price (`12.80` or `"12.80"`). JSON numbers are
    read from their text, so 12.8 stays 12.8 and never becomes 12.800000000000000710…"""

    @staticmethod
    def serialize(value):
        return str(value)

    @staticmethod
    def parse_value(value):
        """Negative numbers parse, so the services can answer with the domain's own error
        code (e.g. INVALID_PRICE); text that is no number at all is a GraphQL input error."""
        if isinstance(value, bool):
            raise ValueError(f"Not a decimal number: {value!r}")
        try:
            number = PyDecimal(str(value))
        except (InvalidOperation, ValueError) as error:
            raise ValueError(f"Not a decimal number: {value!r}") from error
        if not number.is_finite():
            raise ValueError(f"Not a decimal number: {value!r}")
        return number

    @classmethod
    def parse_literal(cls, node, _variables=None):
        if isinstance(node, IntValueNode | FloatValueNode | StringValueNode):
            return cls.parse_value(node.value)
        raise ValueError("Expected a decimal number.")
