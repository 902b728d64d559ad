"""Changing the station network: status changes and operators, each in one transaction with an
audit record (DESIGN.md: every state change that matters to custody leaves one).

A status change sends `station_status_changed` (signals.py) after commit, so that routing can
move the pending parcels of a suspended or closed station elsewhere.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.core import audit
from backend.stations.error_codes import StationErrorCode
from backend.stations.models import Station, StationOperator, StationOperatorRole, StationStatus
from backend.stations.signals import station_status_changed


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("请填写原因。"), code=StationErrorCode.REQUIRED)}
        )
    if len(reason) > Station._meta.get_field("status_reason").max_length:  # type: ignore[operator]
        raise ValidationError(
            {"reason": ValidationError(_("原因过长。"), code=StationErrorCode.INVALID)}
        )
    return reason


def _set_status(*, station: Station, status: str, reason: str, actor, action: str) -> Station:
    status = StationStatus(status).value  # a plain string, as a row read back holds
    locked = Station.objects.select_for_update().get(pk=station.pk)
    old_status = locked.status
    before = {"status": old_status, "status_reason": locked.status_reason}
    locked.status = status
    locked.status_reason = reason
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        instance=locked,
        before=before,
        after={"status": status, "status_reason": reason},
    )
    transaction.on_commit(
        partial(
            station_status_changed.send,
            sender=Station,
            station=locked,
            old_status=old_status,
            new_status=status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason,
        )
    )
    return locked


def _current_status(station: Station) -> str:
    return Station.objects.select_for_update().values_list("status", flat=True).get(pk=station.pk)


@transaction.atomic
def suspend_station(*, station: Station, reason: str, actor) -> Station:
    """Stop taking parcels for a while (a partner changes, the shop is under repair)."""
    reason = _required_reason(reason)
    status = _current_status(station)
    if status == StationStatus.SUSPENDED:
        raise ValidationError(
            {"id": ValidationError(_("站点已暂停服务。"), code=StationErrorCode.ALREADY_SUSPENDED)}
        )
    if status == StationStatus.CLOSED:
        raise ValidationError(
            {
                "id": ValidationError(
                    _("站点已关闭，不能暂停；如需重新开放请先恢复。"),
                    code=StationErrorCode.STATION_CLOSED,
                )
            }
        )
    return _set_status(
        station=station,
        status=StationStatus.SUSPENDED,
        reason=reason,
        actor=actor,
        action="station.suspended",
    )


@transaction.atomic
def close_station(*, station: Station, reason: str, actor) -> Station:
    """Close a station for good; it stays in the network's history (parcels point at it)."""
    reason = _required_reason(reason)
    if _current_status(station) == StationStatus.CLOSED:
        raise ValidationError(
            {"id": ValidationError(_("站点已关闭。"), code=StationErrorCode.ALREADY_CLOSED)}
        )
    return _set_status(
        station=station,
        status=StationStatus.CLOSED,
        reason=reason,
        actor=actor,
        action="station.closed",
    )


@transaction.atomic
def reactivate_station(*, station: Station, actor) -> Station:
    """Open a suspended or closed station again."""
    if _current_status(station) == StationStatus.ACTIVE:
        raise ValidationError(
            {"id": ValidationError(_("站点正在运营中。"), code=StationErrorCode.ALREADY_ACTIVE)}
        )
    return _set_status(
        station=station,
        status=StationStatus.ACTIVE,
        reason="",
        actor=actor,
        action="station.reactivated",
    )


@transaction.atomic
def assign_operator(
    *, station: Station, user, role: str = StationOperatorRole.OPERATOR, actor
) -> StationOperator:
    """Make `user` an operator (or manager) of `station`; assigning again changes the role."""
    if role not in StationOperatorRole.values:
        raise ValidationError(
            {"role": ValidationError(_("未知的站点角色。"), code=StationErrorCode.INVALID)}
        )
    if not user.is_active:
        raise ValidationError(
            {"user": ValidationError(_("该用户已停用。"), code=StationErrorCode.INACTIVE_USER)}
        )
    if _current_status(station) == StationStatus.CLOSED:
        raise ValidationError(
            {
                "station": ValidationError(
                    _("站点已关闭，不能分配操作员。"), code=StationErrorCode.STATION_CLOSED
                )
            }
        )
    membership = StationOperator.objects.filter(station=station, user=user).first()
    before = {"role": membership.role} if membership else None
    if membership is None:
        membership = StationOperator.objects.create(station=station, user=user, role=role)
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="station.operator_assigned",
        instance=station,
        before=before,
        after={"user_id": user.pk, "role": role},
    )
    return membership
