"""Listing review: listing states, pending revisions, review decisions, certificates.

Every vendor product has one `Listing`: it moves draft → submitted → approved (published in the
channel) or rejected. Changes to the sensitive fields of an approved listing are collected in a
pending `ListingRevision` while the approved version stays on sale; a reviewer's decision on a
listing or a revision is a `ReviewDecision` with the checklist. `ProductCertificate` holds the
documents a product type requires (inspection report, SC licence) and those that unlock a
certification badge (geographical indication, green food, organic).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class ListingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    # Taken off sale by an inspector after a failed spot check (issue #14); back on sale only
    # through a new review.
    SUSPENDED = "suspended", _("已暂停销售")


class Listing(models.Model):
    """The review state of one product."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="listing"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=ListingState.choices, default=ListingState.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # True while an approved listing has a revision waiting (being edited or in review).
    has_pending_revision = models.BooleanField(_("有待审核的修改"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商品审核")
        verbose_name_plural = _("商品审核")
        ordering = ["-updated_at", "pk"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="listing_state_submitted")]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.get_state_display()}"


class RevisionStatus(models.TextChoices):
    # Pending from the first edit until the reviewer decides; the listing's submitted_at and
    # the revision's submitted_at tell whether it is in the review queue yet.
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class ListingRevision(models.Model):
    """Proposed changes to the sensitive fields of an approved listing.

    `changes` holds only what changes: {"name": "...", "description": {...},
    "variant_prices": {"<variant id>": "12.50"}, "certifications": ["green-food"],
    "media_removed": [<ProductMedia id>]}. Photos added wait in `RevisionMedia` rows and become
    ProductMedia when the revision is approved, so the storefront keeps showing the approved
    photos meanwhile.
    """

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(
        _("状态"), max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    changes = models.JSONField(_("修改内容"), default=dict, blank=True)
    # The approved values the changes replace, for the reviewer's side-by-side view.
    original = models.JSONField(_("原内容"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("上架内容修改")
        verbose_name_plural = _("上架内容修改")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing"],
                condition=models.Q(status="pending"),
                name="listing_one_open_revision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} · {self.get_status_display()}"


def revision_media_path(instance: RevisionMedia, filename: str) -> str:
    return f"listing-revisions/{instance.revision_id}/{filename}"


class RevisionMedia(models.Model):
    """A photo added to an approved listing, waiting for the revision's approval."""

    revision = models.ForeignKey(ListingRevision, on_delete=models.CASCADE, related_name="media")
    image = models.ImageField(_("图片"), upload_to=revision_media_path)
    alt = models.CharField(_("替代文字"), max_length=250, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待审核图片")
        verbose_name_plural = _("待审核图片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name or f"media {self.pk}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("驳回")


class ChecklistResult(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_APPLICABLE = "n.a.", _("不适用")


# The reviewer's checklist, in the order the review page shows it.
CHECKLIST_ITEMS: tuple[tuple[str, StrOrPromise], ...] = (
    ("labelling", _("标签标识")),
    ("net_content", _("净含量")),
    ("shelf_life", _("保质期")),
    ("origin", _("产地")),
    ("photos_truthful", _("图片真实")),
)


class ReviewDecision(models.Model):
    """A reviewer's decision on a listing (revision null) or on a revision of it."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="decisions")
    revision = models.ForeignKey(
        ListingRevision,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    decision = models.CharField(_("结论"), max_length=16, choices=Decision.choices)
    reasons = models.TextField(_("原因"), blank=True)
    # {"labelling": "pass", "net_content": "fail", ...}: every CHECKLIST_ITEMS key.
    checklist = models.JSONField(_("审核清单"), default=dict, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} · {self.get_decision_display()}"


class CertificateKind(models.TextChoices):
    INSPECTION_REPORT = "inspection_report", _("检验报告")
    SC_LICENCE = "sc_licence", _("食品生产许可证")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _("地理标志")
    GREEN_FOOD = "green_food", _("绿色食品")
    ORGANIC = "organic", _("有机")


# The value of the `certification` attribute each certificate kind unlocks (None: no badge).
BADGE_OF_KIND: dict[str, str | None] = {
    CertificateKind.INSPECTION_REPORT: None,
    CertificateKind.SC_LICENCE: "sc",
    CertificateKind.GEOGRAPHICAL_INDICATION: "geographical-indication",
    CertificateKind.GREEN_FOOD: "green-food",
    CertificateKind.ORGANIC: "organic",
}
KIND_OF_BADGE: dict[str, str] = {badge: kind for kind, badge in BADGE_OF_KIND.items() if badge}


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")


def certificate_path(instance: ProductCertificate, filename: str) -> str:
    return f"product-certificates/{instance.vendor_id}/{filename}"


class ProductCertificate(models.Model):
    """A document about one product: inspection report, licence or certification."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="certificates"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.CASCADE, related_name="product_certificates"
    )
    kind = models.CharField(_("证书类型"), max_length=32, choices=CertificateKind.choices)
    number = models.CharField(_("证书编号"), max_length=100, blank=True)
    file = models.FileField(_("文件"), upload_to=certificate_path, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    issued_on = models.DateField(_("签发日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    # The certification badge value (attribute `certification`) this certificate unlocks.
    badge = models.CharField(_("解锁的认证标识"), max_length=64, blank=True)
    # Set when the vendor was warned of the coming expiry (once per certificate).
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商品证书")
        verbose_name_plural = _("商品证书")
        ordering = ["product_id", "kind", "-issued_on", "pk"]
        indexes = [models.Index(fields=["status", "expires_on"], name="certificate_expiry")]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.get_kind_display()} {self.number}"


class ListingImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


def listing_import_path(instance: ListingImportJob, filename: str) -> str:
    """The uploaded file of a job, under the vendor's folder and a random name (the vendor's
    own file name is kept in `original_name`)."""
    import os
    import secrets

    extension = os.path.splitext(filename)[1].lower()
    if extension not in (".xlsx", ".csv"):
        extension = ""
    return f"listing-imports/{instance.vendor_id}/uploads/{secrets.token_urlsafe(16)}{extension}"


class ListingImportJob(models.Model):
    """A bulk listing import too large for one web request, run by a Celery worker
    (backend/listings/import_jobs.py). The checks were already answered in the request; the
    worker checks again, writes in chunks and keeps `processed_rows` up to date."""

    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.CASCADE, related_name="listing_import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("文件"), upload_to=listing_import_path, max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    import_valid_rows = models.BooleanField(_("导入有效行"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ListingImportJobStatus.choices,
        default=ListingImportJobStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_products = models.PositiveIntegerField(_("已导入商品"), default=0)
    created_variants = models.PositiveIntegerField(_("已导入规格"), default=0)
    error_rows = models.PositiveIntegerField(_("有错误的行"), default=0)
    # The problems as {"message", "code", "row", "column"}, the first MAX_STORED_ERRORS of them
    # (the error report has them all).
    errors = models.JSONField(_("问题"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("问题总数"), default=0)
    report_token = models.CharField(_("错误报告"), max_length=64, blank=True)
    message = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("商品导入任务")
        verbose_name_plural = _("商品导入任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["vendor", "-created_at"], name="listing_import_job_vendor")]

    def __str__(self) -> str:
        return f"{self.vendor_id} · {self.original_name} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ListingImportJobStatus.DONE, ListingImportJobStatus.FAILED)
