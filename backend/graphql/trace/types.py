"""Bases, batches, trace events, inspections, spot checks and recalls."""

from __future__ import annotations

import graphene
from graphene_django import DjangoObjectType

from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.trace.dataloaders import EventsByBatchLoader, InspectionsByBatchLoader
from backend.graphql.trace.enums import (
    InspectionResultEnum,
    RecallRefundPolicyEnum,
    RecallStatusEnum,
    SpotCheckResultEnum,
    TraceBatchStatusEnum,
    TraceBizStepEnum,
    TraceEventSourceEnum,
    TraceReadPointKindEnum,
)
from backend.trace import epcis, recalls
from backend.trace.models import Batch as BatchModel
from backend.trace.models import OriginBase as OriginBaseModel
from backend.trace.models import Recall as RecallModel
from backend.trace.models import SpotCheck as SpotCheckModel


def _value(value):
    """A status just assigned by a service is the enum member, a loaded one its value."""
    return getattr(value, "value", value)


class TraceOriginBase(DjangoObjectType):
    name = graphene.String(required=True)
    town = graphene.String(required=True)
    village = graphene.String(required=True)
    latitude = graphene.Float()
    longitude = graphene.Float()
    area_mu = graphene.Decimal(required=True, description="Area in mu (亩).")

    class Meta:
        model = OriginBaseModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A planting or breeding base (种养基地) of a vendor."

    @classmethod
    def get_node(cls, info, id):
        from backend.trace.services import can_inspect
        from backend.vendors import scoping

        rows = OriginBaseModel.objects.all()
        if not can_inspect(info.context.user):
            rows = scoping.scoped(rows, info.context.user)
        return rows.filter(pk=id).first()


class TraceInput(graphene.ObjectType):
    kind = graphene.String(required=True, description="fertiliser, pesticide, feed or other.")
    name = graphene.String(required=True)
    amount = graphene.String(required=True)
    applied_on = graphene.String(required=True)
    safe_until = graphene.String(
        required=True, description="The end of a pesticide's safe interval (安全间隔期)."
    )


class TraceProcessingStep(graphene.ObjectType):
    step = graphene.String(required=True)
    on = graphene.String(required=True)
    note = graphene.String(required=True)


class TraceMeasuredValue(graphene.ObjectType):
    item = graphene.String(required=True)
    value = graphene.String(required=True)
    limit = graphene.String(required=True)


class InspectionReport(graphene.ObjectType):
    lab = graphene.String(required=True)
    report_number = graphene.String(required=True)
    tested_on = graphene.Date(required=True)
    result = graphene.Field(InspectionResultEnum, required=True)
    values = graphene.List(graphene.NonNull(TraceMeasuredValue), required=True)

    class Meta:
        description = "A lab report on a batch (检验报告)."

    @staticmethod
    def resolve_result(root, info):
        return _value(root.result)


class TraceEvent(graphene.ObjectType):
    event_id = graphene.UUID(required=True)
    sequence = graphene.Int(required=True)
    event_time = graphene.DateTime(required=True)
    time_zone = graphene.String(required=True, description="EPCIS eventTimeZoneOffset.")
    biz_step = graphene.Field(TraceBizStepEnum, required=True)
    disposition = graphene.String(required=True)
    read_point_kind = graphene.Field(TraceReadPointKindEnum, required=True)
    read_point_name = graphene.String(required=True)
    quantity = graphene.Int()
    note = graphene.String(required=True)
    source = graphene.Field(TraceEventSourceEnum, required=True)
    corrects = graphene.UUID(description="The event this one corrects.")
    previous_hash = graphene.String(required=True)
    hash = graphene.String(required=True)

    class Meta:
        description = "One EPCIS 2.0 ObjectEvent of a batch (append-only, hash-chained)."

    @staticmethod
    def resolve_corrects(root, info):
        return root.corrects.event_id if root.corrects_id else None

    @staticmethod
    def resolve_biz_step(root, info):
        return _value(root.biz_step)

    @staticmethod
    def resolve_read_point_kind(root, info):
        return _value(root.read_point_kind)

    @staticmethod
    def resolve_source(root, info):
        return _value(root.source)


