from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicBrand(models.Model):
    """The county's public brand (区域公用品牌) that the marketplace sells under.

    Loaded from `catalog_seed/county.yaml`, so another county runs the same software with its
    own name, slogan, story, standards and logo.
    """

    county_name = models.CharField(_("县名"), max_length=100)
    county_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    province = models.CharField(_("省份"), max_length=50, blank=True)
    city = models.CharField(_("地级市"), max_length=50, blank=True)
    name = models.CharField(_("品牌名称"), max_length=100)
    slug = models.SlugField(_("标识"), max_length=100, unique=True, allow_unicode=True)
    slogan = models.CharField(_("品牌口号"), max_length=200, blank=True)
    story = models.TextField(_("品牌故事"), blank=True)
    # The brand's rules that a licensed product must follow (the county plan: 统一品质标准和
    # 包装设计): a short summary for shoppers, the full document for vendors and reviewers.
    quality_standards = models.TextField(_("品质标准摘要"), blank=True)
    packaging_rules = models.TextField(_("包装规范"), blank=True)
    standards_document = models.FileField(
        _("品牌标准文件"), upload_to="brand/standards/", blank=True
    )
    logo = models.ImageField(_("品牌标志"), upload_to="brand/logo/", blank=True)
    # Licence numbers read <prefix>-<year>-<serial>, e.g. YSYS-2026-0001 for 伊山伊水.
    licence_prefix = models.CharField(_("授权编号前缀"), max_length=12, default="BRAND")
    channel = models.ForeignKey(
        "channel.Channel",
        verbose_name=_("销售渠道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="brands",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("区域公用品牌")
        verbose_name_plural = _("区域公用品牌")
        ordering = ["pk"]
        permissions = [("manage_brand", _("管理区域公用品牌及其授权"))]

    def __str__(self) -> str:
        return f"{self.county_name} · {self.name}"

    @property
    def sms_signature(self) -> str:
        """How text messages are signed (短信签名): the brand's name in 【】."""
        return f"【{self.name}】"


class LicenceStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    ACTIVE = "active", _("授权中")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")
    REJECTED = "rejected", _("未通过")


class BrandLicence(models.Model):
    """Permission for one vendor's product to carry the public brand (授权使用).

    The badge shows while the licence is ACTIVE *and* now lies in [valid_from, valid_until):
    the window, not only the status, decides, so the badge goes at the exact instant of expiry
    even before the beat task marks the licence EXPIRED.
    """

    number = models.CharField(_("授权编号"), max_length=32, unique=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("商品"),
        on_delete=models.CASCADE,
        related_name="brand_licences",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        on_delete=models.CASCADE,
        related_name="brand_licences",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.REQUESTED
    )
    valid_from = models.DateTimeField(_("生效时间"), null=True, blank=True)
    valid_until = models.DateTimeField(_("到期时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("品牌授权")
        verbose_name_plural = _("品牌授权")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open licence per product: a new request waits until the last one has ended.
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status__in=["requested", "active", "suspended"]),
                name="brand_licence_one_open_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="brand_licence_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="brand_licence_expiry")]

    def __str__(self) -> str:
        return self.number

    def is_valid_at(self, at) -> bool:
        return (
            self.status == LicenceStatus.ACTIVE
            and self.valid_from is not None
            and self.valid_from <= at
            and (self.valid_until is None or at < self.valid_until)
        )


class LicenceEvent(models.Model):
    """One decision in a licence's history (requested, granted, suspended…), for the vendor's
    and the brand managers' view; the audit log keeps the before/after as well."""

    licence = models.ForeignKey(
        BrandLicence, on_delete=models.CASCADE, related_name="events", verbose_name=_("授权")
    )
    action = models.CharField(_("操作"), max_length=32)
    status = models.CharField(_("之后的状态"), max_length=16, choices=LicenceStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("原因"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("授权记录")
        verbose_name_plural = _("授权记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.licence_id} · {self.action}"
