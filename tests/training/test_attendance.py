"""Attendance by the session's QR code (扫码签到): a person counts once per session however
often the QR is scanned or the form submitted, also when two requests race; capacity holds;
sign-in only while the session is open; a token for one session is useless for another."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.training import attendance
from backend.training.models import Attendance, Attendee, SessionStatus
from tests.checkout.test_concurrency import run_in_parallel
from tests.factories import UserFactory
from tests.training.conftest import make_session


def open_session(course, **fields):
    return make_session(course, timezone.now() - dt.timedelta(minutes=10), **fields)


def shopper(phone="+8613900001111", **fields):
    return UserFactory(phone=phone, first_name=fields.pop("first_name", "小明"), **fields)


def code_of(call):
    try:
        call()
    except ValidationError as error:
        return (
            error.error_list[0].code
            if not hasattr(error, "error_dict")
            else next(iter(error.error_dict.values()))[0].code
        )
    return "ok"


def test_replaying_the_qr_counts_the_person_once(course):
    session = open_session(course)
    user = shopper()
    token = attendance.session_token(session)
    first, created = attendance.attend_by_qr(token=token, user=user)
    again, created_again = attendance.attend_by_qr(token=token, user=user)
    assert created and not created_again
    assert first.pk == again.pk
    assert Attendance.objects.filter(session=session).count() == 1
    assert first.source == "qr"
    assert first.session_starts_at == session.starts_at


def test_attendee_phone_is_stored_encrypted_and_masked(course):
    session = open_session(course)
    user = shopper(phone="+8613912345678")
    record, _ = attendance.attend_by_qr(token=attendance.session_token(session), user=user)
    person = Attendee.objects.get(pk=record.attendee_id)
    assert "13912345678" not in person.phone_encrypted
    assert person.phone_masked == "139****5678"
    assert person.name_masked == "小*"


def test_token_of_another_session_or_a_forged_one_is_refused(course):
    session = open_session(course)
    other = open_session(course)
    token = attendance.session_token(session)
    forged = f"{other.pk}-{token.split('-', 1)[1]}"
    user = shopper()
    hostile = f"{session.pk}-中文\ud800"
    for bad in (forged, "abc", "", f"{session.pk}-", "9" * 30 + "-x", hostile, "٣-x"):
        assert code_of(lambda bad=bad: attendance.attend_by_qr(token=bad, user=user)) == (
            "INVALID_TOKEN"
        )
    assert not Attendance.objects.exists()


def test_rotated_key_retires_printed_codes(course):
    session = open_session(course)
    old = attendance.session_token(session)
    attendance.rotate_signing_key(session=session, actor=None)
    assert code_of(lambda: attendance.attend_by_qr(token=old, user=shopper())) == "INVALID_TOKEN"


def test_sign_in_only_while_the_session_is_open(course):
    later = make_session(course, timezone.now() + dt.timedelta(hours=3))
    past = make_session(course, timezone.now() - dt.timedelta(hours=5))
    cancelled = open_session(course, status=SessionStatus.CANCELLED)
    user = shopper()
    for session in (later, past, cancelled):
        token = attendance.session_token(session)
        assert code_of(lambda t=token: attendance.attend_by_qr(token=t, user=user)) == (
            "SESSION_NOT_OPEN"
        )
    soon = make_session(course, timezone.now() + dt.timedelta(minutes=50))
    assert attendance.attend_by_qr(token=attendance.session_token(soon), user=user)[1]


def test_anonymous_and_nameless_sign_in_are_refused(course):
    session = open_session(course)
    token = attendance.session_token(session)
    from django.contrib.auth.models import AnonymousUser

    assert code_of(lambda: attendance.attend_by_qr(token=token, user=AnonymousUser())) == (
        "NOT_SIGNED_IN"
    )
    nameless = shopper(first_name="")
    assert code_of(lambda: attendance.attend_by_qr(token=token, user=nameless)) == "REQUIRED"
    assert attendance.attend_by_qr(token=token, user=nameless, name="王五")[1]


def test_capacity_is_enforced_with_a_typed_error(course):
    session = open_session(course, capacity=2)
    token = attendance.session_token(session)
    attendance.attend_by_qr(token=token, user=shopper("+8613900000001"))
    attendance.attend_by_qr(token=token, user=shopper("+8613900000002"))
    late = shopper("+8613900000003")
    assert code_of(lambda: attendance.attend_by_qr(token=token, user=late)) == "SESSION_FULL"
    # Someone already in still gets their record back when the session is full.
    assert Attendance.objects.filter(session=session).count() == 2


def test_signing_in_links_an_imported_attendee_by_phone(course):
    session = open_session(course)
    imported = Attendee.objects.create(
        name="周六",
        name_masked="周*",
        phone_digest=attendance.phone_digest("+8613900002222"),
    )
    user = shopper("+8613900002222")
    record, _ = attendance.attend_by_qr(token=attendance.session_token(session), user=user)
    assert record.attendee_id == imported.pk
    imported.refresh_from_db()
    assert imported.user_id == user.pk


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sign_ins_of_one_person_count_once(course):
    session = open_session(course)
    user = shopper()
    token = attendance.session_token(session)
    results = run_in_parallel(
        [lambda: attendance.attend_by_qr(token=token, user=user)[1] for _ in range(2)]
    )
    assert sorted(results) == [False, True]
    assert Attendance.objects.filter(session=session).count() == 1
    assert Attendee.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_never_exceed_capacity(course):
    session = open_session(course, capacity=2)
    token = attendance.session_token(session)
    users = [shopper(f"+861390000100{i}") for i in range(4)]
    results = run_in_parallel(
        [lambda u=u: code_of(lambda: attendance.attend_by_qr(token=token, user=u)) for u in users]
    )
    assert sorted(results) == ["SESSION_FULL", "SESSION_FULL", "ok", "ok"]
    assert Attendance.objects.filter(session=session).count() == 2


@pytest.mark.django_db(transaction=True)
def test_one_person_signing_in_to_two_sessions_at_once_is_one_attendee(course):
    sessions = [open_session(course), open_session(course)]
    user = shopper()
    tokens = [attendance.session_token(session) for session in sessions]
    results = run_in_parallel(
        [lambda t=t: attendance.attend_by_qr(token=t, user=user)[1] for t in tokens]
    )
    assert results == [True, True]
    assert Attendee.objects.filter(user=user).count() == 1
    assert Attendance.objects.filter(attendee__user=user).count() == 2
