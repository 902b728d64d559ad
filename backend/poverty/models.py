"""The poverty-alleviation zone (扶贫网销专区, county plan §三 and §四.1): the registry of
economically weak villages and registered low-income households (建档立卡低收入户), product
certification (扶贫产品认定) with its benefit mechanism, and the immutable benefit ledger.

Household data is minimal (county-plan DESIGN.md: "personal data of low-income households is
minimal, encrypted at rest, and visible only to the county staff who need it"): identity
numbers and phones live only in encrypted columns (backend/core/crypto.py) beside a masked
form for lists. Ledger rows are never updated or deleted: the models refuse it and a database
trigger (migration 0002) refuses it too, so the zone's figures cannot be edited after the fact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.private_files import private_storage


class Household(models.Model):
    """A registered low-income household (建档立卡低收入户) of one village."""

    reference_number = models.CharField(_("建档立卡编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        "divisions.Village",
        verbose_name=_("所在村"),
        related_name="low_income_households",
        on_delete=models.PROTECT,
    )
    head_name = models.CharField(_("户主姓名"), max_length=64)
    members = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    id_number_masked = models.CharField(_("身份证号（脱敏）"), max_length=32, blank=True)
    id_number_encrypted = models.TextField(_("身份证号（加密）"), blank=True, editable=False)
    phone_masked = models.CharField(_("手机号（脱敏）"), max_length=20, blank=True)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    story_consent = models.BooleanField(_("同意公开故事"), default=False)
    photo_consent = models.BooleanField(_("同意公开照片"), default=False)
    story = models.TextField(_("故事"), blank=True)
    # Private storage like the evidence documents; shown on the zone page only while both
    # story_consent and photo_consent hold (served by a view that checks them per request).
    photo = models.FileField(
        _("照片"), storage=private_storage, upload_to="poverty/photos/", blank=True
    )
    # Demo data (the seed) is marked, so it can never be mistaken for a real family.
    is_fictional = models.BooleanField(_("虚构示例"), default=False)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("低收入户")
        verbose_name_plural = _("低收入户")
        ordering = ["village__town__sort_order", "village__sort_order", "reference_number"]
        permissions = [("manage_poverty", _("管理扶贫专区"))]

    def __str__(self) -> str:
        return f"{self.reference_number} {self.head_name}"


class HouseholdDocument(models.Model):
    """Evidence for a household's registration, in private storage (signed URLs only)."""

    household = models.ForeignKey(Household, related_name="documents", on_delete=models.CASCADE)
    title = models.CharField(_("名称"), max_length=120)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="poverty/households/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("低收入户证明材料")
        verbose_name_plural = _("低收入户证明材料")
        ordering = ["household_id", "pk"]

    def __str__(self) -> str:
        return self.title


class InclusionKind(models.TextChoices):
    """How a household is included in e-commerce (county plan 2021: 培训、代购、供货)."""

    SUPPLY = "supply", _("供货")
    JOB = "job", _("就业")
    AGENT_PURCHASE = "agent_purchase", _("代购")
    # Recorded by hand here; the training app's attendance and jobs linked to a household
    # are counted too (poverty.reports.inclusion).
    TRAINING = "training", _("培训")


class HouseholdInclusion(models.Model):
    """A recorded inclusion of a household, for the share of registered people included.

    Supply and jobs are derived from certifications (their beneficiaries); agent purchases at a
    village station and training attendance are recorded here by staff or by other apps."""

    household = models.ForeignKey(Household, related_name="inclusions", on_delete=models.CASCADE)
    kind = models.CharField(_("方式"), max_length=20, choices=InclusionKind.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("纳入电商服务记录")
        verbose_name_plural = _("纳入电商服务记录")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.date}"


class VillageStory(models.Model):
    """A weak village's story on the zone page, shown only with the village's consent."""

    village = models.OneToOneField(
        "divisions.Village", related_name="poverty_story", on_delete=models.CASCADE
    )
    title = models.CharField(_("标题"), max_length=120)
    story = models.TextField(_("故事"))
    consent = models.BooleanField(_("村集体同意公开"), default=False)
    photo_consent = models.BooleanField(_("村集体同意公开照片"), default=False)
    photo = models.FileField(
        _("照片"), storage=private_storage, upload_to="poverty/photos/", blank=True
    )

    class Meta:
        verbose_name = _("村庄故事")
        verbose_name_plural = _("村庄故事")
        ordering = ["village__town__sort_order", "village__sort_order"]

    def __str__(self) -> str:
        return self.title


class Mechanism(models.TextChoices):
    """The benefit mechanism of a certified product (利益联结机制)."""

    PURCHASE = "purchase", _("收购低收入户农产品")
    EMPLOYMENT = "employment", _("吸纳低收入户就业")
    SALES_SHARE = "sales_share", _("销售额分成")


class ShareRecipient(models.TextChoices):
    HOUSEHOLDS = "households", _("低收入户")
    VILLAGE = "village", _("经济薄弱村集体")


class CertificationStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    APPROVED = "approved", _("已认定")
    REJECTED = "rejected", _("未通过")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")


