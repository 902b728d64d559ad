"""Trace enums, generated from the models' TextChoices so a value has one spelling."""

from backend.graphql.catalog.enums import enum_from_choices
from backend.trace.error_codes import TraceErrorCode
from backend.trace.models import (
    BatchStatus,
    BizStep,
    EventSource,
    InspectionResult,
    ReadPointKind,
    RecallStatus,
    RefundPolicy,
    SpotCheckResult,
)

TraceBatchStatusEnum = enum_from_choices(
    "TraceBatchStatusEnum", BatchStatus, "Whether a batch sells, is blocked or recalled."
)
TraceBizStepEnum = enum_from_choices(
    "TraceBizStepEnum", BizStep, "The EPCIS 2.0 business step (CBV) of a trace event."
)
TraceEventSourceEnum = enum_from_choices(
    "TraceEventSourceEnum", EventSource, "Who or what recorded a trace event."
)
TraceReadPointKindEnum = enum_from_choices(
    "TraceReadPointKindEnum", ReadPointKind, "What kind of place a trace event happened at."
)
InspectionResultEnum = enum_from_choices("InspectionResultEnum", InspectionResult)
SpotCheckResultEnum = enum_from_choices("SpotCheckResultEnum", SpotCheckResult)
RecallStatusEnum = enum_from_choices("RecallStatusEnum", RecallStatus)
RecallRefundPolicyEnum = enum_from_choices("RecallRefundPolicyEnum", RefundPolicy)
TraceErrorCodeEnum = enum_from_choices("TraceErrorCode", TraceErrorCode)
