"""Training mutations: signing in with a session's QR token, reporting a job for one's own
employer, and the county's confirmation or rejection. Thin: backend.training decides, including
who may do what."""

from __future__ import annotations

import graphene

from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.training.enums import TrainingErrorCodeEnum
from backend.graphql.training.types import TrainingAttendance, TrainingJob, TrainingSessionType
from backend.stations.models import Station
from backend.training import attendance, jobs
from backend.training.access import visible_jobs
from backend.vendors.models import Vendor

TrainingError = error_type("TrainingError", TrainingErrorCodeEnum)


class TrainingAttend(BaseMutation):
    attendance = graphene.Field(TrainingAttendance)
    session = graphene.Field(TrainingSessionType)
    created = graphene.Boolean(
        description="False when this person had already signed in to the session."
    )

    class Arguments:
        session_token = graphene.String(required=True, description="The token in the QR URL.")
        name = graphene.String(description="The attendee's name, needed on the first sign-in.")

    class Meta:
        description = (
            "Signs the signed-in user in to a training session (扫码签到). Repeating it is "
            "harmless: a person counts once per session."
        )
        error_type_class = TrainingError

    @classmethod
    def perform_mutation(cls, root, info, session_token, name=""):
        record, created = attendance.attend_by_qr(
            token=session_token, user=info.context.user, name=name or ""
        )
        return cls(attendance=record, session=record.session, created=created)


class JobReportInput(graphene.InputObjectType):
    vendor = graphene.ID(description="Your vendor (vendor staff).")
    station = graphene.ID(description="Your station (station operators).")
    position = graphene.String(required=True)
    start_date = graphene.Date(required=True)
    worker_name = graphene.String(description="Kept only masked.")
    household_reference = graphene.String(
        description="The registry number of a low-income household, only with its consent."
    )
    household_consent = graphene.Boolean(description="The household agreed to be linked.")


class JobReport(BaseMutation):
    job = graphene.Field(TrainingJob)

    class Arguments:
        input = JobReportInput(required=True)

    class Meta:
        description = "Reports a job at your own vendor or station; county staff confirm it."
        error_type_class = TrainingError

    @classmethod
    def perform_mutation(cls, root, info, input):
        vendor = station = None
        if input.get("vendor"):
            vendor = get_instance(Vendor.objects.all(), input["vendor"], "Vendor", field="vendor")
        if input.get("station"):
            station = get_instance(
                Station.objects.all(), input["station"], "Station", field="station"
            )
        job = jobs.report_job(
            user=info.context.user,
            vendor=vendor,
            station=station,
            position=input["position"],
            start_date=input["start_date"],
            worker_name=input.get("worker_name") or "",
            household_reference=input.get("household_reference") or "",
            household_consent=bool(input.get("household_consent")),
        )
        return cls(job=job)


class JobConfirm(BaseMutation):
    job = graphene.Field(TrainingJob)

    class Arguments:
        id = graphene.ID(required=True)
        confirm = graphene.Boolean(description="True (default) confirms, false rejects.")
        reason = graphene.String(description="Required when rejecting.")

    class Meta:
        description = "County training staff confirm or reject a reported job (audited)."
        error_type_class = TrainingError

    @classmethod
    def perform_mutation(cls, root, info, id, confirm=True, reason=""):
        job = get_instance(visible_jobs(info.context.user), id, "TrainingJob", field="id")
        job = jobs.decide_job(
            user=info.context.user, job=job, confirm=confirm is not False, reason=reason or ""
        )
        return cls(job=job)


class TrainingMutations(graphene.ObjectType):
    training_attend = TrainingAttend.Field()
    job_report = JobReport.Field()
    job_confirm = JobConfirm.Field()
