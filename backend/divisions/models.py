"""The county's own administrative divisions below the district: towns and their villages.

They come from `catalog_seed/county.yaml`; addresses inside the county must name a seeded town
and one of its villages, and the station network (issue #4) hangs its stations on them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TownKind(models.TextChoices):
    TOWN = "镇", _("镇")
    TOWNSHIP = "乡", _("乡")
    SUBDISTRICT = "街道", _("街道")


class Town(models.Model):
    """A town (乡镇) or sub-district (街道) of the county."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=TownKind.choices)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("乡镇/街道")
        verbose_name_plural = _("乡镇/街道")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """An administrative village (村) or community (社区) of one town."""

    town = models.ForeignKey(Town, related_name="villages", on_delete=models.CASCADE)
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    is_economically_weak = models.BooleanField(_("经济薄弱村"), default=False)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("村/社区")
        verbose_name_plural = _("村/社区")
        ordering = ["town__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_town_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.town.name}{self.name}" if self.town_id else self.name
