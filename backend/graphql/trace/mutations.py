"""Trace mutations. Thin: backend.trace.services and backend.trace.recalls decide (permissions
and vendor scoping included), so the inspector's pages and these mutations behave alike."""

from __future__ import annotations

import graphene

from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.stations.enums import enum_value
from backend.graphql.trace.enums import (
    InspectionResultEnum,
    RecallRefundPolicyEnum,
    SpotCheckResultEnum,
    TraceBizStepEnum,
    TraceErrorCodeEnum,
    TraceReadPointKindEnum,
)
from backend.graphql.trace.types import (
    InspectionReport,
    Recall,
    SpotCheck,
    TraceBatch,
    TraceEvent,
    TraceOriginBase,
)
from backend.trace import recalls, services
from backend.trace.models import OriginBase as OriginBaseModel
from backend.trace.models import Recall as RecallModel
from backend.trace.models import TraceEvent as TraceEventModel

TraceError = error_type("TraceError", TraceErrorCodeEnum)
INSPECTORS = [Permission.MANAGE_TRACEABILITY]


def _batch(info, global_id: str):
    return get_instance(
        services.visible_batches(info.context.user), global_id, "TraceBatch", field="batch"
    )


class TraceInputInput(graphene.InputObjectType):
    kind = graphene.String(required=True, description="fertiliser, pesticide, feed or other.")
    name = graphene.String(required=True)
    amount = graphene.String()
    applied_on = graphene.Date()
    safe_until = graphene.Date(description="Required for a pesticide (安全间隔期).")


class TraceProcessingStepInput(graphene.InputObjectType):
    step = graphene.String(required=True)
    on = graphene.Date()
    note = graphene.String()


class TraceMeasuredValueInput(graphene.InputObjectType):
    item = graphene.String(required=True)
    value = graphene.String()
    limit = graphene.String()


def _plain(rows) -> list[dict]:
    out = []
    for row in rows or []:
        item = {}
        for key, value in dict(row).items():
            item[key] = value.isoformat() if hasattr(value, "isoformat") else value
        out.append(item)
    return out


class TraceOriginBaseCreate(BaseMutation):
    base = graphene.Field(TraceOriginBase)

    class Arguments:
        name = graphene.String(required=True)
        town = graphene.String()
        village = graphene.String()
        latitude = graphene.Float()
        longitude = graphene.Float()
        area_mu = graphene.Decimal()

    class Meta:
        description = "Registers a planting or breeding base of the signed-in vendor."
        error_type_class = TraceError

    @classmethod
    def perform_mutation(cls, root, info, **data):
        base = services.create_base(actor=info.context.user, **data)
        return cls(base=base)


class TraceBatchCreate(BaseMutation):
    batch = graphene.Field(TraceBatch)

    class Arguments:
        variant = graphene.ID(required=True, description="One of your vendor's variants.")
        lot_number = graphene.String(required=True)
        quantity = graphene.Int(required=True)
        base = graphene.ID()
        planted_on = graphene.Date()
        harvested_on = graphene.Date()
        packed_on = graphene.Date(required=True)
        shelf_life_days = graphene.Int()
        inputs = graphene.List(graphene.NonNull(TraceInputInput))
        processing_steps = graphene.List(graphene.NonNull(TraceProcessingStepInput))

    class Meta:
        description = (
            "Records a production batch of one of the signed-in vendor's variants and gives it "
            "a trace code; its dates become the first events of its journey."
        )
        error_type_class = TraceError

    @classmethod
    def perform_mutation(cls, root, info, variant, base=None, **data):
        from backend.catalog.models import ProductVariant

        user = info.context.user
        vendor = services.acting_vendor(user)
        found = get_instance(
            ProductVariant.objects.filter(product__vendor=vendor),
            variant,
            "ProductVariant",
            field="variant",
        )
        base_pk = None
        if base:
            base_pk = get_instance(
                OriginBaseModel.objects.filter(vendor=vendor), base, "TraceOriginBase", field="base"
            ).pk
        batch = services.create_batch(
            actor=user,
            variant=found,
            base=base_pk,
            lot_number=data["lot_number"],
            quantity=data["quantity"],
            planted_on=data.get("planted_on"),
            harvested_on=data.get("harvested_on"),
            packed_on=data["packed_on"],
            shelf_life_days=data.get("shelf_life_days") or 365,
            inputs=_plain(data.get("inputs")),
            processing_steps=_plain(data.get("processing_steps")),
        )
        return cls(batch=batch)


