"""The dashboard's training pages: only training staff see them; the jobs queue confirms and
rejects through the service (audited); rotating a session's key retires its printed QR."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from backend.core.models import AuditLogEntry
from backend.training import attendance
from backend.training.models import JobStatus, TrainingSession
from tests.factories import UserFactory
from tests.training.conftest import local, make_job, make_session, training_staff

JOBS = reverse("admin:training_job_changelist")


def test_training_pages_are_for_training_staff_only(client, vendor):
    make_job(vendor=vendor, start_date=dt.date(2026, 1, 5))
    client.force_login(UserFactory(is_staff=True))
    assert client.get(JOBS).status_code == 403
    client.force_login(training_staff())
    assert client.get(JOBS).status_code == 200


def test_confirm_and_reject_actions_go_through_the_service(client, vendor):
    first = make_job(vendor=vendor, start_date=dt.date(2026, 1, 5), status=JobStatus.REPORTED)
    second = make_job(vendor=vendor, start_date=dt.date(2026, 1, 6), status=JobStatus.REPORTED)
    client.force_login(training_staff())
    client.post(JOBS, {"action": "confirm_jobs", "_selected_action": [first.pk]})
    # Rejecting without a reason is refused per row and changes nothing.
    client.post(JOBS, {"action": "reject_jobs", "_selected_action": [second.pk], "reason": ""})
    second.refresh_from_db()
    assert second.status == JobStatus.REPORTED
    client.post(
        JOBS, {"action": "reject_jobs", "_selected_action": [second.pk], "reason": "岗位不存在"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (JobStatus.CONFIRMED, JobStatus.REJECTED)
    assert second.reason == "岗位不存在"
    assert AuditLogEntry.objects.filter(action__startswith="training.job.").count() == 2


def test_rotating_the_key_retires_the_printed_qr(client, course):
    session = make_session(course, local(2026, 4, 2, 9))
    old = attendance.session_token(session)
    client.force_login(training_staff())
    client.post(
        reverse("admin:training_trainingsession_changelist"),
        {"action": "rotate_qr", "_selected_action": [session.pk]},
    )
    assert attendance.session_token(TrainingSession.objects.get(pk=session.pk)) != old


def test_vendor_staff_report_jobs_on_their_page_and_see_only_their_own(client, vendor):
    from backend.training.models import Job
    from backend.vendors.models import VendorRole, VendorStaff
    from tests.factories import VendorFactory

    other = VendorFactory()
    make_job(vendor=other, start_date=dt.date(2026, 1, 5), position="别家的岗位")
    user = UserFactory()
    VendorStaff.objects.create(vendor=vendor, user=user, role=VendorRole.STAFF)
    client.force_login(user)
    page = client.get("/training/jobs/")
    assert page.status_code == 200 and "别家的岗位" not in page.content.decode()
    today = dt.date.today().isoformat()
    forged = client.post(
        "/training/jobs/",
        {"employer": f"vendor:{other.pk}", "position": "客服", "start_date": today},
    )
    assert forged.status_code == 400 and not Job.objects.filter(vendor=other, position="客服")
    done = client.post(
        "/training/jobs/",
        {
            "employer": f"vendor:{vendor.pk}",
            "position": "客服",
            "start_date": today,
            "worker_name": "郑小雨",
        },
    )
    assert done.status_code == 302
    job = Job.objects.get(vendor=vendor)
    assert job.worker_name_masked == "郑**" and job.status == JobStatus.REPORTED
    client.force_login(UserFactory())
    assert client.get("/training/jobs/").status_code == 403


def test_correcting_an_attendees_name_updates_its_mask(client, attendees):
    person = attendees[1]
    client.force_login(training_staff())
    url = reverse("admin:training_attendee_change", args=[person.pk])
    response = client.post(url, {"name": "欧阳小明", "id_last4": "", "household": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.name, person.name_masked) == ("欧阳小明", "欧***")
