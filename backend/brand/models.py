from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicBrand(models.Model):
    """The county's public brand (区域公用品牌) that the marketplace sells under.

    Loaded from `catalog_seed/county.yaml`, so another county runs the same software with its
    own name, slogan and story.
    """

    county_name = models.CharField(_("县名"), max_length=100)
    county_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    province = models.CharField(_("省份"), max_length=50, blank=True)
    city = models.CharField(_("地级市"), max_length=50, blank=True)
    name = models.CharField(_("品牌名称"), max_length=100)
    slug = models.SlugField(_("标识"), max_length=100, unique=True, allow_unicode=True)
    slogan = models.CharField(_("品牌口号"), max_length=200, blank=True)
    story = models.TextField(_("品牌故事"), blank=True)
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

    def __str__(self) -> str:
        return f"{self.county_name} · {self.name}"
