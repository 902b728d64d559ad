from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    """A sales channel (Saleor: Channel). The county store is one channel in CNY for CN."""

    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    currency_code = models.CharField(_("货币"), max_length=3, default="CNY")
    default_country = models.CharField(_("默认国家"), max_length=2, default="CN")
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")

    class Meta:
        verbose_name = _("销售渠道")
        verbose_name_plural = _("销售渠道")
        ordering = ["slug"]
        permissions = [("manage_channels", _("管理销售渠道"))]

    def __str__(self) -> str:
        return self.name
