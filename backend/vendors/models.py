from django.db import models
from django.utils.translation import gettext_lazy as _


class VendorKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体网商")


class Vendor(models.Model):
    """A cooperative or enterprise that sells through the marketplace.

    The foundation keeps vendors as seeded data; onboarding, review and settlement build on
    this model later (issue #6).
    """

    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=VendorKind.choices)
    legal_name = models.CharField(_("法定名称"), max_length=250, blank=True)
    description = models.TextField(_("简介"), blank=True)
    town = models.CharField(_("所在乡镇"), max_length=100, blank=True)
    village = models.CharField(_("所在村"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商家")
        verbose_name_plural = _("商家")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
