"""Loaders of a statement's related rows; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.graphql.core.dataloaders import ChildrenLoader
from backend.settlement.models import StatementLine, VendorStatement


class LinesByStatementLoader(ChildrenLoader):
    source = VendorStatement
    model = StatementLine
    parent_field = "statement_id"

    def queryset(self):
        return StatementLine.objects.order_by("occurred_at", "pk")
