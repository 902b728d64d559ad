"""The dashboard's stored figures and the county's designations.

- TargetMonth: one target's figure for one Asia/Shanghai month — the month's flow (sales,
  person-times) or its end-of-month level (coverage, counts) — with a small breakdown. Pages
  read these rows only, so they cost the same over a million orders as over ten (issue #18:
  "incremental or pre-aggregated figures, refreshed by Celery"). Demonstration history from
  the seed is marked is_demo and shown as 示例数据; computing a month replaces it.
- LeadingEnterprise: a vendor the county designates as a leading e-commerce enterprise
  (电子商务龙头企业, county plan: 重点孵化农村电子商务龙头企业不少于 3 家).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TargetMonth(models.Model):
    target_code = models.CharField(_("目标"), max_length=32)
    month = models.DateField(_("月份"), help_text=_("当月 1 日（北京时间）"))
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=2, null=True)
    detail = models.JSONField(_("明细"), default=dict, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("目标月度数据")
        verbose_name_plural = _("目标月度数据")
        ordering = ["target_code", "month"]
        permissions = [("view_dashboard", _("查看规划目标看板"))]
        constraints = [
            models.UniqueConstraint(fields=["target_code", "month"], name="targets_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target_code} {self.month:%Y-%m}: {self.value}"


class LeadingEnterprise(models.Model):
    vendor = models.OneToOneField(
        "vendors.Vendor",
        verbose_name=_("商家"),
        related_name="leading_designation",
        on_delete=models.CASCADE,
    )
    designated_on = models.DateField(_("认定日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("电子商务龙头企业")
        verbose_name_plural = _("电子商务龙头企业")
        ordering = ["designated_on", "pk"]
        permissions = [("designate_enterprises", _("认定电子商务龙头企业"))]

    def __str__(self) -> str:
        return str(self.vendor)
