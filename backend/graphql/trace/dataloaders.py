"""Loaders of traceability; see backend/graphql/core/dataloaders.py."""

from __future__ import annotations

from backend.graphql.core.dataloaders import ChildrenLoader
from backend.trace.models import Batch, InspectionReport, TraceEvent


class EventsByBatchLoader(ChildrenLoader):
    source = Batch
    model = TraceEvent
    parent_field = "batch_id"

    def queryset(self):
        return TraceEvent.objects.select_related("corrects").order_by("sequence")


class InspectionsByBatchLoader(ChildrenLoader):
    source = Batch
    model = InspectionReport
    parent_field = "batch_id"

    def queryset(self):
        return InspectionReport.objects.order_by("-tested_on", "pk")
