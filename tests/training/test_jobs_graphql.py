"""Jobs and the GraphQL API: employers report only for themselves, county staff confirm or
reject (audited), nobody sees another employer's jobs, and every refusal is a typed error."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from graphql_relay import to_global_id

from backend.account.jwt import create_access_token
from backend.core.models import AuditLogEntry
from backend.stations.models import StationOperator
from backend.training import attendance, figures
from backend.training.models import Job, JobStatus
from backend.vendors.models import VendorRole, VendorStaff
from tests.conftest import GraphQLClient
from tests.factories import UserFactory, VendorFactory
from tests.training.conftest import attend, local, make_job, make_session, training_staff

REPORT = """
mutation($input: JobReportInput!) {
  jobReport(input: $input) {
    job { id status employerName workerName lowIncome } errors { field message code }
  }
}"""
CONFIRM = """
mutation($id: ID!, $confirm: Boolean, $reason: String) {
  jobConfirm(id: $id, confirm: $confirm, reason: $reason) {
    job { status reason } errors { field code }
  }
}"""
JOBS = "{ trainingJobs(first: 100) { id position employerName } }"
ATTEND = """
mutation($token: String!, $name: String) {
  trainingAttend(sessionToken: $token, name: $name) {
    created attendance { attendeeName certificateUrl } session { attendeeCount }
    errors { field code }
  }
}"""
SESSION = """
query($id: ID!) { trainingSession(id: $id) {
  courseTitle attendeeCount signInToken attendances { attendeeName attendeePhone lowIncome }
} }"""


def as_user(client, user):
    return GraphQLClient(client, create_access_token(user) if user else None)


def vendor_staff(vendor):
    user = UserFactory()
    VendorStaff.objects.create(vendor=vendor, user=user, role=VendorRole.STAFF)
    return user


def report_input(**fields):
    return {"position": "打包员", "startDate": str(timezone.localdate()), **fields}


def test_vendor_staff_report_for_their_vendor_only(client, vendor, household):
    other = VendorFactory()
    api = as_user(client, vendor_staff(vendor))
    result = api.query(
        REPORT,
        {"input": report_input(vendor=to_global_id("Vendor", vendor.pk), workerName="刘小红")},
    )["jobReport"]
    assert result["errors"] == []
    assert result["job"]["status"] == "REPORTED"
    assert result["job"]["workerName"] == "刘**"
    refused = api.query(REPORT, {"input": report_input(vendor=to_global_id("Vendor", other.pk))})
    assert refused["jobReport"]["errors"][0]["code"] == "NOT_EMPLOYER"
    assert Job.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="training.job.report").count() == 1


def test_household_link_needs_consent_and_a_registered_household(client, vendor, household):
    api = as_user(client, vendor_staff(vendor))
    base = {"vendor": to_global_id("Vendor", vendor.pk), "householdReference": household.pk}
    base["householdReference"] = household.reference_number
    no_consent = api.query(REPORT, {"input": report_input(**base)})["jobReport"]["errors"]
    assert no_consent[0] == {
        "field": "householdConsent",
        "message": no_consent[0]["message"],
        "code": "CONSENT_REQUIRED",
    }
    unknown = api.query(
        REPORT,
        {"input": report_input(**base | {"householdReference": "NOPE", "householdConsent": True})},
    )["jobReport"]["errors"]
    assert unknown[0]["code"] == "NOT_FOUND"
    ok = api.query(REPORT, {"input": report_input(**base, householdConsent=True)})["jobReport"]
    assert ok["errors"] == [] and ok["job"]["lowIncome"] is True


def test_bad_input_is_a_typed_error_and_writes_nothing(client, vendor):
    api = as_user(client, vendor_staff(vendor))
    vendor_id = to_global_id("Vendor", vendor.pk)
    cases = [
        ({"vendor": vendor_id, "position": "  "}, "REQUIRED"),
        ({"vendor": vendor_id, "position": "岗" * 81}, "INVALID"),
        ({"vendor": vendor_id, "startDate": "2001-01-01"}, "INVALID"),
        ({}, "REQUIRED"),
        ({"vendor": "garbage"}, "GRAPHQL_ERROR"),
    ]
    for fields, code in cases:
        errors = api.query(REPORT, {"input": report_input(**fields)})["jobReport"]["errors"]
        assert errors and errors[0]["code"] == code, (fields, errors)
    assert not Job.objects.exists()


def test_station_operator_reports_for_their_station(client, station):
    operator = UserFactory()
    StationOperator.objects.create(station=station, user=operator)
    api = as_user(client, operator)
    station_id = to_global_id("Station", station.pk)
    result = api.query(REPORT, {"input": report_input(station=station_id)})["jobReport"]
    assert result["errors"] == [] and result["job"]["employerName"] == station.name
    shopper = as_user(client, UserFactory())
    refused = shopper.query(REPORT, {"input": report_input(station=station_id)})["jobReport"]
    assert refused["errors"][0]["code"] == "NOT_EMPLOYER"


def test_nobody_sees_another_employers_jobs(client, vendor, station):
    other = VendorFactory()
    mine = make_job(vendor=vendor, start_date=dt.date(2026, 1, 5))
    make_job(vendor=other, start_date=dt.date(2026, 1, 5))
    make_job(station=station, start_date=dt.date(2026, 1, 5))
    seen = as_user(client, vendor_staff(vendor)).query(JOBS)["trainingJobs"]
    assert [row["id"] for row in seen] == [to_global_id("TrainingJob", mine.pk)]
    assert as_user(client, UserFactory()).query(JOBS)["trainingJobs"] == []
    assert as_user(client, None).query(JOBS)["trainingJobs"] == []
    assert len(as_user(client, training_staff()).query(JOBS)["trainingJobs"]) == 3
    # node(id:) is scoped too.
    other_job = Job.objects.get(vendor=other)
    node = as_user(client, vendor_staff(vendor)).query(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("TrainingJob", other_job.pk)},
    )
    assert node["node"] is None


def test_county_staff_confirm_and_reject_with_audit(client, vendor):
    today = timezone.localdate()
    job = make_job(vendor=vendor, start_date=today, status=JobStatus.REPORTED)
    second = make_job(vendor=vendor, start_date=today, status=JobStatus.REPORTED)
    job_id = to_global_id("TrainingJob", job.pk)
    # The employer cannot confirm its own report.
    own = as_user(client, vendor_staff(vendor)).query(CONFIRM, {"id": job_id})["jobConfirm"]
    assert own["errors"][0]["code"] == "PERMISSION_DENIED"
    staff = as_user(client, training_staff())
    assert staff.query(CONFIRM, {"id": job_id})["jobConfirm"]["job"]["status"] == "CONFIRMED"
    again = staff.query(CONFIRM, {"id": job_id})["jobConfirm"]["errors"]
    assert again[0]["code"] == "INVALID_STATUS"
    second_id = to_global_id("TrainingJob", second.pk)
    no_reason = staff.query(CONFIRM, {"id": second_id, "confirm": False})["jobConfirm"]
    assert no_reason["errors"][0] == {"field": "reason", "code": "REQUIRED"}
    rejected = staff.query(CONFIRM, {"id": second_id, "confirm": False, "reason": "重复上报"})
    assert rejected["jobConfirm"]["job"] == {"status": "REJECTED", "reason": "重复上报"}
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"training.job.confirm", "training.job.reject"} <= actions
    start = local(today.year, today.month, 1)
    assert figures.jobs_created(start, start + dt.timedelta(days=32)) == 1


def test_attend_mutation_counts_once_and_masks(client, course, attendees):
    session = make_session(course, timezone.now() - dt.timedelta(minutes=5))
    user = UserFactory(phone="+8613911112222")
    api = as_user(client, user)
    token = attendance.session_token(session)
    first = api.query(ATTEND, {"token": token, "name": "黄小燕"})["trainingAttend"]
    assert first["errors"] == [] and first["created"] is True
    assert first["attendance"]["attendeeName"] == "黄**"
    assert first["attendance"]["certificateUrl"].startswith("/training/certificates/")
    second = api.query(ATTEND, {"token": token})["trainingAttend"]
    assert second["created"] is False and second["session"]["attendeeCount"] == 1
    bad = api.query(ATTEND, {"token": "1-deadbeef"})["trainingAttend"]["errors"]
    assert bad == [{"field": "sessionToken", "code": "INVALID_TOKEN"}]
    anonymous = as_user(client, None).query(ATTEND, {"token": token})["trainingAttend"]["errors"]
    assert anonymous[0]["code"] == "NOT_SIGNED_IN"


def test_session_attendee_list_is_for_county_staff_and_masked(client, course, attendees):
    session = make_session(course, local(2026, 3, 1, 9))
    attend(session, attendees[0])
    session_id = to_global_id("TrainingSession", session.pk)
    public = as_user(client, UserFactory()).query(SESSION, {"id": session_id})["trainingSession"]
    assert public["attendeeCount"] == 1
    assert public["attendances"] is None and public["signInToken"] is None
    staff = as_user(client, training_staff()).query(SESSION, {"id": session_id})
    rows = staff["trainingSession"]["attendances"]
    assert rows == [{"attendeeName": "赵*", "attendeePhone": "", "lowIncome": True}]
    assert staff["trainingSession"]["signInToken"] == attendance.session_token(session)


def test_sessions_list_has_a_fixed_query_count(client, course, attendees):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = as_user(client, training_staff())
    query = """{ trainingSessions(first: 50) {
      courseTitle townName attendeeCount attendances { attendeeName } } }"""

    def count():
        with CaptureQueriesContext(connection) as queries:
            api.query(query)
        return len(queries)

    make_session(course, local(2026, 3, 1, 9))
    small = count()
    for day in range(2, 8):
        attend(make_session(course, local(2026, 3, day, 9)), attendees[day % 3])
    assert count() == small
    too_many = api.post("{ trainingSessions(first: 1000) { courseTitle } }").json()
    assert too_many["errors"][0]["extensions"]["exception"]["code"] == "PAGE_SIZE_EXCEEDED"


def test_an_attendance_node_is_visible_to_its_attendee_and_county_staff_only(
    client, course, attendees
):
    session = make_session(course, local(2026, 3, 1, 9))
    owner = UserFactory()
    attendees[0].user = owner
    attendees[0].save()
    record = attend(session, attendees[0])
    query = "query($id: ID!) { node(id: $id) { ... on TrainingAttendance { attendeeName } } }"
    node_id = {"id": to_global_id("TrainingAttendance", record.pk)}
    assert as_user(client, owner).query(query, node_id)["node"] == {"attendeeName": "赵*"}
    assert as_user(client, training_staff()).query(query, node_id)["node"] is not None
    assert as_user(client, UserFactory()).query(query, node_id)["node"] is None
    assert as_user(client, None).query(query, node_id)["node"] is None


def test_cancelled_sessions_are_hidden_from_the_public_schedule(client, course):
    from backend.training.models import SessionStatus

    make_session(course, local(2026, 3, 1, 9), status=SessionStatus.CANCELLED)
    make_session(course, local(2026, 3, 2, 9))
    public = as_user(client, None).query("{ trainingSessions { status } }")["trainingSessions"]
    assert public == [{"status": "SCHEDULED"}]
    staff = as_user(client, training_staff()).query("{ trainingSessions { status } }")
    assert len(staff["trainingSessions"]) == 2
