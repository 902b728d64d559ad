"""Traceability (来源可溯、去向可查、风险可控、责任可究): bases, batches, EPCIS-style trace events,
spot checks and recalls.

The event model follows GS1 EPCIS 2.0 (what / when / where / why / who): every event names its
batch (what), its time and the time-zone offset it happened in (when), a read point — a base, a
warehouse or a station — (where), a CBV business step (why) and the person or scan that
recorded it (who). Events are append-only: a correction is a new event that references the one
it corrects, and each event stores the hash of the previous event of its batch, so an edited,
deleted or reordered row breaks the chain (`manage.py verify_trace`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OriginBase(models.Model):
    """A planting or breeding base (种养基地) a vendor's batches come from."""

    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        related_name="trace_bases",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("基地名称"), max_length=128)
    town = models.CharField(_("乡镇"), max_length=64, blank=True)
    village = models.CharField(_("村"), max_length=64, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("种养基地")
        verbose_name_plural = _("种养基地")
        ordering = ["vendor_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="trace_base_vendor_name")
        ]
        permissions = [("manage_traceability", "Manage traceability, spot checks and recalls")]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    ACTIVE = "active", _("在售")
    BLOCKED = "blocked", _("已封存")
    RECALLED = "recalled", _("已召回")


class Batch(models.Model):
    """A production lot (批次) of one variant from one vendor, with its trace code."""

    code = models.CharField(_("追溯码"), max_length=24, unique=True)
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("商家"), related_name="batches", on_delete=models.PROTECT
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        verbose_name=_("商品规格"),
        related_name="batches",
        on_delete=models.PROTECT,
    )
    base = models.ForeignKey(
        OriginBase,
        verbose_name=_("基地"),
        related_name="batches",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    lot_number = models.CharField(_("批号"), max_length=64)
    planted_on = models.DateField(_("种植/养殖日期"), null=True, blank=True)
    harvested_on = models.DateField(_("收获/生产日期"), null=True, blank=True)
    packed_on = models.DateField(_("包装日期"), null=True, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"), default=365)
    expires_on = models.DateField(_("到期日期"), db_index=True)
    quantity = models.PositiveIntegerField(_("数量"))
    quantity_allocated = models.PositiveIntegerField(_("已分配数量"), default=0)
    quantity_blocked = models.PositiveIntegerField(_("封存数量"), default=0)
    # [{"kind": "fertiliser"|"pesticide", "name", "amount", "applied_on", "safe_until"}]
    inputs = models.JSONField(_("投入品"), default=list, blank=True)
    # [{"step", "on", "note"}]
    processing_steps = models.JSONField(_("加工工序"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.ACTIVE
    )
    # The head of the batch's hash chain: catches a deleted last event.
    events_count = models.PositiveIntegerField(_("事件数"), default=0)
    head_hash = models.CharField(_("最新事件哈希"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("生产批次")
        verbose_name_plural = _("生产批次")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "lot_number"], name="trace_batch_vendor_lot"),
            models.CheckConstraint(
                condition=models.Q(quantity_allocated__lte=models.F("quantity")),
                name="trace_batch_allocated_lte_quantity",
            ),
        ]
        indexes = [models.Index(fields=["variant", "status", "expires_on"], name="trace_fefo")]

    def __str__(self) -> str:
        return f"{self.code} · {self.lot_number}"

    @property
    def quantity_free(self) -> int:
        return max(self.quantity - self.quantity_allocated - self.quantity_blocked, 0)


class InspectionResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class InspectionReport(models.Model):
    """A lab report on a batch (检验报告): the document, the lab, the result and its values."""

    batch = models.ForeignKey(Batch, related_name="inspections", on_delete=models.CASCADE)
    lab = models.CharField(_("检测机构"), max_length=128)
    report_number = models.CharField(_("报告编号"), max_length=64, blank=True)
    tested_on = models.DateField(_("检测日期"))
    result = models.CharField(_("结论"), max_length=8, choices=InspectionResult.choices)
    # [{"item": "农药残留", "value": "未检出", "limit": "≤0.05 mg/kg"}]
    values = models.JSONField(_("检测值"), default=list, blank=True)
    document = models.FileField(_("报告文件"), upload_to="trace-reports/", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检验报告")
        verbose_name_plural = _("检验报告")
        ordering = ["-tested_on", "pk"]

    def __str__(self) -> str:
        return f"{self.lab} {self.tested_on}"


class BizStep(models.TextChoices):
    """EPCIS 2.0 Core Business Vocabulary business steps (bare CBV words); harvesting and
    planting are not in the CBV, so they are exported as this project's own URIs."""

    PLANTING = "planting", _("种植/养殖")
    HARVESTING = "harvesting", _("收获")
    COMMISSIONING = "commissioning", _("生产")
    TRANSFORMING = "processing", _("加工")
    PACKING = "packing", _("包装")
    INSPECTING = "inspecting", _("检验")
    SAMPLING = "sampling", _("抽检")
    STORING = "storing", _("入库")
    SHIPPING = "shipping", _("发运")
    RECEIVING = "receiving", _("到站")
    RETAIL_SELLING = "retail_selling", _("售出")
    HOLDING = "holding", _("封存")
    OTHER = "other", _("其他")


CBV_BIZ_STEPS = {
    "commissioning",
    "packing",
    "inspecting",
    "sampling",
    "storing",
    "shipping",
    "receiving",
    "retail_selling",
    "holding",
    "other",
}


class ReadPointKind(models.TextChoices):
    BASE = "base", _("基地")
    WAREHOUSE = "warehouse", _("仓库")
    STATION = "station", _("服务站")
    LAB = "lab", _("检测机构")


class EventSource(models.TextChoices):
    VENDOR = "vendor", _("商家录入")
    INSPECTOR = "inspector", _("监管录入")
    STATION_SCAN = "station_scan", _("站点扫码")
    ALLOCATION = "allocation", _("订单分配")
    SYSTEM = "system", _("系统")


class TraceEvent(models.Model):
    """One EPCIS ObjectEvent about a batch. Append-only; `previous_hash` chains it to the event
    before it in its batch (sequence − 1) and `hash` covers its own content and that link."""

    event_id = models.UUIDField(_("事件编号"), unique=True)
    batch = models.ForeignKey(Batch, related_name="events", on_delete=models.PROTECT)
    sequence = models.PositiveIntegerField(_("序号"))
    event_time = models.DateTimeField(_("发生时间"))
    time_zone = models.CharField(_("时区"), max_length=6, default="+08:00")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    biz_step = models.CharField(_("业务步骤"), max_length=24, choices=BizStep.choices)
    disposition = models.CharField(_("状态"), max_length=32, blank=True)
    read_point_kind = models.CharField(_("地点类型"), max_length=16, choices=ReadPointKind.choices)
    read_point_id = models.CharField(_("地点编号"), max_length=64, blank=True)
    read_point_name = models.CharField(_("地点"), max_length=128)
    quantity = models.PositiveIntegerField(_("数量"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=EventSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder_label = models.CharField(_("记录人"), max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的事件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    shipment_code = models.CharField(_("包裹号"), max_length=16, blank=True)
    previous_hash = models.CharField(_("上一事件哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("追溯事件")
        verbose_name_plural = _("追溯事件")
        ordering = ["batch_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="trace_event_batch_seq")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.sequence} {self.biz_step}"


class BatchAllocation(models.Model):
    """Which order line took how much of which batch (FEFO, first expiry first out)."""

    order_line = models.ForeignKey(
        "order.OrderLine", related_name="batch_allocations", on_delete=models.CASCADE
    )
    batch = models.ForeignKey(Batch, related_name="allocations", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("数量"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("批次分配")
        verbose_name_plural = _("批次分配")
        constraints = [
            models.UniqueConstraint(fields=["order_line", "batch"], name="trace_alloc_line_batch")
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} ← {self.batch_id} ×{self.quantity}"


class TraceScan(models.Model):
    """A look at a public trace page; many places at once means a copied label."""

    batch = models.ForeignKey(Batch, related_name="scans", on_delete=models.CASCADE)
    scanned_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A salted hash of the network address: enough to count places, not to find anyone.
    place = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.batch_id}@{self.scanned_at:%Y-%m-%d %H:%M}"


class CopyFlag(models.Model):
    """Staff alert: one code scanned from many places within a short window."""

    batch = models.ForeignKey(Batch, related_name="copy_flags", on_delete=models.CASCADE)
    places = models.PositiveIntegerField(_("地点数"))
    flagged_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    resolved = models.BooleanField(_("已处理"), default=False)

    class Meta:
        verbose_name = _("疑似复制标签")
        verbose_name_plural = _("疑似复制标签")
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.places}"


class SpotCheckResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class SpotCheck(models.Model):
    """A quality spot check of goods sold online (网货质量抽查)."""

    batch = models.ForeignKey(Batch, related_name="spot_checks", on_delete=models.PROTECT)
    vendor = models.ForeignKey(
        "vendors.Vendor", related_name="spot_checks", on_delete=models.PROTECT
    )
    product = models.ForeignKey(
        "catalog.Product", related_name="spot_checks", on_delete=models.PROTECT
    )
    sample = models.CharField(_("样品"), max_length=200)
    sampled_at = models.DateTimeField(_("抽样时间"))
    lab = models.CharField(_("检测机构"), max_length=128)
    result = models.CharField(_("结果"), max_length=8, choices=SpotCheckResult.choices)
    values = models.JSONField(_("检测值"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("网货质量抽查")
        verbose_name_plural = _("网货质量抽查")
        ordering = ["-sampled_at", "pk"]

    def __str__(self) -> str:
        return f"{self.sample} · {self.get_result_display()}"


class RecallStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已完成")


class RefundPolicy(models.TextChoices):
    FULL = "full", _("全额退款")
    NONE = "none", _("不退款（仅通知）")


class Recall(models.Model):
    """A recall of one batch: who received it, who was told, who acknowledged, refunds."""

    batch = models.ForeignKey(Batch, related_name="recalls", on_delete=models.PROTECT)
    spot_check = models.ForeignKey(
        SpotCheck, null=True, blank=True, related_name="recalls", on_delete=models.SET_NULL
    )
    reason = models.CharField(_("原因"), max_length=1000)
    refund_policy = models.CharField(
        _("退款政策"), max_length=8, choices=RefundPolicy.choices, default=RefundPolicy.FULL
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=RecallStatus.choices, default=RecallStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("召回")
        verbose_name_plural = _("召回")
        ordering = ["-opened_at"]
        constraints = [
            # Two inspectors recalling one batch at the same moment: the second waits for the
            # first and is refused (ALREADY_RECALLED), so shoppers are told once.
            models.UniqueConstraint(
                fields=["batch"],
                condition=models.Q(status="open"),
                name="trace_one_open_recall_per_batch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch.code} · {self.get_status_display()}"


class RecallNotice(models.Model):
    """One affected order line of a recall: the shopper told, the station it went through,
    the acknowledgement and the refund."""

    recall = models.ForeignKey(Recall, related_name="notices", on_delete=models.CASCADE)
    order_line = models.ForeignKey("order.OrderLine", related_name="+", on_delete=models.CASCADE)
    order = models.ForeignKey("order.Order", related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(_("数量"))
    station = models.ForeignKey(
        "stations.Station", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    token = models.CharField(max_length=32, unique=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("退款金额"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    refund_error = models.CharField(_("退款问题"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("召回通知")
        verbose_name_plural = _("召回通知")
        constraints = [
            models.UniqueConstraint(fields=["recall", "order_line"], name="trace_notice_unique")
        ]

    def __str__(self) -> str:
        return f"{self.recall_id} · {self.order_id}"