class TraceEventRecord(BaseMutation):
    event = graphene.Field(TraceEvent)

    class Arguments:
        batch = graphene.ID(required=True)
        biz_step = TraceBizStepEnum(required=True)
        event_time = graphene.DateTime(description="Defaults to now.")
        read_point_kind = TraceReadPointKindEnum(required=True)
        read_point_name = graphene.String()
        quantity = graphene.Int()
        note = graphene.String()
        corrects = graphene.UUID(description="The eventId of the event this one corrects.")

    class Meta:
        description = (
            "Appends an event to a batch's trace (vendor staff: their own batches; inspectors: "
            "any). Events are never changed: a correction is a new event naming the old one."
        )
        error_type_class = TraceError

    @classmethod
    def perform_mutation(cls, root, info, batch, biz_step, read_point_kind, corrects=None, **data):
        found = _batch(info, batch)
        corrected: TraceEventModel | int | None = None
        if corrects:
            # An unknown event ID becomes a pk no event has: the service answers NOT_FOUND.
            row = TraceEventModel.objects.filter(event_id=corrects, batch=found).first()
            corrected = row if row is not None else -1
        event = services.record_event(
            actor=info.context.user,
            batch=found,
            biz_step=enum_value(biz_step),
            read_point_kind=enum_value(read_point_kind),
            corrects=corrected,
            **data,
        )
        return cls(event=event)


class TraceInspectionAdd(BaseMutation):
    inspection = graphene.Field(InspectionReport)

    class Arguments:
        batch = graphene.ID(required=True)
        lab = graphene.String(required=True)
        tested_on = graphene.Date(required=True)
        result = InspectionResultEnum(required=True)
        report_number = graphene.String()
        values = graphene.List(graphene.NonNull(TraceMeasuredValueInput))

    class Meta:
        description = "Adds a lab report to a batch (its vendor's staff or an inspector)."
        error_type_class = TraceError

    @classmethod
    def perform_mutation(cls, root, info, batch, result, values=None, **data):
        report = services.add_inspection(
            actor=info.context.user,
            batch=_batch(info, batch),
            result=enum_value(result),
            values=_plain(values),
            **data,
        )
        return cls(inspection=report)


class SpotCheckRecord(BaseMutation):
    spot_check = graphene.Field(SpotCheck)

    class Arguments:
        batch = graphene.ID(required=True)
        sample = graphene.String(required=True)
        lab = graphene.String(required=True)
        result = SpotCheckResultEnum(required=True)
        sampled_at = graphene.DateTime()
        values = graphene.List(graphene.NonNull(TraceMeasuredValueInput))
        note = graphene.String(description="Required for a failure; the vendor reads it.")

    class Meta:
        description = (
            "Records a quality spot check (网货质量抽查). A failure suspends the listing and the "
            "brand licence at once, blocks the batch, opens a recall and tells the vendor and "
            "the brand managers. Requires MANAGE_TRACEABILITY."
        )
        error_type_class = TraceError
        permissions = INSPECTORS

    @classmethod
    def perform_mutation(cls, root, info, batch, result, values=None, **data):
        check = recalls.record_spot_check(
            actor=info.context.user,
            batch=_batch(info, batch),
            result=enum_value(result),
            values=_plain(values),
            **data,
        )
        return cls(spot_check=check)


class RecallOpen(BaseMutation):
    recall = graphene.Field(Recall)

    class Arguments:
        batch = graphene.ID(required=True)
        reason = graphene.String(required=True)
        refund_policy = RecallRefundPolicyEnum()

    class Meta:
        description = (
            "Recalls a batch: finds every order line, station and shopper that received it, "
            "blocks its unsold stock, notifies the shoppers and refunds per the policy. "
            "Requires MANAGE_TRACEABILITY."
        )
        error_type_class = TraceError
        permissions = INSPECTORS

    @classmethod
    def perform_mutation(cls, root, info, batch, reason, refund_policy=None):
        recall = recalls.open_recall(
            actor=info.context.user,
            batch=_batch(info, batch),
            reason=reason,
            refund_policy=enum_value(refund_policy) if refund_policy else "full",
        )
        return cls(recall=recall)


class RecallClose(BaseMutation):
    recall = graphene.Field(Recall)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Marks a recall complete. Requires MANAGE_TRACEABILITY."
        error_type_class = TraceError
        permissions = INSPECTORS

    @classmethod
    def perform_mutation(cls, root, info, id):
        found = get_instance(RecallModel.objects.all(), id, "Recall", field="id")
        return cls(recall=recalls.close_recall(actor=info.context.user, recall=found))


class RecallAcknowledge(BaseMutation):
    ok = graphene.Boolean(description="True once acknowledged; null with errors.")

    class Arguments:
        token = graphene.String(required=True, description="From the recall notice's link.")

    class Meta:
        description = "The shopper confirms they received a recall notice."
        error_type_class = TraceError

    @classmethod
    def perform_mutation(cls, root, info, token):
        recalls.acknowledge(token=token)
        return cls(ok=True)


class TraceMutations(graphene.ObjectType):
    trace_origin_base_create = TraceOriginBaseCreate.Field()
    trace_batch_create = TraceBatchCreate.Field()
    trace_event_record = TraceEventRecord.Field()
    trace_inspection_add = TraceInspectionAdd.Field()
    spot_check_record = SpotCheckRecord.Field()
    recall_open = RecallOpen.Field()
    recall_close = RecallClose.Field()
    recall_acknowledge = RecallAcknowledge.Field()