class Certification(models.Model):
    """A product's poverty-alleviation certification (扶贫产品认定) and its mechanism.

    The mechanism's terms are fixed once approved: a change is a new application, so the
    ledger always refers to the terms in force when a line was paid."""

    number = models.CharField(_("认定编号"), max_length=32, unique=True, null=True, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("商品"),
        related_name="poverty_certifications",
        on_delete=models.PROTECT,
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        related_name="poverty_certifications",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CertificationStatus.choices,
        default=CertificationStatus.REQUESTED,
    )
    mechanism = models.CharField(_("利益联结方式"), max_length=16, choices=Mechanism.choices)
    # PURCHASE: the vendor buys `kg_per_unit` kg of produce per unit sold at `price_per_kg`.
    price_per_kg = models.DecimalField(
        _("收购价（元/公斤）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    kg_per_unit = models.DecimalField(
        _("每件用料（公斤）"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    # EMPLOYMENT: wages paid to employed household members per unit sold.
    wage_per_unit = models.DecimalField(
        _("每件工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # SALES_SHARE: this percentage of what the shopper paid for the line.
    share_percent = models.DecimalField(
        _("分成比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    share_recipient = models.CharField(
        _("分成对象"), max_length=16, choices=ShareRecipient.choices, blank=True
    )
    village = models.ForeignKey(
        "divisions.Village",
        verbose_name=_("受益村集体"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    description = models.TextField(_("利益联结说明"), blank=True)
    evidence = models.FileField(
        _("证明材料"), storage=private_storage, upload_to="poverty/certifications/", blank=True
    )
    valid_from = models.DateTimeField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    zone_position = models.IntegerField(_("专区排序"), default=0)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("扶贫产品认定")
        verbose_name_plural = _("扶贫产品认定")
        ordering = ["zone_position", "-created_at", "pk"]
        indexes = [models.Index(fields=["status", "valid_until"], name="poverty_cert_status")]

    def __str__(self) -> str:
        return self.number or f"{self.product_id} ({self.get_status_display()})"


class Beneficiary(models.Model):
    """Who a certification benefits: a household (with its weight in the split) or, for a
    sales share to a collective, the village itself."""

    certification = models.ForeignKey(
        Certification, related_name="beneficiaries", on_delete=models.CASCADE
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, related_name="beneficiaries", on_delete=models.PROTECT
    )
    village = models.ForeignKey(
        "divisions.Village", related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    weight = models.PositiveIntegerField(_("份额"), default=1)

    class Meta:
        ordering = ["certification_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False) | models.Q(village__isnull=False),
                name="poverty_beneficiary_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification_id}: {self.household_id or self.village_id}"


class RelatedAccount(models.Model):
    """A shopper account flagged as related to a vendor (family, agents, sock puppets): its
    purchases of that vendor's products count for nothing in the zone's figures."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    vendor = models.ForeignKey("vendors.Vendor", related_name="+", on_delete=models.CASCADE)
    reason = models.CharField(_("原因"), max_length=200)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("关联账户")
        verbose_name_plural = _("关联账户")
        constraints = [
            models.UniqueConstraint(fields=["user", "vendor"], name="poverty_related_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ~ {self.vendor_id}"


class EntryKind(models.TextChoices):
    SALE = "sale", _("销售")
    REFUND = "refund", _("退款冲销")


class Exclusion(models.TextChoices):
    NONE = "", _("计入")
    VENDOR_STAFF = "vendor_staff", _("商家员工购买")
    RELATED_ACCOUNT = "related_account", _("关联账户购买")


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("ledger rows are immutable")

    def delete(self):
        raise TypeError("ledger rows are immutable")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("ledger rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ledger rows are immutable")


class ZoneSale(ImmutableModel):
    """One zone sale or its reversal: a paid order line of a certified product (SALE), or the
    part of it a granted refund gives back (REFUND, negative quantity and amounts)."""

    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    order_line = models.ForeignKey(
        "order.OrderLine", related_name="+", on_delete=models.PROTECT, db_constraint=True
    )
    order = models.ForeignKey("order.Order", related_name="+", on_delete=models.PROTECT)
    granted_refund = models.ForeignKey(
        "order.OrderGrantedRefund",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    # A refund that named no order lines (or named them only in the payment request): the
    # successful refund event whose pro rata share this reversal gives back.
    refund_event = models.ForeignKey(
        "payment.TransactionEvent",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    certification = models.ForeignKey(Certification, related_name="sales", on_delete=models.PROTECT)
    product = models.ForeignKey("catalog.Product", related_name="+", on_delete=models.PROTECT)
    vendor = models.ForeignKey("vendors.Vendor", related_name="+", on_delete=models.PROTECT)
    mechanism = models.CharField(max_length=16, choices=Mechanism.choices)
    quantity = models.IntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    benefit_amount = models.DecimalField(max_digits=14, decimal_places=2)
    excluded = models.CharField(max_length=16, choices=Exclusion.choices, blank=True, default="")
    occurred_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("专区销售记录")
        verbose_name_plural = _("专区销售记录")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_line"],
                condition=models.Q(kind="sale"),
                name="poverty_sale_once_per_line",
            ),
            models.UniqueConstraint(
                fields=["order_line", "granted_refund"],
                condition=models.Q(kind="refund"),
                name="poverty_refund_once_per_grant_line",
            ),
            models.UniqueConstraint(
                fields=["order_line", "refund_event"],
                condition=models.Q(kind="refund"),
                name="poverty_refund_once_per_event_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_line_id} {self.amount}"


class BenefitEntry(ImmutableModel):
    """The benefit one household or village collective receives from one zone sale (or gives
    back with its reversal)."""

    sale = models.ForeignKey(ZoneSale, related_name="entries", on_delete=models.PROTECT)
    household = models.ForeignKey(
        Household, null=True, blank=True, related_name="benefits", on_delete=models.PROTECT
    )
    village = models.ForeignKey("divisions.Village", related_name="+", on_delete=models.PROTECT)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    excluded = models.CharField(max_length=16, choices=Exclusion.choices, blank=True, default="")
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("受益台账")
        verbose_name_plural = _("受益台账")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["village", "occurred_at"], name="poverty_benefit_village")]

    def __str__(self) -> str:
        return f"{self.household_id or self.village_id}: {self.amount}"
