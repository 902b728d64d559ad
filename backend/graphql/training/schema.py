"""Training queries: the session schedule (public, no personal data), one session, and the jobs
the asker may see (county staff: all; a vendor's staff or a station's operators: their own)."""

from __future__ import annotations

import graphene
from django.db.models import Count, Prefetch

from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.training.enums import TrainingJobStatusEnum
from backend.graphql.training.types import TrainingJob, TrainingSessionType
from backend.training.access import is_training_staff, visible_jobs
from backend.training.models import Attendance, SessionStatus, TrainingSession

MAX_ROWS = 100


def sessions_for(user):
    rows = TrainingSession.objects.select_related("course", "town").annotate(
        attendee_count=Count("attendances")
    )
    if is_training_staff(user):
        return rows.prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("attendee"))
        )
    # Others see the schedule of sessions that are not cancelled.
    return rows.exclude(status=SessionStatus.CANCELLED)


def _first(first: int | None) -> int:
    if first is None:
        return 20
    if not 1 <= first <= MAX_ROWS:
        raise ApiError(
            f"first must be between 1 and {MAX_ROWS}.",
            code=QueryErrorCode.PAGE_SIZE_EXCEEDED,
            field="first",
        )
    return first


class TrainingQueries(graphene.ObjectType):
    training_sessions = graphene.List(
        graphene.NonNull(TrainingSessionType),
        required=True,
        upcoming=graphene.Boolean(description="Only sessions that have not ended yet."),
        first=graphene.Int(description=f"At most this many (default 20, max {MAX_ROWS})."),
        description="Training sessions, soonest upcoming first (or most recent first).",
    )
    training_session = graphene.Field(
        TrainingSessionType, id=graphene.ID(required=True), description="One training session."
    )
    training_jobs = graphene.List(
        graphene.NonNull(TrainingJob),
        required=True,
        status=TrainingJobStatusEnum(),
        first=graphene.Int(description=f"At most this many (default 20, max {MAX_ROWS})."),
        description=(
            "Reported jobs: county training staff see all, a vendor's staff their vendor's, a "
            "station's operators their station's; anyone else none."
        ),
    )

    @staticmethod
    def resolve_training_sessions(root, info, upcoming=False, first=None):
        from django.utils import timezone

        rows = sessions_for(info.context.user)
        if upcoming:
            rows = rows.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")
        return list(rows[: _first(first)])

    @staticmethod
    def resolve_training_session(root, info, id):
        pk = decode_id(id, "TrainingSession", field="id")
        return sessions_for(info.context.user).filter(pk=pk).first()

    @staticmethod
    def resolve_training_jobs(root, info, status=None, first=None):
        rows = visible_jobs(info.context.user).select_related("vendor", "station")
        if status is not None:
            rows = rows.filter(status=getattr(status, "value", status))
        return list(rows[: _first(first)])