class TraceBatch(DjangoObjectType):
    code = graphene.String(required=True, description="The trace code on the pack's QR.")
    lot_number = graphene.String(required=True)
    status = graphene.Field(TraceBatchStatusEnum, required=True)
    variant = graphene.Field("backend.graphql.catalog.types.ProductVariant")
    base = graphene.Field(TraceOriginBase)
    planted_on = graphene.Date()
    harvested_on = graphene.Date()
    packed_on = graphene.Date()
    expires_on = graphene.Date(required=True)
    shelf_life_days = graphene.Int(required=True)
    quantity = graphene.Int(required=True)
    quantity_allocated = graphene.Int(required=True)
    quantity_blocked = graphene.Int(required=True)
    inputs = graphene.List(graphene.NonNull(TraceInput), required=True)
    processing_steps = graphene.List(graphene.NonNull(TraceProcessingStep), required=True)
    inspections = graphene.List(graphene.NonNull(InspectionReport), required=True)
    events = graphene.List(graphene.NonNull(TraceEvent), required=True)
    trace_url = graphene.String(required=True, description="The public trace page.")
    epcis_document = graphene.JSONString(
        required=True, description="The batch's events as an EPCIS 2.0 JSON-LD document."
    )

    class Meta:
        model = BatchModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A production batch (lot) of one variant of one vendor."

    @staticmethod
    def resolve_variant(root, info):
        return root.variant

    @staticmethod
    def resolve_status(root, info):
        return _value(root.status)

    @staticmethod
    def resolve_base(root, info):
        return root.base

    @staticmethod
    def resolve_inspections(root, info):
        return load(info, InspectionsByBatchLoader, root.pk)

    @staticmethod
    def resolve_events(root, info):
        return load(info, EventsByBatchLoader, root.pk)

    @staticmethod
    def resolve_trace_url(root, info):
        return info.context.build_absolute_uri(f"/trace/{root.code}/")

    @staticmethod
    def resolve_epcis_document(root, info):
        return epcis.batch_document(root)

    @classmethod
    def get_node(cls, info, id):
        from backend.trace.services import visible_batches

        return visible_batches(info.context.user).filter(pk=id).first()


class TraceBatchCountableConnection(CountableConnection):
    class Meta:
        node = TraceBatch


class SpotCheck(DjangoObjectType):
    batch = graphene.Field(TraceBatch, required=True)
    sample = graphene.String(required=True)
    sampled_at = graphene.DateTime(required=True)
    lab = graphene.String(required=True)
    result = graphene.Field(SpotCheckResultEnum, required=True)
    values = graphene.List(graphene.NonNull(TraceMeasuredValue), required=True)
    note = graphene.String(required=True)

    class Meta:
        model = SpotCheckModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A quality spot check of goods sold online (网货质量抽查)."

    @staticmethod
    def resolve_result(root, info):
        return _value(root.result)

    @classmethod
    def get_node(cls, info, id):
        from backend.trace.services import can_inspect

        if not can_inspect(info.context.user):
            return None
        return SpotCheckModel.objects.filter(pk=id).first()


class RecallProgress(graphene.ObjectType):
    orders = graphene.Int(required=True)
    lines = graphene.Int(required=True)
    stations = graphene.Int(required=True)
    notified = graphene.Int(required=True)
    acknowledged = graphene.Int(required=True)
    refunded = graphene.Int(required=True)
    completion = graphene.Decimal(required=True, description="Acknowledged lines, percent.")


class Recall(DjangoObjectType):
    batch = graphene.Field(TraceBatch, required=True)
    reason = graphene.String(required=True)
    status = graphene.Field(RecallStatusEnum, required=True)
    refund_policy = graphene.Field(RecallRefundPolicyEnum, required=True)
    opened_at = graphene.DateTime(required=True)
    closed_at = graphene.DateTime()
    progress = graphene.Field(RecallProgress, required=True)

    class Meta:
        model = RecallModel
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A recall of one batch."

    @staticmethod
    def resolve_progress(root, info):
        return RecallProgress(**recalls.progress(root))

    @staticmethod
    def resolve_status(root, info):
        return _value(root.status)

    @staticmethod
    def resolve_refund_policy(root, info):
        return _value(root.refund_policy)

    @classmethod
    def get_node(cls, info, id):
        from backend.trace.services import can_inspect

        if not can_inspect(info.context.user):
            return None
        return RecallModel.objects.filter(pk=id).first()


class RecallCountableConnection(CountableConnection):
    class Meta:
        node = Recall


class QualityRecord(graphene.ObjectType):
    batches = graphene.Int(required=True)
    passed = graphene.Int(required=True)
    failed = graphene.Int(required=True)
    recalls = graphene.Int(required=True)
    latest_checks = graphene.List(graphene.NonNull(SpotCheck), required=True)

    class Meta:
        description = "A vendor's quality record: spot checks passed and failed, recalls."
