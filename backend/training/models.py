"""E-commerce training and the jobs it leads to (county plan target 6: 5,000 person-times of
training and 3,000 jobs; target 10: registered low-income people included through training and
jobs).

Attendance is one row per person per session (unique), so a replayed QR code or a second import
of the same sheet can never count a person twice. Attendee phones are stored only encrypted
(backend/core/crypto.py) beside a masked form for lists and a keyed digest for finding the same
person again (an encrypted column cannot be searched).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_signing_key() -> str:
    return secrets.token_urlsafe(24)


class TrainingCourse(models.Model):
    """A course the county offers (直播带货、网店运营、农产品摄影……); sessions run it."""

    title = models.CharField(_("课程名称"), max_length=120, unique=True)
    topic = models.CharField(_("主题"), max_length=60)
    description = models.TextField(_("课程简介"), blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["title"]
        permissions = [("manage_training", _("管理培训与就业"))]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期")
    COMPLETED = "completed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class TrainingSession(models.Model):
    """One run of a course at a place and time, with its own QR signing key."""

    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("课程"), related_name="sessions", on_delete=models.PROTECT
    )
    trainer = models.CharField(_("讲师"), max_length=64)
    town = models.ForeignKey(
        "divisions.Town",
        verbose_name=_("乡镇"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    village = models.ForeignKey(
        "divisions.Village",
        verbose_name=_("村"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    venue = models.CharField(_("地点"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), default=50)
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    # Signs the session's QR URL; replacing it invalidates every printed code of the session.
    signing_key = models.CharField(max_length=64, default=new_signing_key, editable=False)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["-starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.course.title} {local:%Y-%m-%d %H:%M}"


class Attendee(models.Model):
    """A person who attended training: minimal data, the phone only encrypted."""

    name = models.CharField(_("姓名"), max_length=64)
    name_masked = models.CharField(_("姓名（脱敏）"), max_length=64)
    phone_masked = models.CharField(_("手机号（脱敏）"), max_length=20, blank=True)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    # HMAC of the phone under the server's secret: finds the same person on the next sign-in
    # or import without storing the number in clear.
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_last4 = models.CharField(_("身份证后四位"), max_length=4, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        related_name="training_attendee",
        on_delete=models.SET_NULL,
    )
    household = models.ForeignKey(
        "poverty.Household",
        verbose_name=_("低收入户"),
        null=True,
        blank=True,
        related_name="training_attendees",
        on_delete=models.SET_NULL,
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_digest"],
                condition=~models.Q(phone_digest=""),
                name="training_attendee_phone_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name_masked


class AttendanceSource(models.TextChoices):
    QR = "qr", _("扫码签到")
    IMPORT = "import", _("表格导入")
    STAFF = "staff", _("工作人员登记")


class Attendance(models.Model):
    """One person at one session: the unit of the plan's person-times (人次)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("场次"),
        related_name="attendances",
        on_delete=models.CASCADE,
    )
    attendee = models.ForeignKey(
        Attendee, verbose_name=_("学员"), related_name="attendances", on_delete=models.PROTECT
    )
    source = models.CharField(_("来源"), max_length=8, choices=AttendanceSource.choices)
    # Copied from the session so the figures are one indexed scan of this table.
    session_starts_at = models.DateTimeField(db_index=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    # Unguessable part of the certificate link (培训结业证明).
    certificate_token = models.CharField(
        max_length=43, unique=True, default=new_signing_key, editable=False
    )
    # Indexed for figures.touched_months (the dashboard's incremental refresh).
    signed_in_at = models.DateTimeField(_("签到时间"), default=timezone.now, db_index=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["session_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "attendee"], name="training_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.attendee_id}"


class JobStatus(models.TextChoices):
    REPORTED = "reported", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class Job(models.Model):
    """A job an employer (a vendor or a station) reports; counted once county staff confirm."""

    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("用工商家"),
        null=True,
        blank=True,
        related_name="training_jobs",
        on_delete=models.PROTECT,
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("用工站点"),
        null=True,
        blank=True,
        related_name="training_jobs",
        on_delete=models.PROTECT,
    )
    position = models.CharField(_("岗位"), max_length=80)
    worker_name_masked = models.CharField(_("从业人员（脱敏）"), max_length=64, blank=True)
    start_date = models.DateField(_("上岗日期"), db_index=True)
    # Linked only with the household's consent (county plan: personal data minimal).
    household = models.ForeignKey(
        "poverty.Household",
        verbose_name=_("低收入户"),
        null=True,
        blank=True,
        related_name="training_jobs",
        on_delete=models.PROTECT,
    )
    household_consent = models.BooleanField(_("低收入户同意关联"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.REPORTED
    )
    reason = models.CharField(_("驳回原因"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True, db_index=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        verbose_name = _("就业岗位")
        verbose_name_plural = _("就业岗位")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "start_date"], name="training_job_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(vendor__isnull=False, station__isnull=True)
                    | models.Q(vendor__isnull=True, station__isnull=False)
                ),
                name="training_job_one_employer",
            ),
            models.CheckConstraint(
                condition=models.Q(household__isnull=True) | models.Q(household_consent=True),
                name="training_job_household_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} ({self.get_status_display()})"

    @property
    def employer_name(self) -> str:
        employer = self.vendor or self.station
        return employer.name if employer is not None else ""
