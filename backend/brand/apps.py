from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "backend.brand"
    label = "brand"
    verbose_name = _("区域公用品牌")
