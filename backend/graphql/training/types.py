"""Training types: sessions (public schedule; the attendee list only for county staff, masked),
an attendance (its owner or county staff), jobs (their employer or county staff, names masked)."""

from __future__ import annotations

import graphene
from django.urls import reverse
from graphene_django import DjangoObjectType

from backend.graphql.training.enums import (
    TrainingAttendanceSourceEnum,
    TrainingJobStatusEnum,
    TrainingSessionStatusEnum,
)
from backend.training import attendance as attendance_service
from backend.training.access import is_training_staff, visible_attendances, visible_jobs
from backend.training.models import Attendance, Job, TrainingSession


class TrainingAttendance(DjangoObjectType):
    attendee_name = graphene.String(required=True, description="The attendee's masked name.")
    attendee_phone = graphene.String(required=True, description="The masked phone number.")
    low_income = graphene.Boolean(
        required=True, description="Linked to a registered low-income household."
    )
    source = graphene.Field(TrainingAttendanceSourceEnum, required=True)
    signed_in_at = graphene.DateTime(required=True)
    certificate_url = graphene.String(
        required=True, description="The printable certificate page (培训结业证明)."
    )
    is_demo = graphene.Boolean(required=True)

    class Meta:
        model = Attendance
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "One person at one training session (one person-time, 人次)."

    @classmethod
    def get_node(cls, info, id):
        rows = visible_attendances(info.context.user).select_related("attendee", "session")
        return rows.filter(pk=id).first()

    @staticmethod
    def resolve_source(root: Attendance, info):
        return str(root.source)

    @staticmethod
    def resolve_attendee_name(root: Attendance, info):
        return root.attendee.name_masked

    @staticmethod
    def resolve_attendee_phone(root: Attendance, info):
        return root.attendee.phone_masked

    @staticmethod
    def resolve_low_income(root: Attendance, info):
        return root.attendee.household_id is not None

    @staticmethod
    def resolve_certificate_url(root: Attendance, info):
        return reverse("training:certificate", kwargs={"token": root.certificate_token})


class TrainingSessionType(DjangoObjectType):
    course_title = graphene.String(required=True)
    topic = graphene.String(required=True)
    trainer = graphene.String(required=True)
    town_name = graphene.String()
    venue = graphene.String(required=True)
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    capacity = graphene.Int(required=True)
    status = graphene.Field(TrainingSessionStatusEnum, required=True)
    attendee_count = graphene.Int(required=True, description="Person-times signed in so far.")
    is_open = graphene.Boolean(required=True, description="Sign-in is open now.")
    is_demo = graphene.Boolean(required=True, description="Demonstration data (示例数据).")
    attendances = graphene.List(
        graphene.NonNull(TrainingAttendance),
        description="Who signed in, masked. County training staff only; null for anyone else.",
    )
    sign_in_token = graphene.String(
        description="The token the session's QR carries. County training staff only."
    )

    class Meta:
        model = TrainingSession
        name = "TrainingSession"
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "One run of an e-commerce training course (培训场次)."

    @classmethod
    def get_node(cls, info, id):
        from backend.graphql.training.schema import sessions_for

        return sessions_for(info.context.user).filter(pk=id).first()

    @staticmethod
    def resolve_status(root: TrainingSession, info):
        return str(root.status)

    @staticmethod
    def resolve_course_title(root: TrainingSession, info):
        return root.course.title

    @staticmethod
    def resolve_topic(root: TrainingSession, info):
        return root.course.topic

    @staticmethod
    def resolve_town_name(root: TrainingSession, info):
        return root.town.name if root.town is not None else None

    @staticmethod
    def resolve_attendee_count(root: TrainingSession, info):
        count = getattr(root, "attendee_count", None)
        return count if count is not None else root.attendances.count()

    @staticmethod
    def resolve_is_open(root: TrainingSession, info):
        return attendance_service.is_open(root)

    @staticmethod
    def resolve_attendances(root: TrainingSession, info):
        if not is_training_staff(info.context.user):
            return None
        # Prefetched with the attendee by the session queries (Attendance is ordered by pk).
        return root.attendances.all()

    @staticmethod
    def resolve_sign_in_token(root: TrainingSession, info):
        if not is_training_staff(info.context.user):
            return None
        return attendance_service.session_token(root)


class TrainingJob(DjangoObjectType):
    position = graphene.String(required=True)
    employer_name = graphene.String(required=True)
    worker_name = graphene.String(required=True, description="Masked.")
    start_date = graphene.Date(required=True)
    status = graphene.Field(TrainingJobStatusEnum, required=True)
    low_income = graphene.Boolean(
        required=True, description="Linked, with consent, to a registered low-income household."
    )
    reason = graphene.String(required=True, description="Why it was rejected.")
    is_demo = graphene.Boolean(required=True)

    class Meta:
        model = Job
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "A job a vendor or station reported (就业岗位); counted once confirmed."

    @classmethod
    def get_node(cls, info, id):
        rows = visible_jobs(info.context.user).select_related("vendor", "station")
        return rows.filter(pk=id).first()

    @staticmethod
    def resolve_status(root: Job, info):
        return str(root.status)

    @staticmethod
    def resolve_employer_name(root: Job, info):
        return root.employer_name

    @staticmethod
    def resolve_worker_name(root: Job, info):
        return root.worker_name_masked

    @staticmethod
    def resolve_low_income(root: Job, info):
        return root.household_id is not None
