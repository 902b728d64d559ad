"""The XLSX attendance import (all or nothing, per-row errors, template), the staff session
pages (QR, masked list), the sign-in page behind the QR, and who may open a certificate."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from backend.core.models import AuditLogEntry
from backend.training import attendance, imports
from backend.training.models import Attendance, Attendee
from tests.factories import UserFactory
from tests.training.conftest import attend, local, make_session, training_staff


def sheet(rows, header=("姓名", "手机号", "身份证后四位", "户编号")) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("sign-in.xlsx", buffer.getvalue())


def test_import_creates_attendance_and_links_households(course, household):
    session = make_session(course, local(2026, 4, 2, 9))
    result = imports.import_attendance(
        actor=training_staff(),
        session=session,
        file=sheet(
            [
                ("陈一", "13900001111", "123x", household.reference_number),
                ("林二", 13900002222, "", ""),
            ]
        ),
    )
    assert (result.errors, result.created, result.already_present) == ([], 2, 0)
    people = {a.name: a for a in Attendee.objects.all()}
    assert people["陈一"].household_id == household.pk and people["陈一"].id_last4 == "123X"
    assert people["林二"].phone_masked == "139****2222"
    assert all(a.source == "import" for a in Attendance.objects.all())
    assert AuditLogEntry.objects.get(action="training.attendance.import").after == {
        "rows": 2,
        "created": 2,
    }
    # The same sheet again adds nobody.
    again = imports.import_attendance(
        actor=training_staff(), session=session, file=sheet([("陈一", "13900001111", "", "")])
    )
    assert (again.created, again.already_present) == (0, 1)
    assert Attendance.objects.count() == 2


def test_any_bad_row_imports_nothing_and_names_row_column_code(course):
    session = make_session(course, local(2026, 4, 2, 9))
    result = imports.import_attendance(
        actor=training_staff(),
        session=session,
        file=sheet(
            [
                ("好人", "13900001111", "", ""),
                ("", "13900003333", "", ""),
                ("坏号", "12345", "", ""),
                ("证号", "13900004444", "12", ""),
                ("户号", "13900005555", "", "NO-SUCH"),
                ("重复", "13900001111", "", ""),
            ]
        ),
    )
    found = [(e.row, e.column, e.code) for e in result.errors]
    assert found == [
        (3, "姓名", "REQUIRED"),
        (4, "手机号", "INVALID_PHONE"),
        (5, "身份证后四位", "INVALID"),
        (6, "户编号", "NOT_FOUND"),
        (7, "手机号", "INVALID"),
    ]
    assert not Attendance.objects.exists() and not Attendee.objects.exists()


def test_file_level_errors(course):
    session = make_session(course, local(2026, 4, 2, 9))
    staff = training_staff()
    for upload, code in (
        (SimpleUploadedFile("x.xlsx", b"not a workbook"), "INVALID_FILE"),
        (sheet([("a", "13900001111")], header=("名字", "电话")), "INVALID_FILE"),
        (sheet([]), "REQUIRED"),
    ):
        with pytest.raises(ValidationError) as caught:
            imports.import_attendance(actor=staff, session=session, file=upload)
        assert caught.value.error_dict["file"][0].code == code
    with pytest.raises(ValidationError) as caught:
        imports.import_attendance(actor=UserFactory(), session=session, file=sheet([]))
    assert caught.value.error_list[0].code == "PERMISSION_DENIED"


def test_template_download_is_for_staff_and_has_the_columns(client, db):
    assert client.get("/training/staff/import-template.xlsx").status_code == 403
    client.force_login(training_staff())
    response = client.get("/training/staff/import-template.xlsx")
    assert response.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert header == ["姓名", "手机号", "身份证后四位", "户编号"]


def test_staff_session_pages_show_qr_and_masked_list(client, course, attendees):
    session = make_session(course, local(2026, 4, 2, 9))
    attend(session, attendees[0])
    url = f"/training/staff/sessions/{session.pk}/attendees/"
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(training_staff())
    page = client.get(url).content.decode()
    assert "赵*" in page and "赵一" not in page
    qr = client.get(f"/training/staff/sessions/{session.pk}/qr/").content.decode()
    assert "<svg" in qr and attendance.session_token(session) in qr
    upload = client.post(url, {"file": sheet([("", "1", "", "")])})
    assert upload.status_code == 400 and "请填写姓名" in upload.content.decode()


def test_sign_in_page_behind_the_qr(client, course):
    session = make_session(course, timezone.now() - dt.timedelta(minutes=5))
    url = attendance.attend_url(session)
    assert "登录后签到" in client.get(url).content.decode()
    assert client.get("/training/attend/1-forged/").status_code == 404
    user = UserFactory(phone="+8613900007777", first_name="")
    client.force_login(user)
    missing_name = client.post(url, {})
    assert missing_name.status_code == 400
    assert client.post(url, {"name": "吴九"}).status_code == 200
    repeat = client.post(url, {"name": "吴九"}).content.decode()
    assert "无需重复签到" in repeat
    assert Attendance.objects.filter(session=session).count() == 1


def test_certificate_opens_only_with_its_unguessable_link(client, course, attendees):
    session = make_session(course, local(2026, 4, 2, 9))
    record = attend(session, attendees[1])
    page = client.get(f"/training/certificates/{record.certificate_token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "培训结业证明" in text and "钱二" in text and course.title in text
    assert (
        client.get(f"/training/certificates/{record.certificate_token[:-1]}x/").status_code == 404
    )
    assert client.get(f"/training/certificates/{record.pk}/").status_code == 404


def test_my_training_lists_only_my_own_records(client, course, attendees):
    session = make_session(course, local(2026, 4, 2, 9))
    me = UserFactory()
    attendees[0].user = me
    attendees[0].save()
    mine = attend(session, attendees[0])
    theirs = attend(session, attendees[1])
    client.force_login(me)
    page = client.get("/training/mine/").content.decode()
    assert mine.certificate_token in page and theirs.certificate_token not in page
