"""Vendors: the cooperatives, family farms, processors and individual sellers of the market.

A vendor applies (by itself or through the county service centre), is reviewed, and once
active owns products, warehouses, order lines and statements. Its staff are users linked by
`VendorStaff`; invitations go to a phone number. Bank account numbers are kept masked for
display and encrypted at rest (`backend.core.crypto`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VendorKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体网商")


class VendorStatus(models.TextChoices):
    APPLIED = "applied", _("申请中")
    ACTIVE = "active", _("已入驻")
    REJECTED = "rejected", _("已驳回")
    SUSPENDED = "suspended", _("已暂停")


class Vendor(models.Model):
    """A cooperative or enterprise that sells through the marketplace."""

    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=VendorKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=VendorStatus.choices, default=VendorStatus.APPLIED
    )
    legal_name = models.CharField(_("法定名称"), max_length=250, blank=True)
    # 统一社会信用代码 (GB 32100-2015); validated by backend.vendors.validators.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # 食品生产许可证编号: SC + 14 digits, only for vendors that process food.
    sc_licence_number = models.CharField(_("食品生产许可证编号"), max_length=16, blank=True)
    # Declared by the applicant: it makes or packs food (粉丝, 面粉, 酱油, 白酒…), so an
    # enterprise or cooperative needs an SC licence (《食品生产许可管理办法》).
    processes_food = models.BooleanField(_("从事食品生产加工"), default=False)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    description = models.TextField(_("简介"), blank=True)
    town = models.CharField(_("所在乡镇"), max_length=100, blank=True)
    village = models.CharField(_("所在村"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account_name = models.CharField(_("账户名"), max_length=250, blank=True)
    # Shown to people: "**** **** 1234". The full number only in the encrypted column.
    bank_account_masked = models.CharField(_("银行账号（脱敏）"), max_length=40, blank=True)
    bank_account_encrypted = models.TextField(_("银行账号（加密）"), blank=True, editable=False)
    commission_rate = models.DecimalField(
        _("平台佣金比例"),
        max_digits=5,
        decimal_places=4,
        default=0,
        help_text=_("0.0500 表示 5%；可以为 0。"),
    )
    rejection_reason = models.TextField(_("驳回原因"), blank=True)
    suspension_reason = models.TextField(_("暂停原因"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商家")
        verbose_name_plural = _("商家")
        ordering = ["name"]
        permissions = (("manage_vendors", "Manage vendors and review their listings"),)
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="vendor_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0) & models.Q(commission_rate__lt=1),
                name="vendor_commission_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == VendorStatus.ACTIVE


class VendorRole(models.TextChoices):
    OWNER = "owner", _("负责人")
    STAFF = "staff", _("员工")


class VendorStaff(models.Model):
    """A user working for a vendor. A user works for at most one vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_membership"
    )
    role = models.CharField(_("角色"), max_length=16, choices=VendorRole.choices)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商家员工")
        verbose_name_plural = _("商家员工")
        ordering = ["vendor_id", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.user} ({self.get_role_display()})"


class VendorInvitation(models.Model):
    """An invitation to join a vendor's staff, sent by SMS to a phone number."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="invitations")
    phone = models.CharField(_("手机号"), max_length=32)
    role = models.CharField(
        _("角色"), max_length=16, choices=VendorRole.choices, default=VendorRole.STAFF
    )
    # SHA-256 of the token sent in the SMS link; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("员工邀请")
        verbose_name_plural = _("员工邀请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.phone}"


class VendorDocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    SC_LICENCE = "sc_licence", _("食品生产许可证")
    ID_CARD = "id_card", _("法定代表人身份证")
    BANK_PROOF = "bank_proof", _("开户证明")
    OTHER = "other", _("其他材料")


class VendorDocument(models.Model):
    """A scan submitted with a vendor's application (licence, ID, bank proof)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=32, choices=VendorDocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="vendor-documents/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入驻材料")
        verbose_name_plural = _("入驻材料")
        ordering = ["vendor_id", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.get_kind_display()}"
