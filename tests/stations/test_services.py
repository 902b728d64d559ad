"""Status changes and operators: each writes an audit record, refuses what makes no sense with
a stable code, and a status change is announced after commit (for re-routing) — never for a
change that was rolled back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from backend.core.models import AuditLogEntry
from backend.stations import services
from backend.stations.models import StationOperator, StationOperatorRole, StationStatus
from backend.stations.signals import station_status_changed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    station_status_changed.connect(receiver)
    yield calls
    station_status_changed.disconnect(receiver)


def error_code(raised: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    (field, errors), *_rest = raised.value.error_dict.items()
    return field, errors[0].code


def test_suspend_records_audit_and_announces_after_commit(
    network, received, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        station = services.suspend_station(
            station=network.east_one, reason=" 站长生病 ", actor=staff
        )
        assert received == []  # nothing before the commit

    for callback in callbacks:
        callback()
    assert (station.status, station.status_reason) == (StationStatus.SUSPENDED, "站长生病")
    assert received == [
        {
            "signal": station_status_changed,
            "station": station,
            "old_status": StationStatus.ACTIVE,
            "new_status": StationStatus.SUSPENDED,
            "actor": staff,
            "reason": "站长生病",
        }
    ]
    entry = AuditLogEntry.objects.get(action="station.suspended")
    assert (entry.actor, entry.object_id) == (staff, str(station.pk))
    assert entry.before == {"status": "active", "status_reason": ""}
    assert entry.after == {"status": "suspended", "status_reason": "站长生病"}


def test_rolled_back_suspension_is_never_announced(network, received):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.suspend_station(station=network.east_one, reason="测试", actor=None)
        raise RuntimeError("rolled back")

    network.east_one.refresh_from_db()
    assert network.east_one.status == StationStatus.ACTIVE
    assert received == []
    assert not AuditLogEntry.objects.filter(action="station.suspended").exists()


def test_close_then_reactivate(network, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.close_station(station=network.east_three, reason="撤并", actor=None)
        station = services.reactivate_station(station=network.east_three, actor=None)

    assert (station.status, station.status_reason) == (StationStatus.ACTIVE, "")
    assert [(c["old_status"], c["new_status"]) for c in received] == [
        (StationStatus.SUSPENDED, StationStatus.CLOSED),
        (StationStatus.CLOSED, StationStatus.ACTIVE),
    ]
    assert list(
        AuditLogEntry.objects.filter(object_id=str(station.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["station.closed", "station.reactivated"]


@pytest.mark.parametrize(
    ("service", "station", "kwargs", "expected"),
    [
        ("suspend_station", "east_three", {"reason": "x"}, ("id", "ALREADY_SUSPENDED")),
        ("suspend_station", "east_one", {"reason": "  "}, ("reason", "REQUIRED")),
        ("suspend_station", "east_one", {"reason": "长" * 257}, ("reason", "INVALID")),
        ("close_station", "east_one", {"reason": ""}, ("reason", "REQUIRED")),
        ("reactivate_station", "east_one", {}, ("id", "ALREADY_ACTIVE")),
    ],
)
def test_refused_status_changes(network, received, service, station, kwargs, expected):
    target = getattr(network, station)
    before = target.status

    with pytest.raises(ValidationError) as raised:
        getattr(services, service)(station=target, actor=None, **kwargs)

    assert error_code(raised) == expected
    target.refresh_from_db()
    assert target.status == before


def test_closed_station_cannot_be_suspended_or_closed_again(network):
    services.close_station(station=network.west_one, reason="撤并", actor=None)

    with pytest.raises(ValidationError) as suspended:
        services.suspend_station(station=network.west_one, reason="x", actor=None)
    with pytest.raises(ValidationError) as closed:
        services.close_station(station=network.west_one, reason="x", actor=None)

    assert error_code(suspended) == ("id", "STATION_CLOSED")
    assert error_code(closed) == ("id", "ALREADY_CLOSED")


def test_assign_operator_then_change_the_role(network):
    staff, user = UserFactory(is_staff=True), UserFactory()

    services.assign_operator(station=network.east_one, user=user, actor=staff)
    services.assign_operator(
        station=network.east_one, user=user, role=StationOperatorRole.MANAGER, actor=staff
    )

    membership = StationOperator.objects.get(station=network.east_one, user=user)
    assert membership.role == StationOperatorRole.MANAGER
    entries = AuditLogEntry.objects.filter(action="station.operator_assigned").order_by("pk")
    assert [(e.before, e.after) for e in entries] == [
        (None, {"user_id": user.pk, "role": "operator"}),
        ({"role": "operator"}, {"user_id": user.pk, "role": "manager"}),
    ]
    assert list(network.east_one.operators.all()) == [user]


def test_assign_operator_refusals(network):
    inactive = UserFactory(is_active=False)
    services.close_station(station=network.west_one, reason="撤并", actor=None)

    with pytest.raises(ValidationError) as inactive_user:
        services.assign_operator(station=network.east_one, user=inactive, actor=None)
    with pytest.raises(ValidationError) as closed:
        services.assign_operator(station=network.west_one, user=UserFactory(), actor=None)
    with pytest.raises(ValidationError) as bad_role:
        services.assign_operator(
            station=network.east_one, user=UserFactory(), role="boss", actor=None
        )

    assert error_code(inactive_user) == ("user", "INACTIVE_USER")
    assert error_code(closed) == ("station", "STATION_CLOSED")
    assert error_code(bad_role) == ("role", "INVALID")
    assert not StationOperator.objects.exists()
