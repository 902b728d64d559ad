"""Who may see and change training and job records.

County staff with the training permission see everything; a vendor's staff and a station's
operators see and report only their own employer's jobs; an attendee sees only their own
attendance (DESIGN.md: permissions are checked in services, never only by hiding a button).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from backend.training.models import Attendance, Job

MANAGE_TRAINING = "training.manage_training"


def is_training_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(MANAGE_TRAINING)
    )


def employer_vendor_id(user) -> int | None:
    membership = getattr(user, "vendor_membership", None) if user.is_authenticated else None
    return membership.vendor_id if membership is not None else None


def employer_station_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(user.station_memberships.values_list("station_id", flat=True))


def visible_jobs(user) -> QuerySet:
    """County staff: all; vendor staff: their vendor's; station operators: their stations'."""
    if is_training_staff(user):
        return Job.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    vendor_id = employer_vendor_id(user)
    condition = Q(station_id__in=employer_station_ids(user))
    if vendor_id is not None:
        condition |= Q(vendor_id=vendor_id)
    return Job.objects.filter(condition)


def visible_attendances(user) -> QuerySet:
    """County staff: all; anyone else: only their own attendance."""
    if is_training_staff(user):
        return Attendance.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Attendance.objects.none()
    return Attendance.objects.filter(attendee__user=user)
