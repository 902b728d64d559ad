"""Attendance (签到): by the session's QR code on the attendee's phone, or recorded by staff.

The QR encodes /training/attend/<token>/, where the token is the session's id and an HMAC of it
under the session's own signing key: it cannot be forged for another session, and replacing the
key (rotate_signing_key) retires every printed code. Replaying the URL is harmless: a person
counts once per session because Attendance is unique on (session, attendee), and sign-ins of
one session are serialised by a row lock on the session, which is also what makes the capacity
check hold under concurrent requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.core.crypto import encrypt
from backend.training.error_codes import TrainingErrorCode as Code
from backend.training.models import (
    Attendance,
    AttendanceSource,
    Attendee,
    SessionStatus,
    TrainingSession,
    new_signing_key,
)

# Sign-in opens an hour before the start and closes an hour after the end (people arrive early
# and the trainer may run over), evaluated against the session's times, stored in UTC.
OPEN_BEFORE = dt.timedelta(hours=1)
OPEN_AFTER = dt.timedelta(hours=1)


def _error(field: str | None, message: str, code: str) -> ValidationError:
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def mask_name(name: str) -> str:
    """'张三丰' -> '张**': the family name stays readable in lists."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    digits = phone.removeprefix("+86")
    return f"{digits[:3]}****{digits[-4:]}" if digits else ""


def phone_digest(phone: str) -> str:
    """A keyed digest of the normalised number, to find the same person without the number."""
    if not phone:
        return ""
    key = ("training-phone:" + settings.SECRET_KEY).encode()
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()


def session_token(session: TrainingSession) -> str:
    signature = hmac.new(
        session.signing_key.encode(), f"session:{session.pk}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"{session.pk}-{signature}"


def session_for_token(token: str) -> TrainingSession:
    """The session a QR token names, or a typed error for any token that does not check out."""
    invalid = _error("session_token", _("签到二维码无效或已更换。"), Code.INVALID_TOKEN)
    pk_text, _sep, _signature = (token or "").strip().partition("-")
    if not pk_text.isdigit() or len(pk_text) > 12:
        raise invalid
    session = TrainingSession.objects.select_related("course").filter(pk=int(pk_text)).first()
    # Bytes: compare_digest refuses str with non-ASCII characters (a hostile token).
    given = token.strip().encode("utf-8", "replace")
    if session is None or not hmac.compare_digest(session_token(session).encode(), given):
        raise invalid
    return session


def attend_url(session: TrainingSession) -> str:
    return reverse("training:attend", kwargs={"token": session_token(session)})


def qr_svg(session: TrainingSession, *, base_url: str, scale: int = 8) -> str:
    """The session's sign-in QR (SVG) encoding the absolute sign-in URL."""
    buffer = io.BytesIO()
    segno.make(base_url.rstrip("/") + attend_url(session), error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False
    )
    return buffer.getvalue().decode()


def rotate_signing_key(*, session: TrainingSession, actor) -> TrainingSession:
    with transaction.atomic():
        session.signing_key = new_signing_key()
        session.save(update_fields=["signing_key"])
        audit.record(actor=actor, action="training.session.rotate_qr", instance=session)
    return session


def is_open(session: TrainingSession, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.status == SessionStatus.SCHEDULED
        and session.starts_at - OPEN_BEFORE <= now <= session.ends_at + OPEN_AFTER
    )


def _record(
    *, session: TrainingSession, attendee: Attendee, source: str, recorded_by=None
) -> tuple[Attendance, bool]:
    """Inside a transaction holding the session's row lock: the attendance, created once."""
    existing = Attendance.objects.filter(session=session, attendee=attendee).first()
    if existing is not None:
        return existing, False
    if Attendance.objects.filter(session=session).count() >= session.capacity:
        raise _error(
            "session",
            _("本场培训名额已满（%(n)d 人）。") % {"n": session.capacity},
            Code.SESSION_FULL,
        )
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                attendee=attendee,
                source=source,
                session_starts_at=session.starts_at,
                recorded_by=recorded_by,
                is_demo=session.is_demo,
            )
    except IntegrityError:
        # Only reachable without the lock (a caller outside attend_*): the other insert won.
        return Attendance.objects.get(session=session, attendee=attendee), False
    return attendance, True


def attendee_for_user(*, user, name: str = "") -> Attendee:
    """The user's attendee record: found by the account, then by the account's phone (an
    earlier import), else created with the name given."""
    attendee = Attendee.objects.select_for_update().filter(user=user).first()
    if attendee is not None:
        return attendee
    digest = phone_digest(user.phone or "")
    if digest:
        attendee = Attendee.objects.select_for_update().filter(phone_digest=digest).first()
        if attendee is not None and attendee.user_id is None:
            attendee.user = user
            attendee.save(update_fields=["user"])
            return attendee
    name = (name or "").strip() or user.get_full_name().strip()
    if not name:
        raise _error("name", _("首次签到请填写姓名。"), Code.REQUIRED)
    if len(name) > 64:
        raise _error("name", _("姓名太长。"), Code.INVALID)
    try:
        with transaction.atomic():
            return Attendee.objects.create(
                name=name,
                name_masked=mask_name(name),
                phone_encrypted=encrypt(user.phone or ""),
                phone_masked=mask_phone(user.phone or ""),
                phone_digest=digest,
                user=user,
            )
    except IntegrityError:
        # The same person signing in to another session at the same moment created it first
        # (the session lock serialises one session only).
        return Attendee.objects.get(user=user)


def attend_by_qr(*, token: str, user, name: str = "") -> tuple[Attendance, bool]:
    """Sign the signed-in user in to the QR's session; (attendance, created).

    Safe to repeat: a second scan, a double submit or two concurrent requests return the same
    attendance with created=False."""
    if user is None or not user.is_authenticated:
        raise _error(None, _("请先登录再签到。"), Code.NOT_SIGNED_IN)
    session = session_for_token(token)
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if not is_open(session):
            raise _error(
                "session_token",
                _("本场培训当前不在签到时间内（开课前 1 小时至结束后 1 小时）。"),
                Code.SESSION_NOT_OPEN,
            )
        attendee = attendee_for_user(user=user, name=name)
        return _record(session=session, attendee=attendee, source=AttendanceSource.QR)


def record_for_attendees(
    *, session: TrainingSession, attendees: list[Attendee], source: str, recorded_by
) -> int:
    """Staff recording (import or by hand): the number of attendances newly created."""
    created = 0
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.status == SessionStatus.CANCELLED:
            raise _error("session", _("本场培训已取消。"), Code.INVALID_STATUS)
        for attendee in attendees:
            _attendance, new = _record(
                session=session, attendee=attendee, source=source, recorded_by=recorded_by
            )
            created += int(new)
    return created
