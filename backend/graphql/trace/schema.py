"""Trace queries: batches for their vendor's staff and inspectors, recalls and spot checks for
inspectors, a vendor's quality record for reviewers, brand managers and the vendor."""

from __future__ import annotations

import graphene
from django.db.models import Q

from backend.brand.services import can_manage_brand
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.inputs import get_instance
from backend.graphql.stations.enums import enum_value
from backend.graphql.trace.enums import TraceBatchStatusEnum
from backend.graphql.trace.types import (
    QualityRecord,
    RecallCountableConnection,
    TraceBatch,
    TraceBatchCountableConnection,
    TraceOriginBase,
)
from backend.trace import selectors
from backend.trace.models import OriginBase, Recall
from backend.trace.services import can_inspect, visible_batches
from backend.vendors import scoping
from backend.vendors.models import Vendor


class TraceBatchFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(TraceBatchStatusEnum))
    search = graphene.String(description="Part of the trace code, lot number or product name.")


class TraceQueries(graphene.ObjectType):
    trace_batches = graphene.ConnectionField(
        TraceBatchCountableConnection,
        filter=TraceBatchFilterInput(),
        description="Batches, newest first: every batch for inspectors (MANAGE_TRACEABILITY) "
        "and reviewers, their own vendor's for vendor staff, none for anyone else.",
    )
    trace_batch = graphene.Field(
        TraceBatch,
        id=graphene.ID(),
        code=graphene.String(),
        description="One batch by ID or trace code, among those trace_batches lists.",
    )
    trace_origin_bases = graphene.List(
        graphene.NonNull(TraceOriginBase),
        required=True,
        description="The signed-in vendor's bases (all bases for inspectors).",
    )
    recalls = graphene.ConnectionField(
        RecallCountableConnection, description="Recalls, newest first. MANAGE_TRACEABILITY."
    )
    quality_record = graphene.Field(
        QualityRecord,
        vendor=graphene.ID(required=True),
        description="A vendor's quality record: for inspectors, reviewers, brand managers "
        "and the vendor's own staff; null for anyone else.",
    )

    @staticmethod
    def resolve_trace_batches(root, info, filter=None, **pagination):
        batches = visible_batches(info.context.user).select_related("variant", "base")
        filter = filter or {}
        if filter.get("status"):
            batches = batches.filter(status__in=[enum_value(s) for s in filter["status"]])
        if filter.get("search"):
            text = filter["search"].strip()[:100]
            batches = batches.filter(
                Q(code__icontains=text)
                | Q(lot_number__icontains=text)
                | Q(variant__product__name__icontains=text)
            )
        batches = batches.order_by("-created_at", "-pk")
        return resolve_connection(batches, TraceBatchCountableConnection, info, **pagination)

    @staticmethod
    def resolve_trace_batch(root, info, id=None, code=None):
        batches = visible_batches(info.context.user)
        if id:
            return get_instance(batches, id, "TraceBatch", field="id")
        if code:
            return batches.filter(code=code.strip().upper()[:24]).first()
        return None

    @staticmethod
    def resolve_trace_origin_bases(root, info):
        user = info.context.user
        if can_inspect(user):
            return OriginBase.objects.order_by("vendor_id", "name")
        vendor = scoping.vendor_of(user)
        if vendor is None:
            return []
        return OriginBase.objects.filter(vendor=vendor).order_by("name")

    @staticmethod
    def resolve_recalls(root, info, **pagination):
        rows = Recall.objects.order_by("-opened_at", "-pk")
        if not can_inspect(info.context.user):
            rows = rows.none()
        return resolve_connection(rows, RecallCountableConnection, info, **pagination)

    @staticmethod
    def resolve_quality_record(root, info, vendor):
        user = info.context.user
        found = get_instance(Vendor.objects.all(), vendor, "Vendor", field="vendor")
        own = scoping.vendor_of(user)
        allowed = (
            can_inspect(user)
            or scoping.can_manage_vendors(user)
            or can_manage_brand(user)
            or (own is not None and own.pk == found.pk)
        )
        if not allowed:
            return None
        return QualityRecord(**selectors.vendor_record(found))
